"""The heartbeat keeps every room going: trouble in one room or socket closes no other."""

import logging

import pytest

from chat.presence import tracker
from chat.sockets import fanout
from chat.sockets.close_codes import CLOSE_SERVICE_RESTART
from chat.sockets.heartbeat import heartbeat
from tests.sockets import joined, next_of_type

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


async def still_chatting(socket, body: str) -> None:
    await socket.send_json_to({"type": "message.send", "body": body})
    assert (await next_of_type(socket, "message"))["message"]["body"] == body


async def close_code(socket) -> int:
    """The code the server closes ``socket`` with, after any frames before it."""
    while True:
        output = await socket.receive_output(timeout=2)
        if output["type"] == "websocket.close":
            return output["code"]


def hub_of(slug: str) -> fanout.RoomHub:
    return next(hub for hub in fanout.room_hubs() if hub.room.slug == slug)


async def test_a_room_emptied_during_a_heartbeat_closes_no_one_else(
    alice, bob, lobby, other_room, redis_settings, monkeypatch, caplog
):
    """One user hopping between rooms: a room's last socket leaves while the heartbeat is
    between rooms, so the heartbeat meets a receiver that has just stopped."""
    staying, _ = await joined(alice)
    leaving, _ = await joined(bob, slug=other_room.slug)
    lobby_hub = hub_of(lobby.slug)
    catch_up = lobby_hub.catch_up

    async def catch_up_while_bob_leaves():
        await catch_up()
        await leaving.disconnect()

    monkeypatch.setattr(lobby_hub, "catch_up", catch_up_while_bob_leaves)

    with caplog.at_level(logging.ERROR):
        await heartbeat().beat()

    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    await still_chatting(staying, "still here")
    await staying.disconnect()


async def test_a_room_whose_receiver_fails_its_heartbeat_reconnects_alone(
    alice, bob, lobby, other_room, redis_settings, monkeypatch
):
    staying, _ = await joined(alice)
    troubled, _ = await joined(bob, slug=other_room.slug)

    async def renew_fails():
        raise RuntimeError("the layer refused")

    monkeypatch.setattr(hub_of(other_room.slug), "renew", renew_fails)

    await heartbeat().beat()

    assert await close_code(troubled) == CLOSE_SERVICE_RESTART
    await still_chatting(staying, "unaffected")
    await staying.disconnect()


async def test_a_socket_leaving_while_presence_is_refreshed_is_not_taken_for_lost(
    alice, bob, lobby, redis_settings, monkeypatch, caplog
):
    staying, _ = await joined(alice)
    leaving, _ = await joined(bob)
    store = tracker.presence_store()
    refresh = store.refresh

    async def refresh_after_bob_left(**kwargs):
        await leaving.disconnect()  # its leave reaches Redis before the refresh does
        return await refresh(**kwargs)

    monkeypatch.setattr(store, "refresh", refresh_after_bob_left)
    with caplog.at_level(logging.WARNING):
        await heartbeat().beat()

    assert "presence lost" not in caplog.text
    await still_chatting(staying, "nothing was lost")
    await staying.disconnect()
