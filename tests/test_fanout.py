"""One receiver per room and process, and sockets that fall behind without holding up a room."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from chat import services
from chat.broadcast import room_broadcast, room_group
from chat.payloads import frame, message_payload
from chat.sockets import fanout
from chat.sockets.close_codes import CLOSE_TOO_FAR_BEHIND
from chat.sockets.feed import SocketFeed
from tests.sockets import joined, next_of_type, next_presence, socket_for


class Socket:
    """A feed's far end: records what was written; ``stuck`` never finishes a write."""

    def __init__(self, *, stuck: bool = False) -> None:
        self.written: list[str] = []
        self.closed: list[int] = []
        self.stuck = stuck
        self.got = asyncio.Event()

    async def write(self, text: str) -> None:
        if self.stuck:
            await asyncio.Event().wait()  # a peer that stopped reading
        self.written.append(text)
        self.got.set()

    async def close(self, code: int) -> None:
        self.closed.append(code)
        self.got.set()

    def feed(self, **kwargs) -> SocketFeed:
        return SocketFeed(write=self.write, close=self.close, **kwargs)

    async def until(self, condition) -> None:
        async with asyncio.timeout(2):
            while not condition():
                self.got.clear()
                await self.got.wait()


async def test_a_feed_writes_in_order_and_skips_what_the_backlog_already_sent():
    socket = Socket()
    feed = socket.feed()
    for seq in (4, 5, 6):
        feed.offer(f"m{seq}", seq)
    feed.offer("presence", None)

    feed.start(last_seq=5)  # the backlog went up to 5

    await socket.until(lambda: len(socket.written) == 2)
    assert socket.written == ["m6", "presence"]
    feed.stop()


async def test_a_held_feed_writes_after_the_answer_to_the_sockets_own_command():
    socket = Socket()
    feed = socket.feed()
    feed.start(last_seq=0)

    with feed.held():
        feed.offer("m1", 1)
        await asyncio.sleep(0)  # give the feed's task its turn
        await socket.write("ack")

    await socket.until(lambda: len(socket.written) == 2)
    assert socket.written == ["ack", "m1"]
    feed.stop()


async def test_a_socket_too_far_behind_is_closed_with_4013_while_its_write_is_stuck():
    socket = Socket(stuck=True)
    feed = socket.feed(limit=5)
    feed.start(last_seq=0)

    for seq in range(1, 10):
        feed.offer(f"m{seq}", seq)

    await socket.until(lambda: socket.closed)
    assert socket.closed == [CLOSE_TOO_FAR_BEHIND]
    assert socket.written == []


@pytest.mark.django_db(transaction=True)
async def test_a_stuck_socket_does_not_hold_up_the_rest_of_its_room(lobby, settings):
    settings.CHAT_SOCKET_BACKLOG_FRAMES = 5
    stuck, reader = Socket(stuck=True), Socket()
    feeds = [stuck.feed(), reader.feed()]
    for feed in feeds:
        await fanout.room_feed_add(room=lobby, feed=feed)
        feed.start(last_seq=0)

    for seq in range(1, 21):
        await room_broadcast(room_slug=lobby.slug, text=f"m{seq}", seq=seq)

    await reader.until(lambda: len(reader.written) == 20)
    await stuck.until(lambda: stuck.closed)
    assert reader.written == [f"m{seq}" for seq in range(1, 21)]
    assert stuck.closed == [CLOSE_TOO_FAR_BEHIND]
    for feed in feeds:
        await fanout.room_feed_remove(room=lobby, feed=feed)


@pytest.mark.django_db(transaction=True)
async def test_a_rooms_sockets_in_one_process_are_one_member_of_its_group(
    alice, bob, lobby, other_room
):
    layer = get_channel_layer()
    sockets = [(await joined(user))[0] for user in (alice, bob, alice)]
    elsewhere, _ = await joined(bob, slug=other_room.slug)

    assert len(layer.groups[room_group(lobby.slug)]) == 1
    assert len(layer.groups[room_group(other_room.slug)]) == 1
    message = await services.message_send(room=lobby, author=alice, body="to all three")
    for socket in sockets:
        assert (await next_of_type(socket, "message"))["message"]["id"] == message.pk

    for socket in [*sockets, elsewhere]:
        await socket.disconnect()
    assert room_group(lobby.slug) not in layer.groups, "the last socket out takes it along"
    assert fanout.room_hubs() == []


@pytest.mark.django_db(transaction=True)
async def test_a_slow_page_is_closed_with_4013_and_backfills_on_reconnect(alice, bob, lobby):
    """What a page on a bad connection sees: closed, then everything on reconnecting."""
    bob_socket, _ = await joined(bob)
    await next_of_type(bob_socket, "synced")
    [feed] = fanout.room_hubs()[0].feeds
    feed.close_soon(CLOSE_TOO_FAR_BEHIND)  # what a full backlog does

    while (output := await bob_socket.receive_output(timeout=2))["type"] != "websocket.close":
        pass
    assert output["code"] == CLOSE_TOO_FAR_BEHIND
    missed = await services.message_send(room=lobby, author=alice, body="while bob was away")

    again = await socket_for(bob)
    again.scope["query_string"] = f"after_id={missed.pk - 1}".encode()
    await again.connect()
    assert (await next_of_type(again, "message"))["message"]["id"] == missed.pk
    await again.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_burst_of_joins_reaches_each_socket_as_one_batch_in_order(
    alice, lobby, settings, django_user_model
):
    # The product's default window. Five connects one after another take 0.2-0.3 s here (each
    # reads the user's standing: bans, mutes, rules), so a 0.3 s window split the burst in CI.
    settings.CHAT_PRESENCE_BATCH_SECONDS = 1.0
    watcher, _ = await joined(alice)  # its own join opens the window
    crowd_users = [await django_user_model.objects.acreate(username=f"crowd{n}") for n in range(5)]

    crowd = [(await joined(user))[0] for user in crowd_users]

    raw = [json.loads(await watcher.receive_from()) for _ in range(3)]
    assert [frame["type"] for frame in raw] == ["synced", "presence.joined", "presence.batch"]
    assert raw[1]["user"]["name"] == "alice"
    batch = raw[2]["events"]
    assert [event["type"] for event in batch] == ["presence.joined"] * 5
    assert [event["user"]["name"] for event in batch] == [f"crowd{n}" for n in range(5)]
    assert batch[-1]["count"] == 6
    for socket in [watcher, *crowd]:
        await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_message_after_a_join_is_not_shown_before_it(alice, bob, lobby, settings):
    settings.CHAT_PRESENCE_BATCH_SECONDS = 5  # far longer than the test
    watcher, _ = await joined(alice)
    await next_of_type(watcher, "presence.joined")  # alice's own: opens the window
    bob_socket, _ = await joined(bob)  # held back by the window...

    await bob_socket.send_json_to({"type": "message.send", "body": "hi all", "client_msg_id": "h"})

    joined_frame = json.loads(await watcher.receive_from())  # ...until something follows it
    assert (joined_frame["type"], joined_frame["user"]["name"]) == ("presence.joined", "bob")
    assert json.loads(await watcher.receive_from())["message"]["body"] == "hi all"
    await watcher.disconnect()
    await bob_socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_message_never_announced_reaches_a_quiet_room_at_the_next_heartbeat(
    alice, bob, lobby, monkeypatch
):
    """Pub/sub keeps nothing for a receiver that is reconnecting to Redis, and in a quiet
    room no later number shows the gap: the heartbeat's catch-up finds it in the database."""
    bob_socket, _ = await joined(bob)
    await next_of_type(bob_socket, "presence.joined")  # bob's own, after synced

    async def lost_on_the_way(**notification):
        pass

    monkeypatch.setattr(services, "room_broadcast", lost_on_the_way)
    missed = await services.message_send(room=lobby, author=alice, body="during a blip")
    assert await bob_socket.receive_nothing(timeout=0.2)

    for hub in fanout.room_hubs():
        await hub.catch_up()

    assert (await next_of_type(bob_socket, "message"))["message"]["id"] == missed.pk
    await bob_socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_socket_joining_a_receiver_that_lost_its_group_still_hears_who_comes_next(
    alice, bob, carol, lobby
):
    """The group's membership lives in the channel layer: a Redis restart forgets it while
    the room's receiver runs on. A socket joining that receiver renews it before it reads who
    is online, so every presence event after its welcome reaches it."""
    first, _ = await joined(alice)
    hub = fanout.room_hubs()[0]
    await get_channel_layer().group_discard(room_group(lobby.slug), hub.channel)  # forgotten

    watcher, welcome = await joined(bob)
    assert {entry["user"]["name"] for entry in welcome["online"]} == {alice.username, bob.username}
    newcomer, _ = await joined(carol)

    assert (await next_presence(watcher, "presence.joined", carol.username))["count"] == 3
    for socket in (first, watcher, newcomer):
        await socket.disconnect()


@sync_to_async
def saved_unannounced(room, author, *bodies):
    """Messages saved with their numbers, as a send on another process would, unannounced."""
    messages = [services.message_save(room=room, author=author, body=body)[0] for body in bodies]
    return [(frame("message", message=message_payload(m)), m.seq) for m in messages]


async def announce(room, text, seq) -> None:
    await room_broadcast(room_slug=room.slug, text=text, seq=seq)


@pytest.mark.django_db(transaction=True)
async def test_numbers_that_arrive_out_of_order_are_put_back_in_order_without_a_read(
    alice, bob, lobby, monkeypatch, caplog
):
    """Two workers publish a room's messages independently, so N+1 may overtake N."""
    bob_socket, _ = await joined(bob)
    await next_of_type(bob_socket, "presence.joined")
    (first, first_seq), (second, second_seq) = await saved_unannounced(lobby, alice, "one", "two")

    def no_read(**kwargs):
        raise AssertionError("a reorder is not a loss: nothing is read from the database")

    monkeypatch.setattr(fanout.selectors, "messages_between", no_read)
    await announce(lobby, second, second_seq)
    await announce(lobby, first, first_seq)

    bodies = [(await next_of_type(bob_socket, "message"))["message"]["body"] for _ in range(2)]
    assert bodies == ["one", "two"]
    assert "notification gap" not in caplog.text
    await bob_socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_number_still_missing_after_the_wait_is_read_from_the_database(
    alice, bob, lobby, settings, caplog
):
    settings.CHAT_FANOUT_REORDER_MS = 30
    bob_socket, _ = await joined(bob)
    await next_of_type(bob_socket, "presence.joined")
    (_lost, _), (second, second_seq), (third, third_seq) = await saved_unannounced(
        lobby, alice, "lost", "two", "three"
    )

    await announce(lobby, third, third_seq)
    await announce(lobby, second, second_seq)

    bodies = [(await next_of_type(bob_socket, "message"))["message"]["body"] for _ in range(3)]
    assert bodies == ["lost", "two", "three"]
    assert caplog.text.count("notification gap room=lobby had=0 got=1") == 0
    assert "notification gap room=lobby had=0 got=2" in caplog.text
    assert await bob_socket.receive_nothing(timeout=0.1)
    await bob_socket.disconnect()
