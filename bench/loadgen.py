"""The load generator: run a scenario of any kind (bench/scenario.py, KINDS) against running
servers and return one JSON object; as a command, print it (and its table row).

    python -m bench.loadgen --url ws://127.0.0.1:8000 --http http://127.0.0.1:8000 \\
        --users 100 --rooms 1 --senders 10 --rate 20 --duration 10 --pids 1234
    python -m bench.loadgen --kind legacy-login --url ws://127.0.0.1:8000 --users 100 --pids 1234

Login for the kinds that need a session (chat, storm): guests through POST /join/
(``--login http``, bounded concurrency), session keys from a file written by bench.users
(``--login db``), or none (the baseline). The old page logs in by its own frame, and the
join kind is the form itself. What each kind does and counts: bench/chat_scenario.py,
bench/legacy_scenarios.py, bench/join_scenario.py, bench/storm.py; bench/README.md.
"""

import argparse
import asyncio
import json
import os
import sys
from datetime import UTC, datetime

from bench.chat_scenario import run_chat
from bench.guests import guests_join
from bench.join_scenario import run_join
from bench.legacy_scenarios import run_legacy
from bench.measure import bottleneck
from bench.report import table
from bench.scenario import KINDS, Scenario, Target
from bench.storm import run_storm

SETTLE_MAX_SECONDS = 600.0
JOIN_CONCURRENCY = 16  # HTTP joins at once (threads): a crowd arriving, not all in one instant
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
    "ack_ms",
    "server_cpu_s",
    "redis_cpu_s",
    "generator_cpu_s",
    "cpu_s_per_1k",
    "window_s",
    "disconnects",
    "load_start",
    "load",
    "bottleneck",
)


async def run_scenario(
    scenario: Scenario,
    target: Target,
    *,
    concurrency: int = 100,
    join_concurrency: int = JOIN_CONCURRENCY,
    drain_timeout: float = 15.0,
    settle_max: float = SETTLE_MAX_SECONDS,
    on_window=None,
) -> dict:
    """Run one scenario of any kind against running servers; returns the result (one JSON
    object). ``on_window(seconds)`` is called as a chat or old-page run's measured phase
    opens (e.g. to start a profiler)."""
    load_start = os.getloadavg()[0]
    result: dict = {
        "bench": "chat",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "target": target.label,
        **target.extra,
        "scenario": scenario.name,
        "kind": scenario.kind,
        "users": scenario.users,
        "rooms": scenario.rooms,
        "senders": scenario.senders,
        "rate_per_sender": scenario.rate,
        "duration_s": scenario.duration,
        "workers": len(target.ws_urls),
        "load_start": round(load_start, 2),
    }
    if scenario.kind == "chat":
        ran = await run_chat(
            scenario,
            target,
            concurrency=concurrency,
            drain_timeout=drain_timeout,
            settle_max=settle_max,
            on_window=on_window,
        )
    elif scenario.kind in ("legacy-login", "legacy-chat"):
        ran = await run_legacy(
            scenario,
            target,
            concurrency=concurrency,
            drain_timeout=drain_timeout,
            settle_max=settle_max,
            on_window=on_window,
        )
    elif scenario.kind == "join":
        ran = await run_join(
            scenario,
            target,
            concurrency=concurrency,
            join_concurrency=join_concurrency,
            settle_max=settle_max,
        )
    elif scenario.kind == "storm":
        ran = await run_storm(
            scenario,
            target,
            concurrency=concurrency,
            drain_timeout=drain_timeout,
            settle_max=settle_max,
        )
    else:
        raise ValueError(f"unknown scenario kind {scenario.kind!r}")
    result.update(ran)
    result["load"] = [round(value, 2) for value in os.getloadavg()]
    result["bottleneck"] = bottleneck(result)
    return result


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
    parser.add_argument("--concurrency", type=int, default=100, help="handshakes at once")
    parser.add_argument("--kind", choices=KINDS, default="chat", help="what the users do")
    parser.add_argument("--join-concurrency", type=int, default=JOIN_CONCURRENCY)
    parser.add_argument("--drain", type=float, default=15.0, help="s to wait for late deliveries")
    arguments = parser.parse_args()
    rooms = arguments.room or ["lobby"]
    if len(rooms) < arguments.rooms:
        parser.error("give a --room slug for each of --rooms")
    sessions, login_s = None, None
    scenario = Scenario(
        f"{arguments.kind} {arguments.users}u-{arguments.rooms}r-"
        f"{arguments.senders}x{arguments.rate:g}",
        arguments.users,
        arguments.rooms,
        arguments.senders,
        arguments.rate,
        arguments.duration,
        arguments.kind,
    )
    if not scenario.needs_sessions:
        arguments.login = "none"  # the old page's login frame, or the join form, is the run
    elif arguments.login == "http":
        sessions, login_s = guests_join(
            arguments.http or [u.replace("ws", "http", 1) for u in arguments.url], arguments.users
        )
    elif arguments.login == "db":
        with open(arguments.sessions) as file:
            made = json.load(file)
        sessions, rooms = made["sessions"], arguments.room or made["rooms"]
    target = Target(
        arguments.label, arguments.url, rooms, sessions, arguments.pids, arguments.redis_pid
    )
    result = asyncio.run(
        run_scenario(
            scenario,
            target,
            concurrency=arguments.concurrency,
            join_concurrency=arguments.join_concurrency,
            drain_timeout=arguments.drain,
        )
    )
    result["login"] = arguments.login
    if login_s is not None:
        result["login_s"] = round(login_s, 3)
    result.setdefault("login_s", None)
    print(json.dumps(result))
    print(table([result]), file=sys.stderr)


if __name__ == "__main__":
    main()
