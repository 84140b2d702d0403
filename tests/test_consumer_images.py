"""A message with a picture over the room socket: sent, acknowledged, seen by the room and
in history, refused with a clear error (the socket staying usable) when its upload is not the
sender's to use, and told to the old page as its caption and the picture's address. On the
in-memory layer and on a real Redis."""

import io

import pytest
from asgiref.sync import sync_to_async

from chat.models import Message, Upload
from chat.uploads.storing import upload_create
from tests.legacy_sockets import SITE, logged_in, next_legacy
from tests.pictures import picture
from tests.sockets import joined, next_of_type

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("layer")]


class File(io.BytesIO):
    @property
    def size(self) -> int:
        return len(self.getvalue())


@sync_to_async
def upload_by(user, room) -> Upload:
    return upload_create(
        uploader=user, room=room, file=File(picture("JPEG", size=(800, 600))), moderator=False
    )


async def test_a_picture_with_a_caption_reaches_the_room_and_history(alice, bob, lobby):
    alice_socket, _ = await joined(alice)
    bob_socket, welcome = await joined(bob)
    assert welcome["guest"] is False and welcome["rules"]["guest_images"] is False
    upload = await upload_by(alice, lobby)

    await alice_socket.send_json_to(
        {"type": "message.send", "body": "our view", "client_msg_id": "p1", "upload": upload.key}
    )

    ack = await next_of_type(alice_socket, "ack")
    seen = (await next_of_type(bob_socket, "message"))["message"]
    assert (seen["id"], seen["body"]) == (ack["id"], "our view")
    assert seen["image"] == {
        "url": f"/uploads/{upload.key}/",
        "thumb_url": f"/uploads/{upload.key}/thumb/",
        "width": 800,
        "height": 600,
        "thumb_width": 480,
        "thumb_height": 360,
    }
    await bob_socket.send_json_to({"type": "history"})
    history = await next_of_type(bob_socket, "history")
    assert history["messages"][-1]["image"] == seen["image"]
    await alice_socket.disconnect()
    await bob_socket.disconnect()


async def test_a_picture_needs_no_caption_but_a_message_without_one_needs_text(alice, lobby):
    socket, _ = await joined(alice)
    upload = await upload_by(alice, lobby)

    await socket.send_json_to({"type": "message.send", "client_msg_id": "p2", "upload": upload.key})
    message = (await next_of_type(socket, "message"))["message"]
    assert message["body"] == "" and message["image"]["url"].endswith(f"{upload.key}/")

    await socket.send_json_to({"type": "message.send", "body": "  ", "client_msg_id": "p3"})
    assert (await next_of_type(socket, "error"))["code"] == "empty_body"
    await socket.disconnect()


async def test_an_upload_that_is_not_the_senders_to_use_is_refused_and_nothing_is_saved(
    alice, bob, lobby, other_room
):
    socket, _ = await joined(bob)
    alices = await upload_by(alice, lobby)
    elsewhere = await upload_by(bob, other_room)

    for key in (alices.key, elsewhere.key, "no-such-upload"):
        await socket.send_json_to(
            {"type": "message.send", "body": "x", "client_msg_id": f"c-{key}", "upload": key}
        )
        refused = await next_of_type(socket, "error")
        assert (refused["code"], refused["client_msg_id"]) == ("upload_not_found", f"c-{key}")
    await socket.send_json_to({"type": "message.send", "body": "x", "upload": 5})
    assert (await next_of_type(socket, "error"))["code"] == "invalid_field"

    assert not await sync_to_async(Message.objects.exists)()
    await socket.send_json_to({"type": "message.send", "body": "still here", "client_msg_id": "ok"})
    assert (await next_of_type(socket, "ack"))["client_msg_id"] == "ok"
    await socket.disconnect()


async def test_one_upload_makes_one_message_and_a_resend_is_recognised(alice, lobby):
    socket, _ = await joined(alice)
    upload = await upload_by(alice, lobby)
    send = {"type": "message.send", "body": "once", "client_msg_id": "same", "upload": upload.key}

    await socket.send_json_to(send)
    first = await next_of_type(socket, "ack")
    await socket.send_json_to(send)  # as after a dropped connection
    again = await next_of_type(socket, "ack")
    await socket.send_json_to({**send, "client_msg_id": "other"})
    refused = await next_of_type(socket, "error")

    assert again["id"] == first["id"]
    assert refused["code"] == "upload_not_found"
    assert await sync_to_async(Message.objects.count)() == 1
    await socket.disconnect()


async def test_the_old_page_gets_the_caption_and_the_pictures_address(alice, lobby):
    page, _ = await joined(alice)
    old, _ = await logged_in("oldtimer")
    upload = await upload_by(alice, lobby)

    await page.send_json_to(
        {"type": "message.send", "body": "sunset", "client_msg_id": "l1", "upload": upload.key}
    )

    told = await next_legacy(old, "user")
    assert told["msg"] == f"sunset\n{SITE}/uploads/{upload.key}/"
    await page.disconnect()
    await old.disconnect()


async def test_a_reply_to_a_picture_and_a_notice_of_one_say_it_is_a_picture(alice, bob, lobby):
    alice_socket, _ = await joined(alice)
    bob_socket, _ = await joined(bob)
    upload = await upload_by(alice, lobby)
    await alice_socket.send_json_to(
        {"type": "message.send", "body": "@bob", "client_msg_id": "q1", "upload": upload.key}
    )
    original = (await next_of_type(bob_socket, "message"))["message"]
    notice = await next_of_type(bob_socket, "notify")

    await bob_socket.send_json_to(
        {"type": "message.send", "body": "nice", "client_msg_id": "q2", "reply_to": original["id"]}
    )

    reply = (await next_of_type(alice_socket, "message"))["message"]
    while reply["id"] == original["id"]:
        reply = (await next_of_type(alice_socket, "message"))["message"]
    assert reply["reply_to"]["image"] is True and reply["reply_to"]["excerpt"] == "@bob"
    assert notice["image"] is True and notice["reason"] == "mention"
    await alice_socket.disconnect()
    await bob_socket.disconnect()
