"""The room page's scenario (``chat``): N users in R rooms, S senders at a fixed rate, every
delivery timed; idle when it has no senders (memory per connection).

1. Connect: user i opens ``/ws/chat/<room i mod R>/`` on worker ``i mod W`` and waits for
   ``synced``; then the generator waits until the presence frames die down.
2. Send: sender j (user j, so senders spread over rooms) posts ``message.send`` every
   1/rate s for ``duration`` s; the body carries the sender's ``time.time()``.
3. Drain: until every acked message reached every member of its room, or a timeout.

Each ``message`` frame is timed (receive time minus the body's send time) and counted by
id per connection: expected = for each acked message, the members of its room connected
then; lost = expected - received; a repeat on one connection is a duplicate. Each ``ack`` is
timed from its send. CPU is utime+stime of the server processes (and Redis) from /proc over
the send and drain windows; memory is the servers' RSS growth over the connect phase.
"""

import asyncio
import time

from bench import measure
from bench.clients import Client, Run, close_clients, connect_client, send_messages
from bench.scenario import Scenario, Target


async def run_chat(
    scenario: Scenario,
    target: Target,
    *,
    concurrency: int,
    drain_timeout: float,
    settle_max: float,
    on_window=None,
) -> dict:
    """``on_window(seconds)`` is called as the send window opens (e.g. to start a profiler)."""
    run = Run()
    server_pids = list(target.pids)
    redis_pids = [target.redis_pid] if target.redis_pid else []
    clients = [Client(i, target.room_slugs[i % scenario.rooms]) for i in range(scenario.users)]
    result: dict = {"bench": "chat"}
    rss_before = measure.rss(server_pids)
    redis_rss_before = measure.rss(redis_pids)
    connect_times: list[float] = []
    gate = asyncio.Semaphore(concurrency)
    own_before = measure.self_cpu()
    started = time.perf_counter()
    try:
        await asyncio.gather(
            *(connect_client(run, target, client, gate, connect_times) for client in clients)
        )
        result["connect_s"] = round(time.perf_counter() - started, 3)
        if scenario.idle:  # the connect phase is an idle run's window
            result["generator_cpu_s"] = round(measure.self_cpu() - own_before, 2)
            result["window_s"] = result["connect_s"]
        result["connect_retries"] = run.connect_retries
        settle, result["settled"] = await measure.quiet(lambda: run.last_frame, settle_max)
        result["settle_s"] = round(settle, 3)
        ms = measure.timings_ms(connect_times, digits=1)
        result["connect_ms"] = {key: ms[key] for key in ("p50", "p99", "max")}
        rss_after = measure.rss(server_pids)
        result["rss_kib"] = rss_after
        result["rss_per_conn_kib"] = round((rss_after - rss_before) / scenario.users, 1)
        result["redis_rss_per_conn_kib"] = (
            round((measure.rss(redis_pids) - redis_rss_before) / scenario.users, 2)
            if redis_pids
            else None
        )
        if not scenario.idle:
            await _measure(run, scenario, clients, target, result, drain_timeout, on_window)
    finally:
        result["disconnects"] = run.disconnects  # before our own closes
        result["close_codes"] = {str(code): n for code, n in run.close_codes.items()}
        await close_clients(clients)
    return result


async def _measure(run, scenario, clients, target, result, drain_timeout, on_window) -> None:
    loop = asyncio.get_running_loop()
    server_pids = list(target.pids)
    redis_pids = [target.redis_pid] if target.redis_pid else []
    senders = clients[: scenario.senders]
    before = (measure.cpu(server_pids), measure.cpu(redis_pids), measure.self_cpu())
    if on_window is not None:
        on_window(scenario.duration)
    window_started = time.perf_counter()
    wall_start = time.time()
    run.window = (wall_start, wall_start + scenario.duration)
    start = loop.time()
    await asyncio.gather(
        *(
            send_messages(run, client, number, scenario, start)
            for number, client in enumerate(senders)
        )
    )
    drain_started = time.monotonic()
    while run.outstanding() > 0 and time.monotonic() - drain_started < drain_timeout:
        await asyncio.sleep(0.05)
    drain = time.monotonic() - drain_started
    after = (measure.cpu(server_pids), measure.cpu(redis_pids), measure.self_cpu())
    expected = sum(run.expected.values())
    delivered = run.delivered()
    server_cpu, redis_cpu, own_cpu = (b - a for a, b in zip(before, after, strict=True))
    result.update(
        {
            "sent": run.sent,
            "acked": len(run.expected),
            "unacked": len(run.pending),
            "expected": expected,
            "received": delivered,
            "lost": expected - delivered,
            "duplicates": run.duplicates,
            "errors": dict(run.errors),
            "offered_dps": round(expected / scenario.duration, 1),
            "deliveries_per_s": round(run.in_window / scenario.duration, 1),
            "drain_s": round(drain, 3),
            "latency_ms": measure.timings_ms(run.latencies),
            "ack_ms": measure.timings_ms(run.ack_latencies),
            "server_cpu_s": round(server_cpu, 2),
            "redis_cpu_s": round(redis_cpu, 2),
            "generator_cpu_s": round(own_cpu, 2),
            "window_s": round(time.perf_counter() - window_started, 3),
            "cpu_s_per_1k": round((server_cpu + redis_cpu) / delivered * 1000, 4)
            if delivered
            else None,
        }
    )
