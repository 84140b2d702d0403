"""Moderation takes effect on open sockets at once, on both endpoints: a deletion leaves
every screen, a mute stops sends and says until when, a kick and a ban close the socket
with their codes, and a ban keeps the user (and their browser and address) out."""

import pytest
from asgiref.sync import sync_to_async

from chat.identity import legacy_guest_find
from chat.models import Message, Sanction, WordFilter
from chat.moderation.deletion import message_delete
from chat.moderation.moderators import room_moderator_set
from chat.moderation.rules import room_rules_set
from chat.moderation.sanctions import sanction_give, sanction_lift, user_kick
from chat.sockets.close_codes import CLOSE_BANNED, CLOSE_KICKED
from tests.factories import UserFactory
from tests.legacy_sockets import logged_in, next_legacy, shaken
from tests.sockets import close_code, drain, joined, next_of_type, socket_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("layer")]


@pytest.fixture
def owner(db, lobby):
    user = UserFactory(username="owner")
    lobby.creator = user
    lobby.save()
    return user


async def send(socket, body: str, client_msg_id: str) -> dict:
    await socket.send_json_to(
        {"type": "message.send", "body": body, "client_msg_id": client_msg_id}
    )
    while True:
        frame = await next_of_type_any(socket, ("ack", "error"))
        if frame.get("client_msg_id") == client_msg_id:
            return frame


async def next_of_type_any(socket, types) -> dict:
    while True:
        frame = await socket.receive_json_from(timeout=3)
        if frame["type"] in types:
            return frame


async def test_a_deleted_message_leaves_every_open_page_on_both_endpoints(owner, alice, lobby):
    author, _ = await joined(alice)
    reader, _ = await joined(owner)
    old_page, _ = await logged_in("oldtimer")
    ack = await send(author, "buy cheap pills", "m-1")
    await next_of_type(reader, "message")
    message = await Message.objects.select_related("room", "author").aget(pk=ack["id"])

    await sync_to_async(message_delete)(actor=owner, message=message, reason="spam")

    for socket in (author, reader):
        deleted = await next_of_type(socket, "message.deleted")
        assert deleted["ids"] == [ack["id"]]
    line = await next_legacy(old_page, "system")
    assert line["msg"] == "A moderator removed a message."
    history_socket, _ = await joined(alice)
    await history_socket.send_json_to({"type": "history"})
    history = await next_of_type(history_socket, "history")
    assert [m["id"] for m in history["messages"]] == []
    for socket in (author, reader, old_page, history_socket):
        await socket.disconnect()


async def test_a_muted_user_is_told_until_when_and_cannot_send(owner, alice, lobby):
    muted, _ = await joined(alice)

    await sync_to_async(sanction_give)(
        actor=owner,
        target=alice,
        kind=Sanction.MUTE,
        duration="10m",
        room=lobby,
        reason="calm down",
    )

    notice = await next_of_type(muted, "moderation.muted")
    assert notice["until"] is not None and notice["reason"] == "calm down"
    refusal = await send(muted, "but why", "m-2")
    assert refusal["code"] == "muted" and "calm down" in refusal["detail"]
    assert refusal["until"] == notice["until"]
    sanction = await Sanction.objects.select_related("room").aget(user=alice)
    await sync_to_async(sanction_lift)(actor=owner, sanction=sanction)
    await next_of_type(muted, "moderation.unmuted")
    assert (await send(muted, "thanks", "m-3"))["type"] == "ack"
    await muted.disconnect()


async def test_a_kicked_user_is_closed_and_may_come_back(owner, alice, lobby):
    kicked, _ = await joined(alice)

    await sync_to_async(user_kick)(actor=owner, target=alice, room=lobby, reason="cool off")

    error = await next_of_type(kicked, "error")
    assert error["code"] == "kicked"
    assert await close_code(kicked) == CLOSE_KICKED
    await kicked.disconnect()
    back, _ = await joined(alice)
    await back.disconnect()


async def test_a_banned_user_is_closed_and_refused_on_reconnect_with_when_it_ends(
    owner, alice, lobby
):
    banned, _ = await joined(alice)

    await sync_to_async(sanction_give)(
        actor=owner, target=alice, kind=Sanction.BAN, duration="1d", room=lobby, reason="spam"
    )

    error = await next_of_type(banned, "error")
    assert error["code"] == "banned" and error["until"] and error["reason"] == "spam"
    assert await close_code(banned) == CLOSE_BANNED
    await banned.disconnect()
    again = await socket_for(alice)
    assert (await again.connect())[0]
    refusal = await again.receive_json_from()
    assert refusal["code"] == "banned"
    assert await close_code(again) == CLOSE_BANNED
    await again.disconnect()


async def test_a_banned_old_page_guest_is_closed_and_cannot_log_in_again(owner, lobby):
    troll, _ = await logged_in("trollish")
    user = await sync_to_async(legacy_guest_find)(nickname="trollish")

    await sync_to_async(sanction_give)(
        actor=owner, target=user, kind=Sanction.BAN, duration="forever", room=lobby
    )

    line = await next_legacy(troll, "system")
    assert "banned" in line["msg"]
    assert await close_code(troll) == CLOSE_BANNED
    await troll.disconnect()
    comeback = await shaken("/")
    await comeback.send_json_to({"type": "login", "msg": "trollish", "headerimg": "img/a1.jpg"})
    refusal = await next_legacy(comeback, "system")
    assert "banned" in refusal["msg"]
    assert await close_code(comeback) == CLOSE_BANNED
    await comeback.disconnect()


async def test_the_old_page_is_told_its_message_is_held_and_the_room_sees_nothing(owner, lobby):
    await WordFilter.objects.acreate(pattern="发票", action=WordFilter.HOLD)
    author, _ = await logged_in("seller")
    reader, _ = await joined(owner)

    await author.send_json_to({"type": "user", "msg": "代开发票"})

    notice = await next_legacy(author, "system")
    assert notice["msg"].startswith("Your message is held for review")
    # The notice comes after the save and its announcement: anything for the room is here.
    assert [frame for frame in await drain(reader) if frame["type"] == "message"] == []
    for socket in (author, reader):
        await socket.disconnect()


async def test_an_old_page_guest_named_moderator_posts_in_a_read_only_room(owner, lobby):
    guest, _ = await logged_in("helper")
    await guest.disconnect()
    user = await sync_to_async(legacy_guest_find)(nickname="helper")
    await sync_to_async(room_moderator_set)(actor=owner, room=lobby, user=user, moderator=True)
    await sync_to_async(room_rules_set)(actor=owner, room=lobby, read_only=True)
    guest, _ = await logged_in("helper")
    visitor, _ = await logged_in("visitor")

    await visitor.send_json_to({"type": "user", "msg": "hello?"})
    refusal = await next_legacy(visitor, "system")
    await guest.send_json_to({"type": "user", "msg": "announcements only today"})

    assert refusal["msg"] == "This room is read-only: only moderators can post."
    said = await next_legacy(visitor, "user")
    assert (said["from"], said["msg"]) == ("helper", "announcements only today")
    for socket in (guest, visitor):
        await socket.disconnect()
