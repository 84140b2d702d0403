"""Two daphne processes behind one Redis and one database are, to users, one server."""

import asyncio
import signal
import time

import pytest
import redis
from django.conf import settings
from websockets.exceptions import ConnectionClosed

from chat.presence.redis_store import presence_prefix
from chat.sockets.close_codes import CLOSE_SERVICE_RESTART
from tests.web_clients import frame_of, guest_login, room_socket

pytestmark = pytest.mark.cluster

TIMEOUT = 10
# channels-redis waits for channel messages in 5 s blocking reads: a quiet room outlasts one.
QUIET_SECONDS = 7


async def alice_and_bob_online(cluster, people):
    """Two processes, alice on the first and bob on the second, both seeing two online."""
    first, second = cluster(2)
    alice = await people.join(first, "alice")
    bob = await people.join(second, "bob")
    await people.wait(
        lambda: alice.count == 2 and bob.count == 2, timeout=TIMEOUT, what="both online"
    )
    return first, second, alice, bob


async def _until(check, *, timeout: float, what: str) -> None:
    """Poll something no client frame announces (the server's own state), bounded."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.05)


async def test_users_on_two_processes_see_each_other_and_each_others_messages(
    cluster, people, redis_server
):
    first, second = cluster(2)
    alice = await people.join(first, "alice")
    bob = await people.join(second, "bob")
    clients, both = (alice, bob), {alice.guest.name, bob.guest.name}
    await people.wait(
        lambda: all(c.count == 2 and c.online_names() == both for c in clients),
        timeout=TIMEOUT,
        what="alice and bob see each other online",
    )

    from_alice = await alice.send("hello from alice on process 1")
    from_bob = await bob.send("hello from bob on process 2")

    def both_shown() -> bool:
        if from_alice not in alice.acked or from_bob not in bob.acked:
            return False
        ids = {alice.acked[from_alice], bob.acked[from_bob]}
        return all(ids <= c.held.keys() for c in clients)

    await people.wait(both_shown, timeout=TIMEOUT, what="both messages acked and shown to both")
    for client in clients:
        assert client.held[alice.acked[from_alice]]["body"] == "hello from alice on process 1"
        assert client.held[bob.acked[from_bob]]["body"] == "hello from bob on process 2"
        assert client.duplicates() == {}

    # Carol has a tab on each process: one user online, not two.
    carol = await people.guest(first, "carol")
    carol_tab_1 = people.tab(carol, first, label="carol tab 1")
    carol_tab_2 = people.tab(carol, second, label="carol tab 2")
    everyone = both | {carol.name}
    clients = (alice, bob, carol_tab_1, carol_tab_2)
    await people.wait(
        lambda: all(c.synced and c.count == 3 and c.online_names() == everyone for c in clients),
        timeout=TIMEOUT,
        what="everyone sees alice, bob and carol online (count 3)",
    )
    carol_joined = [f for _, f in alice.presence_log if f["user"]["name"] == carol.name]
    assert [f["type"] for f in carol_joined] == ["presence.joined"]

    # Closing one of carol's tabs: she stays online.
    await carol_tab_2.close()
    carol_id = carol_tab_1.me["id"]
    redis = redis_server.client()
    P = presence_prefix(settings.CHAT_REDIS_PREFIX)  # the servers' too: they share our env
    await _until(
        lambda: redis.zcard(f"{P}:user:{carol_id}") == 1,
        timeout=TIMEOUT,
        what="process 2 handled the close of carol's second tab",
    )
    # A message through process 2 after that close has been handled: anything the close
    # announced would reach alice before it.
    barrier = await bob.send("after carol closed a tab")
    await people.wait(
        lambda: barrier in bob.acked and bob.acked[barrier] in alice.held,
        timeout=TIMEOUT,
        what="alice got bob's message sent after carol closed a tab",
    )
    assert alice.left_at(carol.name) is None
    assert (alice.count, alice.online_names()) == (3, everyone)

    # Closing her last tab: she leaves, for users on both processes.
    await carol_tab_1.close()
    await people.wait(
        lambda: all(c.synced and c.count == 2 and c.online_names() == both for c in (alice, bob)),
        timeout=TIMEOUT,
        what="alice and bob see carol leave",
    )


async def test_reconnecting_to_the_other_process_replays_what_was_missed(cluster, people):
    first, _, alice, bob = await alice_and_bob_online(cluster, people)
    hello = await alice.send("hello")
    await people.wait(
        lambda: hello in alice.acked and alice.acked[hello] in bob.held,
        timeout=TIMEOUT,
        what="bob got alice's hello",
    )

    await bob.stop()
    missed = [await alice.send(f"missed {number}") for number in range(30)]
    await alice.wait_for(lambda c: not c.pending, timeout=TIMEOUT, what="alice's 30 messages acked")
    missed_ids = [alice.acked[client_msg_id] for client_msg_id in missed]
    assert missed_ids == sorted(missed_ids)

    bob.start(first.url)
    await bob.wait_for(
        lambda c: len(c.connections) == 2 and c.synced,
        timeout=TIMEOUT,
        what="bob back, on process 1",
    )
    back = bob.connections[-1]
    assert back.after_id == alice.acked[hello]
    assert back.complete is True
    assert back.replayed == missed_ids
    assert [bob.held[id_]["body"] for id_ in missed_ids] == [f"missed {n}" for n in range(30)]

    live = await alice.send("live after bob came back")
    await people.wait(
        lambda: live in alice.acked and alice.acked[live] in bob.held,
        timeout=TIMEOUT,
        what="bob got the live message",
    )
    assert back.message_ids == [*missed_ids, alice.acked[live]]
    assert bob.duplicates() == {}


async def test_users_of_a_killed_process_leave_within_the_ttl(cluster, people):
    _, second, alice, bob = await alice_and_bob_online(cluster, people)

    killed_at = time.monotonic()
    second.process.send_signal(signal.SIGKILL)
    await asyncio.to_thread(second.process.wait)
    await alice.wait_for(
        lambda c: c.synced and c.count == 1 and c.online_names() == {alice.guest.name},
        timeout=TIMEOUT,
        what="alice sees bob leave after his process was killed",
    )
    seconds = time.monotonic() - killed_at
    print(f"\nbob, on a SIGKILLed process, left alice's list after {seconds:.2f} s (TTL 2 s)")
    assert alice.left_at(bob.guest.name) is not None or len(alice.connections) > 1, (
        "bob vanished from alice's list without a presence.left"
    )


async def test_a_quiet_room_keeps_everyone_connected(cluster, people):
    _, _, alice, bob = await alice_and_bob_online(cluster, people)
    clients = (alice, bob)

    dropped = await people.signal.happens_within(
        lambda: any(len(c.connections) > 1 or not c.synced for c in clients),
        timeout=QUIET_SECONDS,
    )
    assert not dropped, "a socket closed in a quiet room: " + "; ".join(
        c.describe() for c in clients
    )

    await bob.stop()
    await alice.wait_for(
        lambda c: c.count == 1 and c.online_names() == {alice.guest.name},
        timeout=TIMEOUT,
        what="alice sees bob leave",
    )


async def test_a_daphne_process_closes_sockets_whose_presence_redis_forgot(cluster, redis_server):
    """The heartbeat's close reaches the page through a real server, not only in-process:
    daphne refuses to send 1012, which is why the code is 4012 (chat/sockets/close_codes.py)."""
    [server] = cluster(1)
    guest = await asyncio.to_thread(guest_login, server.url)
    async with await room_socket(guest) as socket_:
        await frame_of(socket_, "synced")

        redis.Redis.from_url(redis_server.url).flushdb()  # what a restart without persistence does

        with pytest.raises(ConnectionClosed):
            await frame_of(socket_, "never", timeout=5)
    assert socket_.close_code == CLOSE_SERVICE_RESTART
