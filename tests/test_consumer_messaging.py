"""Sending: validated, saved, then broadcast to every member with the database id.

Every test here runs twice: on the in-memory layer and on a real Redis channel layer.
"""

import pytest

from chat.models import Message
from tests.sockets import drain, joined, next_of_type

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("layer")]


async def test_a_message_is_saved_then_reaches_every_member_with_its_id(alice, bob, lobby):
    alice_socket, _ = await joined(alice)
    bob_socket, _ = await joined(bob)

    await alice_socket.send_json_to(
        {"type": "message.send", "body": "  hello bob  ", "client_msg_id": "c1"}
    )

    ack = await next_of_type(alice_socket, "ack")
    saved = await Message.objects.aget(pk=ack["id"])
    assert (saved.body, saved.author_id, saved.room_id) == ("hello bob", alice.pk, lobby.pk)
    for socket in (alice_socket, bob_socket):
        delivered = (await next_of_type(socket, "message"))["message"]
        assert delivered["id"] == saved.pk
        assert delivered["body"] == "hello bob"
        assert delivered["author"]["name"] == "alice"
        assert delivered["client_msg_id"] == "c1"
        assert delivered["created"] == ack["created"]
    await alice_socket.disconnect()
    await bob_socket.disconnect()


async def test_user_text_is_carried_as_text(alice, bob, lobby):
    alice_socket, _ = await joined(alice)
    bob_socket, _ = await joined(bob)
    hostile = "<img src=x onerror=alert(1)>"

    await alice_socket.send_json_to({"type": "message.send", "body": hostile})

    assert (await next_of_type(bob_socket, "message"))["message"]["body"] == hostile
    await alice_socket.disconnect()
    await bob_socket.disconnect()


async def test_a_resent_client_msg_id_is_saved_and_announced_once(alice, bob, lobby):
    alice_socket, _ = await joined(alice)
    bob_socket, _ = await joined(bob)

    frame = {"type": "message.send", "body": "only once", "client_msg_id": "same"}
    await alice_socket.send_json_to(frame)
    first = await next_of_type(alice_socket, "ack")
    await alice_socket.send_json_to(frame)
    second = await next_of_type(alice_socket, "ack")

    assert first["id"] == second["id"]
    assert await Message.objects.filter(body="only once").acount() == 1
    await alice_socket.send_json_to({"type": "message.send", "body": "marker"})
    seen = []
    while not seen or seen[-1]["body"] != "marker":
        seen.append((await next_of_type(bob_socket, "message"))["message"])
    assert [m["id"] for m in seen[:-1]] == [first["id"]]
    await alice_socket.disconnect()
    await bob_socket.disconnect()


@pytest.mark.parametrize(
    ("body", "code"),
    [("", "empty_body"), ("   \n\t ", "empty_body"), ("x" * 4001, "body_too_long")],
)
async def test_a_message_breaking_the_rules_is_refused_and_not_saved(alice, lobby, body, code):
    socket, _ = await joined(alice)

    await socket.send_json_to({"type": "message.send", "body": body, "client_msg_id": "bad"})

    error = await next_of_type(socket, "error")
    assert error["code"] == code
    assert error["client_msg_id"] == "bad"
    assert await Message.objects.acount() == 0
    await socket.disconnect()


async def test_the_longest_allowed_message_is_accepted(alice, lobby):
    socket, _ = await joined(alice)

    await socket.send_json_to({"type": "message.send", "body": "长" * 4000})

    ack = await next_of_type(socket, "ack")
    assert len((await Message.objects.aget(pk=ack["id"])).body) == 4000
    await socket.disconnect()


async def test_messages_stay_in_their_room(alice, bob, lobby, other_room):
    alice_socket, _ = await joined(alice)
    bob_socket, _ = await joined(bob, slug="other")

    await alice_socket.send_json_to({"type": "message.send", "body": "lobby only"})
    await next_of_type(alice_socket, "message")

    assert [f for f in await drain(bob_socket) if f["type"] == "message"] == []
    await alice_socket.disconnect()
    await bob_socket.disconnect()
