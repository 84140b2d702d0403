"""The load generator: N users in R rooms, S senders at a fixed rate, every delivery timed.

    python -m bench.loadgen --url ws://127.0.0.1:8000 --http http://127.0.0.1:8000 \\
        --users 100 --rooms 1 --senders 10 --rate 20 --duration 10 --pids 1234

1. Login: guests through POST /join/ (``--login http``, bounded concurrency), session
   keys from a file written by bench.users (``--login db``), or none (the baseline).
2. Connect: user i opens ``/ws/chat/<room i mod R>/`` on worker ``i mod W`` and waits
   for ``synced``; then the generator waits until the presence frames die down.
3. Send: sender j (user j, so senders spread over rooms) posts ``message.send`` every
   1/rate s for ``duration`` s; the body carries the sender's ``time.time()``.
4. Drain: until every acked message reached every member of its room, or a timeout.

Each ``message`` frame is timed (receive time minus the body's send time) and counted
by id per connection: expected = for each acked message, the members of its room
connected then; lost = expected - received; a repeat on one connection is a duplicate.
CPU is utime+stime of the server processes (and Redis) from /proc over the send and
drain windows; memory is the servers' RSS growth over the connect phase.
"""

import argparse
import asyncio
import json
import os
import resource
import statistics
import sys
import time
from datetime import UTC, datetime

from bench.clients import Client, Run, close_clients, connect_client, send_messages
from bench.guests import guests_join
from bench.report import percentile, table
from bench.scenario import Scenario, Target
from bench.servers import cpu_seconds, rss_kib

SETTLE_QUIET_SECONDS = 1.0
SETTLE_MAX_SECONDS = 600.0
# Every result of a run with senders has these keys (bench/README.md explains them).
RESULT_FIELDS = (
    "bench",
    "date",
    "target",
    "scenario",
    "users",
    "rooms",
    "senders",
    "rate_per_sender",
    "duration_s",
    "workers",
    "connect_s",
    "connect_retries",
    "connect_ms",
    "settle_s",
    "settled",
    "rss_kib",
    "rss_per_conn_kib",
    "redis_rss_per_conn_kib",
    "sent",
    "acked",
    "unacked",
    "expected",
    "received",
    "lost",
    "duplicates",
    "errors",
    "offered_dps",
    "deliveries_per_s",
    "drain_s",
    "latency_ms",
    "server_cpu_s",
    "redis_cpu_s",
    "generator_cpu_s",
    "cpu_s_per_1k",
    "disconnects",
    "load",
)


def _cpu(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def _rss(pids: list[int]) -> int:
    return sum(rss_kib(pid) for pid in pids)


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _quiet(run: Run, limit: float) -> tuple[float, bool]:
    """Wait until no frame arrived for a while (the join announcements are done);
    (seconds it took, whether it got quiet within ``limit``)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        await asyncio.sleep(0.1)
        if time.monotonic() - run.last_frame >= SETTLE_QUIET_SECONDS:
            return max(0.0, time.monotonic() - started - SETTLE_QUIET_SECONDS), True
    return time.monotonic() - started, False


async def run_scenario(
    scenario: Scenario,
    target: Target,
    *,
    concurrency: int = 100,
    drain_timeout: float = 15.0,
    settle_max: float = SETTLE_MAX_SECONDS,
    on_window=None,
) -> dict:
    """Run one scenario against running servers; returns the result (one JSON object).

    ``on_window(seconds)`` is called as the send window opens (e.g. to start a profiler).
    """
    run = Run()
    loop = asyncio.get_running_loop()
    server_pids = list(target.pids)
    redis_pids = [target.redis_pid] if target.redis_pid else []
    clients = [Client(i, target.room_slugs[i % scenario.rooms]) for i in range(scenario.users)]
    result: dict = {
        "bench": "chat",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "target": target.label,
        **target.extra,
        "scenario": scenario.name,
        "users": scenario.users,
        "rooms": scenario.rooms,
        "senders": scenario.senders,
        "rate_per_sender": scenario.rate,
        "duration_s": scenario.duration,
        "workers": len(target.ws_urls),
    }
    rss_before = _rss(server_pids)
    redis_rss_before = _rss(redis_pids)
    connect_times: list[float] = []
    gate = asyncio.Semaphore(concurrency)
    started = time.perf_counter()
    try:
        await asyncio.gather(
            *(connect_client(run, target, client, gate, connect_times) for client in clients)
        )
        result["connect_s"] = round(time.perf_counter() - started, 3)
        result["connect_retries"] = run.connect_retries
        settle, result["settled"] = await _quiet(run, settle_max)
        result["settle_s"] = round(settle, 3)
        ordered = sorted(connect_times)
        result["connect_ms"] = {
            "p50": round(percentile(ordered, 0.5) * 1000, 1),
            "p99": round(percentile(ordered, 0.99) * 1000, 1),
            "max": round(ordered[-1] * 1000, 1),
        }
        rss_after = _rss(server_pids)
        result["rss_kib"] = rss_after
        result["rss_per_conn_kib"] = round((rss_after - rss_before) / scenario.users, 1)
        result["redis_rss_per_conn_kib"] = (
            round((_rss(redis_pids) - redis_rss_before) / scenario.users, 2) if redis_pids else None
        )
        if not scenario.idle:
            await _measure(
                run,
                scenario,
                clients,
                server_pids,
                redis_pids,
                result,
                drain_timeout,
                on_window,
                loop,
            )
    finally:
        result["disconnects"] = run.disconnects  # before our own closes
        result["close_codes"] = {str(code): n for code, n in run.close_codes.items()}
        await close_clients(clients)
    result["load"] = [round(value, 2) for value in os.getloadavg()]
    return result


async def _measure(
    run, scenario, clients, server_pids, redis_pids, result, drain_timeout, on_window, loop
) -> None:
    senders = clients[: scenario.senders]
    before = (_cpu(server_pids), _cpu(redis_pids), _self_cpu())
    if on_window is not None:
        on_window(scenario.duration)
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
    after = (_cpu(server_pids), _cpu(redis_pids), _self_cpu())
    expected = sum(run.expected.values())
    delivered = run.delivered()
    latencies = sorted(run.latencies)
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
            "latency_ms": {
                "p50": round(percentile(latencies, 0.5) * 1000, 2),
                "p90": round(percentile(latencies, 0.9) * 1000, 2),
                "p99": round(percentile(latencies, 0.99) * 1000, 2),
                "max": round(latencies[-1] * 1000, 2) if latencies else None,
                "mean": round(statistics.fmean(latencies) * 1000, 2) if latencies else None,
            },
            "server_cpu_s": round(server_cpu, 2),
            "redis_cpu_s": round(redis_cpu, 2),
            "generator_cpu_s": round(own_cpu, 2),
            "cpu_s_per_1k": round((server_cpu + redis_cpu) / delivered * 1000, 4)
            if delivered
            else None,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Load a running chat server (or the baseline).")
    parser.add_argument(
        "--url",
        action="append",
        required=True,
        help="ws://host:port of a worker; repeat for several workers",
    )
    parser.add_argument("--http", action="append", help="http://host:port for --login http")
    parser.add_argument("--login", choices=["http", "db", "none"], default="http")
    parser.add_argument("--sessions", help="JSON from bench.users (--login db)")
    parser.add_argument("--room", action="append", help="room slug(s); default lobby")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--rooms", type=int, default=1)
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--pids", type=int, nargs="*", default=[], help="server pids for CPU")
    parser.add_argument("--redis-pid", type=int)
    parser.add_argument("--label", default="app")
    parser.add_argument("--concurrency", type=int, default=100)
    arguments = parser.parse_args()
    rooms = arguments.room or ["lobby"]
    if len(rooms) < arguments.rooms:
        parser.error("give a --room slug for each of --rooms")
    sessions, login_s = None, None
    if arguments.login == "http":
        sessions, login_s = guests_join(
            arguments.http or [u.replace("ws", "http", 1) for u in arguments.url], arguments.users
        )
    elif arguments.login == "db":
        with open(arguments.sessions) as file:
            made = json.load(file)
        sessions, rooms = made["sessions"], arguments.room or made["rooms"]
    name = f"{arguments.users}u-{arguments.rooms}r-{arguments.senders}x{arguments.rate:g}"
    scenario = Scenario(
        name,
        arguments.users,
        arguments.rooms,
        arguments.senders,
        arguments.rate,
        arguments.duration,
    )
    target = Target(
        arguments.label, arguments.url, rooms, sessions, arguments.pids, arguments.redis_pid
    )
    result = asyncio.run(run_scenario(scenario, target, concurrency=arguments.concurrency))
    result["login"] = arguments.login
    result["login_s"] = round(login_s, 3) if login_s is not None else None
    print(json.dumps(result))
    print(table([result]), file=sys.stderr)


if __name__ == "__main__":
    main()
