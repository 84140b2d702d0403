"""Presence is per room and per user: tabs count once, "left" comes with the last tab."""

import pytest

from tests.sockets import drain, joined, next_of_type, next_presence

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("layer")]


async def test_others_see_a_join_and_the_online_list_grows(alice, bob, lobby):
    alice_socket, _ = await joined(alice)

    bob_socket, welcome = await joined(bob)

    joined_frame = await next_presence(alice_socket, "presence.joined", "bob")
    assert joined_frame["count"] == 2
    assert [entry["user"]["name"] for entry in welcome["online"]] == ["alice", "bob"]
    await alice_socket.disconnect()
    await bob_socket.disconnect()


async def test_two_tabs_of_one_user_count_once_and_leave_with_the_last(alice, bob, lobby):
    watcher, _ = await joined(alice)
    first_tab, _ = await joined(bob)
    assert (await next_presence(watcher, "presence.joined", "bob"))["count"] == 2
    await drain(first_tab)

    second_tab, welcome = await joined(bob)
    assert welcome["count"] == 2
    assert [entry["user"]["name"] for entry in welcome["online"]] == ["alice", "bob"]

    await first_tab.disconnect()
    await second_tab.send_json_to({"type": "ping"})
    await next_of_type(second_tab, "pong")
    assert await watcher.receive_nothing(timeout=0.3), "closing one of two tabs is not leaving"

    await second_tab.disconnect()
    left = await next_presence(watcher, "presence.left", "bob")
    assert left["count"] == 1
    await watcher.disconnect()


async def test_presence_is_per_room(alice, bob, lobby, other_room):
    alice_socket, _ = await joined(alice)
    await next_presence(alice_socket, "presence.joined", "alice")

    bob_socket, welcome = await joined(bob, slug="other")

    assert welcome["count"] == 1
    assert await alice_socket.receive_nothing(timeout=0.3)
    await alice_socket.disconnect()
    await bob_socket.disconnect()


async def test_a_consumer_that_fails_still_leaves_the_room(alice, bob, lobby, layer):
    """Channels skips disconnect() when a handler raises; the user must still go."""
    from channels.layers import get_channel_layer

    from chat.sockets.heartbeat import heartbeat

    alice_socket, _ = await joined(alice)
    bob_socket, _ = await joined(bob)
    [alice_channel] = [
        channel for channel, (_, user_id, _) in heartbeat().sockets.items() if user_id == alice.pk
    ]

    # An event no handler exists for makes Channels raise inside Alice's consumer.
    await get_channel_layer().send(alice_channel, {"type": "no.such.handler"})

    left = await next_presence(bob_socket, "presence.left", "alice")
    assert left["count"] == 1
    assert alice_channel not in heartbeat().sockets
    with pytest.raises(ValueError, match="No handler for message type"):
        await alice_socket.receive_output(timeout=1)
    await bob_socket.disconnect()
