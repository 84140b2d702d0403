"""Presence in Redis: shared by processes, per user, and swept when a process dies."""

import pytest
from django.conf import settings

from chat.presence.redis_store import RedisPresence
from chat.sockets.close_codes import CLOSE_SERVICE_RESTART
from chat.sockets.heartbeat import heartbeat
from tests.sockets import joined, next_presence

ALICE = {"id": 1, "name": "alice", "avatar": "/a1.svg"}
BOB = {"id": 2, "name": "bob", "avatar": "/a2.svg"}


@pytest.fixture
def store(redis_settings):
    return RedisPresence(url=redis_settings, ttl_seconds=60, prefix=settings.CHAT_REDIS_PREFIX)


async def test_a_user_is_online_once_however_many_connections(store):
    assert await store.join(room="lobby", user=ALICE, channel_name="tab-1") is True
    assert await store.join(room="lobby", user=ALICE, channel_name="tab-2") is False
    assert await store.join(room="tea", user=ALICE, channel_name="tab-3") is True

    assert [entry.user["name"] for entry in await store.online(room="lobby")] == ["alice"]
    assert await store.counts(rooms=["lobby", "tea", "empty"]) == {"lobby": 1, "tea": 1, "empty": 0}
    assert await store.connection_count(user_id=1) == 3
    assert await store.leave(room="lobby", user_id=1, channel_name="tab-1") is False
    assert await store.leave(room="lobby", user_id=1, channel_name="tab-2") is True
    assert await store.counts(rooms=["lobby"]) == {"lobby": 0}
    assert await store.is_online(user_id=1) is True  # still in "tea"


async def test_connections_that_stop_beating_are_swept_once(store, redis_settings):
    dead_process = RedisPresence(
        url=redis_settings, ttl_seconds=0, prefix=settings.CHAT_REDIS_PREFIX
    )
    await dead_process.join(room="lobby", user=BOB, channel_name="gone")
    await store.join(room="lobby", user=ALICE, channel_name="alive")

    assert await store.sweep() == [("lobby", BOB)]
    assert await store.sweep() == []
    assert [entry.user["name"] for entry in await store.online(room="lobby")] == ["alice"]


async def test_a_refresh_reports_connections_redis_forgot(store, redis_settings):
    import redis

    await store.join(room="lobby", user=ALICE, channel_name="a")
    await store.join(room="lobby", user=BOB, channel_name="b")
    assert await store.refresh(connections=[("lobby", 1, "a"), ("lobby", 2, "b")]) == []

    redis.Redis.from_url(redis_settings).flushdb()  # what a restart without persistence does

    assert await store.refresh(connections=[("lobby", 1, "a"), ("lobby", 2, "b")]) == [0, 1]


@pytest.mark.django_db(transaction=True)
async def test_the_heartbeat_announces_users_of_a_dead_process_as_left(
    alice, lobby, redis_settings
):
    socket, _ = await joined(alice)
    dead_process = RedisPresence(
        url=redis_settings, ttl_seconds=0, prefix=settings.CHAT_REDIS_PREFIX
    )
    await dead_process.join(room="lobby", user=BOB, channel_name="killed")

    await heartbeat().beat()

    left = await next_presence(socket, "presence.left", "bob")
    assert left["count"] == 1
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_sockets_are_closed_to_reconnect_when_redis_lost_their_state(
    alice, lobby, redis_settings
):
    import redis

    socket, _ = await joined(alice)
    redis.Redis.from_url(redis_settings).flushdb()

    await heartbeat().beat()

    while (output := await socket.receive_output(timeout=2))["type"] != "websocket.close":
        pass
    assert output["code"] == CLOSE_SERVICE_RESTART
    await socket.disconnect()
