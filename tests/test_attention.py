"""Read positions shared by a user's tabs, notifications of mentions and direct messages on
whatever page the user has open, and "is typing" notices: throttled, and never in a crowd.
Each test runs on the in-memory layer and on a real Redis."""

import pytest
from asgiref.sync import sync_to_async

from chat.access.direct import direct_room_open
from chat.models import ReadPosition
from tests.factories import RoomFactory
from tests.sockets import joined, next_frame, next_of_type, socket_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("layer")]


async def said(socket, body):
    await socket.send_json_to({"type": "message.send", "body": body})
    return (await next_of_type(socket, "ack"))["seq"]


async def types_until(socket, frame_type) -> list[str]:
    """The types of the frames ``socket`` gets up to the first of ``frame_type``."""
    types = []
    while not types or types[-1] != frame_type:
        types.append((await next_frame(socket))["type"])
    return types


async def test_reading_in_one_tab_moves_the_position_of_every_tab(alice, bob, lobby):
    bob_socket, _ = await joined(bob)
    seq = await said(bob_socket, "news")
    tab_1, welcome = await joined(alice)
    assert welcome["last_read_seq"] == 0
    tab_2, _ = await joined(alice)

    await tab_1.send_json_to({"type": "read", "seq": seq})

    for tab in (tab_1, tab_2):
        assert await next_of_type(tab, "read") == {"type": "read", "room": "lobby", "seq": seq}
    await tab_1.send_json_to({"type": "read", "seq": seq - 1})  # behind: nothing to tell
    await tab_1.send_json_to({"type": "ping"})
    assert "read" not in await types_until(tab_1, "pong")
    await tab_2.disconnect()
    again, welcome = await joined(alice)
    assert welcome["last_read_seq"] == seq
    assert await ReadPosition.objects.filter(user=alice).acount() == 1
    for socket in (tab_1, again, bob_socket):
        await socket.disconnect()


async def test_a_mention_elsewhere_and_a_direct_message_reach_the_page_the_user_has_open(
    alice, bob, lobby
):
    other = await sync_to_async(RoomFactory)(slug="other")
    conversation = await sync_to_async(direct_room_open)(user=bob, other=alice)
    alice_socket, _ = await joined(alice)  # in the lobby
    bob_there, _ = await joined(bob, slug="other")
    bob_dm, _ = await joined(bob, slug=conversation.slug)

    await said(bob_there, "ping @alice")
    notice = await next_of_type(alice_socket, "notify")
    assert (notice["reason"], notice["room"]["slug"], notice["excerpt"]) == (
        "mention",
        "other",
        "ping @alice",
    )
    assert notice["author"]["name"] == "bob"

    await said(bob_dm, "psst")
    notice = await next_of_type(alice_socket, "notify")
    assert (notice["reason"], notice["room"]["slug"]) == ("direct", conversation.slug)
    await bob_there.send_json_to({"type": "ping"})
    assert "notify" not in await types_until(bob_there, "pong")  # never its author
    for socket in (alice_socket, bob_there, bob_dm):
        await socket.disconnect()
    assert other  # the room bob talked in


async def test_typing_is_told_to_the_room_once_per_few_seconds(alice, bob, lobby, settings):
    settings.CHAT_TYPING_EVERY_SECONDS = 60
    alice_socket, _ = await joined(alice)
    bob_socket, _ = await joined(bob)
    bob_tab_2, _ = await joined(bob)

    await bob_socket.send_json_to({"type": "typing"})
    typing = await next_of_type(alice_socket, "typing")
    assert (typing["user"]["name"], typing["expires_in"]) == ("bob", 5)
    await bob_tab_2.send_json_to({"type": "typing"})  # another tab, within the window
    await bob_tab_2.send_json_to({"type": "message.send", "body": "marker"})
    assert "typing" not in await types_until(alice_socket, "message")
    for socket in (alice_socket, bob_socket, bob_tab_2):
        await socket.disconnect()


async def test_no_typing_in_a_room_with_more_people_online_than_the_setting(
    alice, bob, lobby, settings
):
    settings.CHAT_TYPING_MAX_ONLINE = 1
    alice_socket, _ = await joined(alice)
    bob_socket, _ = await joined(bob)
    await bob_socket.send_json_to({"type": "typing"})
    await bob_socket.send_json_to({"type": "message.send", "body": "marker"})
    assert "typing" not in await types_until(alice_socket, "message")
    await alice_socket.disconnect()
    await bob_socket.disconnect()


async def test_a_read_frame_needs_a_number(alice, lobby):
    socket = await socket_for(alice)
    await socket.connect()
    await socket.send_json_to({"type": "read", "seq": "7"})
    assert (await next_of_type(socket, "error"))["code"] == "invalid_field"
    await socket.disconnect()


async def test_reports_that_come_fast_are_gathered_into_one_write(alice, bob, lobby):
    bob_socket, _ = await joined(bob)
    seqs = [await said(bob_socket, f"m{n}") for n in range(3)]
    tab, _ = await joined(alice)

    for seq in seqs:
        await tab.send_json_to({"type": "read", "seq": seq})

    first = await next_of_type(tab, "read")
    second = await next_of_type(tab, "read", timeout=3)
    assert (first["seq"], second["seq"]) == (seqs[0], seqs[2])
    position = await ReadPosition.objects.aget(user=alice)
    assert position.last_read_seq == seqs[2]
    await tab.disconnect()
    await bob_socket.disconnect()


async def test_a_mention_in_a_private_room_tells_no_one_outside_it(alice, bob, lobby):
    from chat.access.private import room_privacy_set

    club = await sync_to_async(RoomFactory)(slug="club", creator=bob)
    await sync_to_async(room_privacy_set)(actor=bob, room=club, private=True)
    alice_socket, _ = await joined(alice)
    bob_socket, _ = await joined(bob, slug="club")
    bob_in_lobby, _ = await joined(bob)

    await said(bob_socket, "@alice is not here")
    await said(bob_in_lobby, "@alice hello")  # told after the other, by the same path

    assert (await next_of_type(alice_socket, "notify"))["room"]["slug"] == "lobby"
    for socket in (alice_socket, bob_socket, bob_in_lobby):
        await socket.disconnect()


async def test_a_blocked_pair_hears_nothing_of_each_others_typing(alice, bob, lobby):
    from chat.access.direct import block_set, direct_room_open

    conversation = await sync_to_async(direct_room_open)(user=alice, other=bob)
    alice_socket, _ = await joined(alice, slug=conversation.slug)
    bob_socket, _ = await joined(bob, slug=conversation.slug)
    await said(alice_socket, "before")
    message = (await next_of_type(bob_socket, "message"))["message"]
    await sync_to_async(block_set)(user=alice, target=bob, blocked=True)

    await bob_socket.send_json_to({"type": "typing"})
    # Told to the room after the typing notice would be, by the same way: a marker.
    await bob_socket.send_json_to(
        {"type": "reaction.add", "message_id": message["id"], "emoji": "👍"}
    )

    assert "typing" not in await types_until(alice_socket, "reaction.added")
    await alice_socket.disconnect()
    await bob_socket.disconnect()
