"""A Redis restart fails nothing once Redis is back; an outage still fails within seconds.

A restart closes every pooled connection. The pool only notices a close it has already read,
so the test restarts Redis without letting the event loop run in between (a busy server's
loop may not have run either): the next command goes out on a dead connection.
"""

import asyncio
import contextlib
import socket
import time

import pytest
import redis.asyncio
from channels.layers import channel_layers, get_channel_layer
from redis.exceptions import ConnectionError, TimeoutError

from chat import limits
from chat.broadcast import room_group
from chat.infra.redis_clients import TIMEOUTS, channel_layer_host
from chat.presence import tracker
from chat.presence.redis_store import RedisPresence
from tests.cluster.conftest import RedisServer
from tests.conftest import missing, redis_layer
from tests.sockets import joined, next_of_type

ALICE = {"id": 1, "name": "alice", "avatar": "/a1.svg"}
BOB = {"id": 2, "name": "bob", "avatar": "/a2.svg"}


@pytest.fixture
def own_redis(settings):
    """A redis-server of this test's own, which it may restart; the site configured on it."""
    import shutil

    binary = shutil.which("redis-server")
    if binary is None:
        missing("redis-server (these tests restart their own)")
    server = RedisServer(binary)
    server.start()
    settings.REDIS_URL = server.url
    settings.CHANNEL_LAYERS = redis_layer(server.url)
    channel_layers.backends.clear()
    yield server
    channel_layers.backends.clear()
    server.close()


def restart(server: RedisServer) -> None:
    """Stop and start Redis, blocking: the event loop reads none of the closes meanwhile."""
    server.stop()
    server.start()


async def test_after_a_restart_the_next_presence_and_rate_limit_calls_succeed(own_redis):
    store = tracker.presence_store()
    assert await store.join(room="lobby", user=ALICE, channel_name="tab-1") is True
    assert await limits.message_rate_take(user_id=1) is None

    restart(own_redis)  # forgets everything: no persistence

    assert await store.connection_count(user_id=1) == 0
    assert await store.join(room="lobby", user=ALICE, channel_name="tab-2") is True
    assert await store.counts(rooms=["lobby"]) == {"lobby": 1}
    restart(own_redis)
    assert await limits.message_rate_take(user_id=1) is None
    restart(own_redis)
    assert await store.refresh(connections=[("lobby", 1, "tab-2")]) == [0]  # lost, not failed


@pytest.mark.parametrize("backend", ["pubsub", "core"])
async def test_after_a_restart_the_channel_layer_sends_again(own_redis, settings, backend):
    if backend == "core":
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [channel_layer_host(own_redis.url)]},
            }
        }
        channel_layers.backends.clear()
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(room_group("lobby"), channel)
    await layer.group_send(room_group("lobby"), {"type": "chat.frame", "text": "before"})
    async with asyncio.timeout(5):
        assert (await layer.receive(channel))["text"] == "before"

    restart(own_redis)

    await layer.group_add(room_group("lobby"), channel)  # as the heartbeat renews it
    await layer.group_send(room_group("lobby"), {"type": "chat.frame", "text": "after"})
    if backend == "core":  # the queueing layer keeps it for the receiver
        async with asyncio.timeout(5):
            assert (await layer.receive(channel))["text"] == "after"
    await layer.flush()


@pytest.mark.django_db(transaction=True)
async def test_a_socket_opened_after_a_restart_is_welcomed_and_its_message_acked(
    own_redis, alice, bob, lobby
):
    first, _ = await joined(alice)

    restart(own_redis)

    # Before, its first Redis call (the connection cap's count) failed: closed with 1011.
    second, welcome = await joined(bob)
    assert [entry["user"]["name"] for entry in welcome["online"]] == ["bob"]
    await next_of_type(second, "synced")
    await second.send_json_to({"type": "message.send", "body": "hi", "client_msg_id": "m1"})
    answer = await next_of_type(second, "ack")
    assert answer["client_msg_id"] == "m1"
    await first.disconnect()
    await second.disconnect()


async def test_a_redis_that_is_down_still_fails_a_call_at_once(own_redis):
    store = tracker.presence_store()
    await store.counts(rooms=["lobby"])
    own_redis.stop()

    started = time.monotonic()
    with pytest.raises(ConnectionError):
        await store.counts(rooms=["lobby"])
    with pytest.raises(ConnectionError):
        await limits.message_rate_take(user_id=1)
    assert time.monotonic() - started < 1  # one retry, 0.1 s after the refused connect


@contextlib.contextmanager
def silent_server():
    """A port that accepts connections and never answers (a Redis that hangs)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    finally:
        listener.close()


async def test_a_silent_redis_fails_a_call_within_two_socket_timeouts(settings):
    with silent_server() as url:
        settings.REDIS_URL = url
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            await tracker.presence_store().counts(rooms=["lobby"])
        waited = time.monotonic() - started
    # The first attempt and its one retry, each given up after the socket timeout.
    assert 2 * TIMEOUTS["socket_timeout"] <= waited < 2 * TIMEOUTS["socket_timeout"] + 1


@contextlib.contextmanager
def first_reply_lost(command: str):
    """The first ``command`` runs on the server, but its reply never arrives (a timeout):
    redis-py sends it again, as it does after any failed connection."""
    original = redis.asyncio.Redis.parse_response
    lost = []

    async def parse_response(self, connection, command_name, **options):
        reply = await original(self, connection, command_name, **options)
        if command_name == command and not lost:
            lost.append(reply)
            raise TimeoutError("the reply was lost")
        return reply

    redis.asyncio.Redis.parse_response = parse_response
    try:
        yield lost
    finally:
        redis.asyncio.Redis.parse_response = original


async def test_presence_scripts_run_twice_answer_as_once(redis_settings, settings):
    store = RedisPresence(url=redis_settings, ttl_seconds=60, prefix=settings.CHAT_REDIS_PREFIX)
    dead = RedisPresence(url=redis_settings, ttl_seconds=0, prefix=settings.CHAT_REDIS_PREFIX)

    with first_reply_lost("EVAL") as lost:
        assert await store.join(room="lobby", user=ALICE, channel_name="tab-1") is True
    assert lost == [1]
    with first_reply_lost("EVAL"):
        assert await store.join(room="lobby", user=ALICE, channel_name="tab-2") is False
    with first_reply_lost("EVAL"):
        assert await store.leave(room="lobby", user_id=1, channel_name="tab-1") is False
    with first_reply_lost("EVAL") as lost:
        assert await store.leave(room="lobby", user_id=1, channel_name="tab-2") is True
    assert lost == [1]
    with first_reply_lost("EVAL"):
        assert await store.refresh(connections=[("lobby", 1, "tab-2")]) == [0]

    await dead.join(room="lobby", user=BOB, channel_name="killed")
    with first_reply_lost("EVAL") as lost:
        assert await store.sweep() == [("lobby", BOB)]
    assert len(lost[0]) == 2  # the first run had removed bob
    assert await store.sweep() == []
    assert await store.counts(rooms=["lobby"]) == {"lobby": 0}


async def test_a_rate_take_run_twice_counts_once(redis_settings, settings):
    settings.CHAT_RATE_LIMIT_MESSAGES = 2
    assert await limits.message_rate_take(user_id=7) is None

    with first_reply_lost("EVAL") as lost:
        assert await limits.message_rate_take(user_id=7) is None  # the second of two
    assert lost == [-1]
    assert await limits.message_rate_take(user_id=7) > 0  # the third


async def test_a_thousand_sockets_asking_presence_at_once_all_get_an_answer(redis_settings):
    """A login storm: every legacy socket in a room reads the online list on each login."""
    store = tracker.presence_store()
    await store.join(room="lobby", user=ALICE, channel_name="tab-1")

    answers = await asyncio.gather(*(store.online(room="lobby") for _ in range(1000)))

    assert all([entry.user for entry in answer] == [ALICE] for answer in answers)


async def test_past_the_pool_size_calls_wait_for_a_connection_instead_of_failing(
    redis_settings, settings
):
    settings.CHAT_REDIS_MAX_CONNECTIONS = 5
    store = tracker.presence_store()
    admin = redis.Redis.from_url(redis_settings)
    connections_before = len(admin.client_list())

    counts = await asyncio.gather(*(store.counts(rooms=["lobby"]) for _ in range(200)))

    assert counts == [{"lobby": 0}] * 200
    assert len(admin.client_list()) - connections_before <= 5
