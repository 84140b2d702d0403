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
import http.cookiejar
import json
import os
import re
import resource
import secrets
import statistics
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from array import array
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from bench.servers import cpu_seconds, rss_kib

MESSAGE_PREFIX = '{"type": "message",'
BODY_PREFIX = "bench "
SETTLE_QUIET_SECONDS = 1.0
SETTLE_MAX_SECONDS = 600.0
CONNECT_ATTEMPTS = 8
# Closes that a retry cannot fix: not logged in, no such room, too many connections.
FINAL_CLOSE_CODES = {4401, 4404, 4429}
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
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Scenario:
    name: str
    users: int
    rooms: int
    senders: int = 0
    rate: float = 0.0  # messages per second per sender
    duration: float = 10.0

    @property
    def idle(self) -> bool:
        return self.senders == 0


@dataclass
class Target:
    """Where to connect and which processes to charge for the work."""

    label: str
    ws_urls: list[str]
    room_slugs: list[str]
    sessions: list[str] | None = None  # session cookie per user; None: no auth (baseline)
    pids: list[int] = field(default_factory=list)
    redis_pid: int | None = None
    origin: str = "http://127.0.0.1"
    extra: dict = field(default_factory=dict)  # copied into the result (server, layer...)


class Client:
    __slots__ = ("closed", "code", "index", "joined", "room", "seen", "synced", "task", "ws")

    def __init__(self, index: int, room: str) -> None:
        self.index, self.room = index, room
        self.ws: ClientConnection | None = None
        self.seen: set[int] = set()
        self.synced = asyncio.Event()  # set on ``synced``, or when the socket closes first
        self.joined = False  # ``synced`` received on the current socket
        self.closed = False
        self.code: int | None = None
        self.task: asyncio.Task | None = None


class Run:
    """The counters of one run."""

    def __init__(self) -> None:
        self.token = secrets.token_hex(4)
        self.frames = 0
        self.last_frame = time.monotonic()
        self.members: Counter[str] = Counter()
        self.pending: dict[str, str] = {}  # client_msg_id -> room, until acked
        self.expected: dict[int, int] = {}  # message id -> members of its room at ack
        self.received: Counter[int] = Counter()
        self.duplicates = 0
        self.latencies = array("d")
        self.errors: Counter[str] = Counter()
        self.window = (0.0, 0.0)
        self.in_window = 0
        self.sent = 0
        self.disconnects = 0
        self.connect_retries = 0
        self.close_codes: Counter[int | None] = Counter()

    def on_frame(self, client: Client, text: str) -> None:
        now = time.time()
        self.frames += 1
        self.last_frame = time.monotonic()
        data = json.loads(text)
        kind = data["type"]
        if kind == "message":
            message = data["message"]
            message_id = message["id"]
            if message_id in client.seen:
                self.duplicates += 1
                return
            client.seen.add(message_id)
            body = message["body"]
            if body.startswith(BODY_PREFIX):
                self.latencies.append(now - float(body.split(" ", 2)[1]))
                self.received[message_id] += 1
                if self.window[0] <= now <= self.window[1]:
                    self.in_window += 1
        elif kind == "ack":
            room = self.pending.pop(data["client_msg_id"], None)
            if room is not None:
                self.expected[data["id"]] = self.members[room]
        elif kind == "synced":
            self.members[client.room] += 1
            client.joined = True
            client.synced.set()
        elif kind == "error":
            self.errors[data["code"]] += 1

    def delivered(self) -> int:
        return sum(self.received[message_id] for message_id in self.expected)

    def outstanding(self) -> int:
        return sum(self.expected.values()) - self.delivered() + len(self.pending)


async def _read(run: Run, client: Client) -> None:
    try:
        async for text in client.ws:
            run.on_frame(client, text)
    except ConnectionClosed:
        pass
    finally:
        client.code = client.ws.close_code
        if not client.closed:
            client.closed = True
            if client.joined:  # a drop after joining; a drop before is a failed connect
                run.disconnects += 1
                run.close_codes[client.code] += 1
                run.members[client.room] -= 1
            client.synced.set()  # wake a waiting connect


async def _open(
    run: Run, target: Target, client: Client, gate: asyncio.Semaphore, connect_times: list[float]
) -> None:
    """Connect and wait for ``synced``; a refused or dropped handshake is retried (as the
    page does, with backoff) and counted in ``run.connect_retries``."""
    base = target.ws_urls[client.index % len(target.ws_urls)]
    headers = {}
    if target.sessions is not None:
        headers["Cookie"] = f"sessionid={target.sessions[client.index]}"
    async with gate:
        started = time.perf_counter()
        for attempt in range(CONNECT_ATTEMPTS):
            if attempt:
                run.connect_retries += 1
                await asyncio.sleep(min(0.25 * 2 ** (attempt - 1), 4.0))
            try:
                client.ws = await connect(
                    f"{base}/ws/chat/{client.room}/",
                    origin=target.origin,
                    additional_headers=headers,
                    compression=None,
                    max_size=None,
                    ping_interval=None,
                    open_timeout=120,
                    close_timeout=2,
                    max_queue=None,
                )
            except (OSError, WebSocketException, TimeoutError):
                if attempt == CONNECT_ATTEMPTS - 1:
                    raise
                continue
            client.closed, client.synced = False, asyncio.Event()
            client.task = asyncio.get_running_loop().create_task(_read(run, client))
            await client.synced.wait()
            if client.joined:
                connect_times.append(time.perf_counter() - started)
                return
            if client.code in FINAL_CLOSE_CODES:
                break
        raise RuntimeError(f"user {client.index} was refused: close code {client.code}")


async def _send(run: Run, client: Client, number: int, scenario: Scenario, start: float) -> None:
    loop = asyncio.get_running_loop()
    interval = 1.0 / scenario.rate
    offset = interval * number / scenario.senders  # senders staggered over one interval
    for count in range(round(scenario.rate * scenario.duration)):
        if client.closed:
            break
        delay = start + offset + count * interval - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        client_msg_id = f"{run.token}-{number}-{count}"
        run.pending[client_msg_id] = client.room
        body = f"{BODY_PREFIX}{time.time():.6f} {number}-{count}"
        await client.ws.send(
            json.dumps({"type": "message.send", "body": body, "client_msg_id": client_msg_id})
        )
        run.sent += 1


def _cpu(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def _rss(pids: list[int]) -> int:
    return sum(rss_kib(pid) for pid in pids)


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


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
            *(_open(run, target, client, gate, connect_times) for client in clients)
        )
        result["connect_s"] = round(time.perf_counter() - started, 3)
        result["connect_retries"] = run.connect_retries
        settle, result["settled"] = await _quiet(run, settle_max)
        result["settle_s"] = round(settle, 3)
        ordered = sorted(connect_times)
        result["connect_ms"] = {
            "p50": round(_percentile(ordered, 0.5) * 1000, 1),
            "p99": round(_percentile(ordered, 0.99) * 1000, 1),
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
        await _close(clients)
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
        *(_send(run, client, number, scenario, start) for number, client in enumerate(senders))
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
                "p50": round(_percentile(latencies, 0.5) * 1000, 2),
                "p90": round(_percentile(latencies, 0.9) * 1000, 2),
                "p99": round(_percentile(latencies, 0.99) * 1000, 2),
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


async def _close(clients: list[Client]) -> None:
    for client in clients:
        client.closed = True
        if client.ws is not None and client.ws.transport is not None:
            client.ws.transport.abort()  # fast teardown; the servers are stopped next anyway
    tasks = [client.task for client in clients if client.task is not None]
    if tasks:
        await asyncio.wait(tasks, timeout=10)


# --- login over HTTP -------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def guest_join(http_url: str, nickname: str) -> str:
    """POST /join/ as a browser does; returns the session key."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    join_url = f"{http_url}/join/"
    with opener.open(join_url, timeout=30) as response:
        token = _CSRF_INPUT.search(response.read().decode())
    if token is None:
        raise RuntimeError(f"no CSRF token on {join_url}")
    form = urllib.parse.urlencode(
        {"nickname": nickname, "avatar": "a1", "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(join_url, data=form, headers={"Referer": join_url})
    try:
        opener.open(request, timeout=30).close()
    except urllib.error.HTTPError as error:
        if error.code != 302:
            raise
    for cookie in jar:
        if cookie.name == "sessionid":
            return cookie.value
    raise RuntimeError(f"joining as {nickname} gave no session")


def guests_join(http_urls: list[str], count: int, concurrency: int = 8) -> tuple[list[str], float]:
    """``count`` guests logged in over HTTP with bounded concurrency; (sessions, seconds)."""
    prefix = f"b{secrets.token_hex(3)}"
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        sessions = list(
            pool.map(
                lambda index: guest_join(http_urls[index % len(http_urls)], f"{prefix}u{index}"),
                range(count),
            )
        )
    return sessions, time.perf_counter() - started


# --- reporting -------------------------------------------------------------------------

COLUMNS = [
    ("scenario", "scenario"),
    ("target", "target"),
    ("del/s", "deliveries_per_s"),
    ("p50 ms", "p50"),
    ("p99 ms", "p99"),
    ("max ms", "max"),
    ("lost", "lost"),
    ("dup", "duplicates"),
    ("connect s", "connect_s"),
    ("settle s", "settle_s"),
    ("CPU s/1k del", "cpu_s_per_1k"),
    ("× baseline", "ratio"),
    ("RSS KiB/conn", "rss_per_conn_kib"),
]


def table(results: list[dict]) -> str:
    lines = ["| " + " | ".join(title for title, _ in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for result in results:
        flat = {**result, **(result.get("latency_ms") or {})}
        cells = []
        for _, key in COLUMNS:
            value = flat.get(key)
            cells.append(
                "–" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
            )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


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
