"""The reconnect storm (``storm``): a room chatting, then every socket on worker 0 dropped at
once, each coming back with ``after_id`` as the page does.

1. Connect all N users (user i on worker i mod W), wait for the presence frames to stop.
2. Senders (users on the last worker, so that their own sockets stay up) post for the window.
3. A third into the window (once every socket to drop has seen a message, so that it has an
   id to resume from), every other socket on worker 0 is aborted from the client side: the
   TCP connection is reset, no close frame, as when a laptop's network goes away.
4. Each reconnects after the page's first wait (0.5 s ± 20 %), at most ``concurrency``
   handshakes at a time, to the same worker with ``?after_id=<the newest message id it
   saw>``; ``resync_s`` is the time from the drop until the last of them has ``synced``
   (the wait included).
5. Drain: until every acked message is on every member of its room, or the timeout.

Every user was a member for the whole window, so expected = for each acked message, all the
users of its room; a message sent while a socket was away counts only if the backfill (or a
live frame after it) brought it. A message id seen twice by one user, across its two
sockets, is a duplicate.
"""

import asyncio
import random
import time

from bench import measure
from bench.clients import Client, Run, close_clients, connect_client, send_messages
from bench.scenario import Scenario, Target

DROP_AT = 1 / 3  # of the send window
# The page's first wait after a lost socket (static/chat/socket.js): 0.5 s ± 20 %.
FIRST_WAIT_SECONDS = 0.5
JITTER = 0.2


async def run_storm(
    scenario: Scenario, target: Target, *, concurrency: int, drain_timeout: float, settle_max: float
) -> dict:
    run = Run()
    workers = len(target.ws_urls)
    clients = [Client(i, target.room_slugs[i % scenario.rooms]) for i in range(scenario.users)]
    senders = [c for c in clients if c.index % workers == workers - 1][: scenario.senders]
    dropped = [c for c in clients if c.index % workers == 0 and c not in senders]
    result: dict = {"bench": "chat", "dropped": len(dropped)}
    gate = asyncio.Semaphore(concurrency)
    redis_pids = [target.redis_pid] if target.redis_pid else []
    started = time.perf_counter()
    try:
        connect_times: list[float] = []
        await asyncio.gather(
            *(connect_client(run, target, c, gate, connect_times) for c in clients)
        )
        result["connect_s"] = round(time.perf_counter() - started, 3)
        settle, result["settled"] = await measure.quiet(lambda: run.last_frame, settle_max)
        result["settle_s"] = round(settle, 3)
        before = (measure.cpu(target.pids), measure.cpu(redis_pids), measure.self_cpu())
        window_started = time.perf_counter()
        await _window(run, scenario, target, senders, dropped, gate, result)
        await _drain(run, clients, drain_timeout, result)
        after = (measure.cpu(target.pids), measure.cpu(redis_pids), measure.self_cpu())
        result["window_s"] = round(time.perf_counter() - window_started, 3)
        server_cpu, redis_cpu, own_cpu = (b - a for a, b in zip(before, after, strict=True))
        _count(run, clients, result)
        result.update(
            {
                "server_cpu_s": round(server_cpu, 2),
                "redis_cpu_s": round(redis_cpu, 2),
                "generator_cpu_s": round(own_cpu, 2),
                "cpu_s_per_1k": round((server_cpu + redis_cpu) / result["received"] * 1000, 4)
                if result["received"]
                else None,
            }
        )
    finally:
        result["disconnects"] = run.disconnects  # drops the storm did not make
        result["close_codes"] = {str(code): n for code, n in run.close_codes.items()}
        await close_clients(clients)
    return result


async def _window(run, scenario, target, senders, dropped, gate, result) -> None:
    """The send window, with the drop a third into it and the resumes that follow."""
    loop = asyncio.get_running_loop()
    wall_start = time.time()
    run.window = (wall_start, wall_start + scenario.duration)
    start = loop.time()
    sending = asyncio.gather(
        *(send_messages(run, client, n, scenario, start) for n, client in enumerate(senders))
    )
    drop_at = start + scenario.duration * DROP_AT
    while loop.time() < drop_at or not all(c.seen for c in dropped):
        if loop.time() > start + scenario.duration:
            raise RuntimeError("the sockets to drop saw no message within the window")
        await asyncio.sleep(0.02)
    result["dropped_after_s"] = round(loop.time() - start, 3)
    resync_times: list[float] = []
    retries_before = run.connect_retries
    dropped_at = time.perf_counter()
    for client in dropped:
        _drop(run, client)
    await asyncio.wait([c.task for c in dropped if c.task is not None], timeout=10)

    async def resume(client: Client) -> None:
        await asyncio.sleep(FIRST_WAIT_SECONDS * random.uniform(1 - JITTER, 1 + JITTER))
        client.after_id = max(client.seen)
        await connect_client(run, target, client, gate, [])
        resync_times.append(time.perf_counter() - dropped_at)

    await asyncio.gather(*(resume(client) for client in dropped))
    result["resync_s"] = round(time.perf_counter() - dropped_at, 3)
    result["resync_ms"] = measure.timings_ms(resync_times, digits=1)
    result["reconnect_retries"] = run.connect_retries - retries_before
    await sending


def _drop(run: Run, client: Client) -> None:
    """Reset the connection from the client's side; not counted as a disconnect."""
    client.closed = True
    if client.joined:
        run.members[client.room] -= 1
        client.joined = False
    client.ws.transport.abort()


def _missing(run: Run, clients: list[Client]) -> int:
    """Deliveries still owed: each acked message, to each user of its room."""
    by_room: dict[str, set[int]] = {}
    for message_id, room in run.room_of.items():
        by_room.setdefault(room, set()).add(message_id)
    return sum(len(by_room.get(c.room, set()) - c.seen) for c in clients)


async def _drain(run, clients, drain_timeout, result) -> None:
    drain_started = time.monotonic()
    while (run.pending or _missing(run, clients)) and (
        time.monotonic() - drain_started < drain_timeout
    ):
        await asyncio.sleep(0.05)
    result["drain_s"] = round(time.monotonic() - drain_started, 3)


def _count(run: Run, clients: list[Client], result: dict) -> None:
    room_sizes: dict[str, int] = {}
    for client in clients:
        room_sizes[client.room] = room_sizes.get(client.room, 0) + 1
    expected = sum(room_sizes[room] for room in run.room_of.values())
    lost = _missing(run, clients)
    result.update(
        {
            "sent": run.sent,
            "acked": len(run.room_of),
            "unacked": len(run.pending),
            "expected": expected,
            "received": expected - lost,
            "lost": lost,
            "duplicates": run.duplicates,
            "backfilled": run.backfilled,
            "incomplete_resyncs": run.incomplete,
            "errors": dict(run.errors),
            "latency_ms": measure.timings_ms(run.latencies),
            "ack_ms": measure.timings_ms(run.ack_latencies),
        }
    )
