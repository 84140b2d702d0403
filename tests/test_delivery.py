"""No lost messages: replay on reconnect, recovery from dropped notifications, no repeats."""

import asyncio
from unittest.mock import patch

import pytest
from channels.layers import channel_layers

from chat import services
from chat.broadcast import room_broadcast
from chat.models import Message
from tests.sockets import joined, next_of_type, socket_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("layer")]


@pytest.fixture(autouse=True)
def generous_rate_limit(settings):
    settings.CHAT_RATE_LIMIT_MESSAGES = 1000


async def send_and_ack(socket, body: str) -> dict:
    await socket.send_json_to({"type": "message.send", "body": body, "client_msg_id": body})
    while True:
        frame = await socket.receive_json_from(timeout=3)
        assert frame["type"] != "error", frame
        if frame["type"] == "ack":
            return frame


async def messages_until_synced(socket) -> tuple[list[dict], dict]:
    received = []
    while True:
        frame = await socket.receive_json_from(timeout=3)
        if frame["type"] == "synced":
            return received, frame
        if frame["type"] == "message":
            received.append(frame["message"])


async def test_a_reconnecting_client_gets_exactly_what_it_missed_then_live_ones(alice, bob, lobby):
    bob_socket, _ = await joined(bob)
    await messages_until_synced(bob_socket)
    last_seen = (await send_and_ack(bob_socket, "before I left"))["id"]
    await bob_socket.disconnect()
    alice_socket, _ = await joined(alice)
    sent = [(await send_and_ack(alice_socket, f"while away {n}"))["id"] for n in range(30)]

    bob_socket = await socket_for(bob)
    bob_socket.scope["query_string"] = f"after_id={last_seen}".encode()
    assert (await bob_socket.connect())[0]
    assert (await bob_socket.receive_json_from())["type"] == "welcome"
    replayed, synced = await messages_until_synced(bob_socket)
    live_id = (await send_and_ack(alice_socket, "live"))["id"]
    live = await next_of_type(bob_socket, "message")

    assert [m["id"] for m in replayed] == sent
    assert [m["body"] for m in replayed] == [f"while away {n}" for n in range(30)]
    assert synced["complete"] is True
    assert live["message"]["id"] == live_id
    assert await bob_socket.receive_nothing(timeout=0.2), "nothing is delivered twice"
    await alice_socket.disconnect()
    await bob_socket.disconnect()


async def test_too_much_missed_tells_the_client_to_reload_instead(alice, bob, lobby, settings):
    settings.CHAT_BACKFILL_LIMIT = 5
    alice_socket, _ = await joined(alice)
    first = (await send_and_ack(alice_socket, "start"))["id"]
    for n in range(6):
        await send_and_ack(alice_socket, f"more {n}")

    bob_socket = await socket_for(bob)
    bob_socket.scope["query_string"] = f"after_id={first}".encode()
    await bob_socket.connect()
    replayed, synced = await messages_until_synced(bob_socket)

    assert (replayed, synced["complete"]) == ([], False)
    await alice_socket.disconnect()
    await bob_socket.disconnect()


async def test_dropped_notifications_are_recovered_in_order(alice, bob, lobby):
    """A full channel drops notifications (the layer is at-most-once); the socket notices the
    gap in the room's numbers at the next one and reads what it missed from the database."""
    alice_socket, _ = await joined(alice)
    bob_socket, _ = await joined(bob)
    await messages_until_synced(bob_socket)
    dropped = []

    async def lossy(*, room_slug, text, seq):
        if 3 <= seq <= 7:
            dropped.append(seq)  # what a full channel or a Redis restart does
        else:
            await room_broadcast(room_slug=room_slug, text=text, seq=seq)

    with patch.object(services, "room_broadcast", lossy):
        sent = [(await send_and_ack(alice_socket, f"m{n}"))["id"] for n in range(10)]

    received = [(await next_of_type(bob_socket, "message"))["message"] for _ in range(10)]
    assert dropped == [3, 4, 5, 6, 7]
    assert [m["id"] for m in received] == sent
    assert [m["seq"] for m in received] == list(range(1, 11))
    assert await bob_socket.receive_nothing(timeout=0.2)
    await alice_socket.disconnect()
    await bob_socket.disconnect()


@pytest.mark.parametrize("layer", ["memory"], indirect=True)
async def test_a_real_channel_overflow_is_recovered(alice, bob, lobby, settings, caplog):
    """The layer's own drop: the room's channel holds 3 notifications and 12 arrive at once."""
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 3}}
    }
    channel_layers.backends.clear()
    bob_socket, _ = await joined(bob)
    await messages_until_synced(bob_socket)
    burst = []

    async def held_back(**notification):
        burst.append(notification)

    with patch.object(services, "room_broadcast", held_back):
        saved = [
            await services.message_send(room=lobby, author=alice, body=f"b{n}") for n in range(12)
        ]
    # All at once: every send is queued before the room's receiver runs, so its channel
    # overflows.
    await asyncio.gather(*(room_broadcast(**notification) for notification in burst))
    received = []
    while not await bob_socket.receive_nothing(timeout=0.2):  # what the channel kept
        received.append((await next_of_type(bob_socket, "message"))["message"])
    final = await services.message_send(room=lobby, author=alice, body="after")

    while received[-1]["id"] != final.pk:
        received.append((await next_of_type(bob_socket, "message", timeout=3))["message"])
    assert [m["id"] for m in received] == [m.pk for m in saved] + [final.pk]
    assert "notification gap room=lobby" in caplog.text, "the burst overflowed the channel"
    await bob_socket.disconnect()


async def test_concurrent_resends_of_one_message_save_one_row(alice, lobby):
    """Two tabs resend the same pending message at the same moment after a reconnect."""
    first_tab, _ = await joined(alice)
    second_tab, _ = await joined(alice)
    frame = {"type": "message.send", "body": "once", "client_msg_id": "dup-1"}

    await first_tab.send_json_to(frame)
    await second_tab.send_json_to(frame)
    acks = [await next_of_type(first_tab, "ack"), await next_of_type(second_tab, "ack")]

    assert acks[0]["id"] == acks[1]["id"]
    assert await Message.objects.filter(client_msg_id="dup-1").acount() == 1
    delivered = [await next_of_type(first_tab, "message")]
    assert delivered[0]["message"]["id"] == acks[0]["id"]
    assert await first_tab.receive_nothing(timeout=0.2), "announced once"
    await first_tab.disconnect()
    await second_tab.disconnect()


async def test_a_room_frame_goes_to_the_server_past_the_session_middleware(alice, bob, lobby):
    """chat/sockets/server_send.py: Channels' session wrapper checks the session on every send,
    for HTTP responses; a delivery does not pay for it (docs/performance.md, round 2)."""
    from channels.sessions import InstanceSessionWrapper

    wrapped = []
    real_send = InstanceSessionWrapper.send

    async def counting(self, message):
        wrapped.append(message.get("text") or "")
        return await real_send(self, message)

    with patch.object(InstanceSessionWrapper, "send", counting):
        bob_socket, _ = await joined(bob)
        await messages_until_synced(bob_socket)
        alice_socket, _ = await joined(alice)
        await send_and_ack(alice_socket, "past the wrapper")
        delivered = await next_of_type(bob_socket, "message")

    assert delivered["message"]["body"] == "past the wrapper"
    assert any('"welcome"' in text for text in wrapped), "the patch is in place"
    assert not [text for text in wrapped if "past the wrapper" in text and '"message"' in text]
