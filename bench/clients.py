"""The load generator's users: one socket each (Client), the counters of a run (Run), and
the coroutines that open a user's socket, read it, send on it and close it."""

import asyncio
import json
import secrets
import time
from array import array
from collections import Counter

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from bench.scenario import Scenario, Target

MESSAGE_PREFIX = '{"type": "message",'
BODY_PREFIX = "bench "
CONNECT_ATTEMPTS = 8
# Closes that a retry cannot fix: not logged in, no such room, too many connections.
FINAL_CLOSE_CODES = {4401, 4404, 4429}


class Client:
    __slots__ = (
        "after_id",
        "closed",
        "code",
        "index",
        "joined",
        "room",
        "seen",
        "synced",
        "task",
        "ws",
    )

    def __init__(self, index: int, room: str) -> None:
        self.index, self.room = index, room
        self.ws: ClientConnection | None = None
        self.seen: set[int] = set()  # kept across reconnects: a repeat is a duplicate
        self.after_id: int | None = None  # set to resume: the newest id held, as the page does
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
        # client_msg_id -> (room, perf_counter() at the send), until acked
        self.pending: dict[str, tuple[str, float]] = {}
        self.ack_latencies = array("d")  # a send to its ack, seconds
        self.expected: dict[int, int] = {}  # message id -> members of its room at ack
        self.room_of: dict[int, str] = {}  # message id -> its room, from the ack
        self.received: Counter[int] = Counter()
        self.duplicates = 0
        self.latencies = array("d")
        self.backfilled = 0  # messages replayed before ``synced`` on a resumed socket
        self.incomplete = 0  # ``synced`` with complete false: too many missed to replay
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
                if client.joined:
                    self.latencies.append(now - float(body.split(" ", 2)[1]))
                else:  # replayed after ``after_id``: its delay is the time away, not latency
                    self.backfilled += 1
                self.received[message_id] += 1
                if self.window[0] <= now <= self.window[1]:
                    self.in_window += 1
        elif kind == "ack":
            sent = self.pending.pop(data["client_msg_id"], None)
            if sent is not None:
                room, sent_at = sent
                self.ack_latencies.append(time.perf_counter() - sent_at)
                self.expected[data["id"]] = self.members[room]
                self.room_of[data["id"]] = room
        elif kind == "synced":
            if data.get("complete") is False:
                self.incomplete += 1
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


async def connect_client(
    run: Run, target: Target, client: Client, gate: asyncio.Semaphore, connect_times: list[float]
) -> None:
    """Connect and wait for ``synced``; a refused or dropped handshake is retried (as the
    page does, with backoff) and counted in ``run.connect_retries``."""
    base = target.ws_urls[client.index % len(target.ws_urls)]
    query = "" if client.after_id is None else f"?after_id={client.after_id}"
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
                    f"{base}/ws/chat/{client.room}/{query}",
                    # The page's origin is the worker's own: the app compares scheme, host, port.
                    origin=base.replace("ws", "http", 1),
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
            client.closed, client.joined, client.synced = False, False, asyncio.Event()
            client.task = asyncio.get_running_loop().create_task(_read(run, client))
            await client.synced.wait()
            if client.joined:
                connect_times.append(time.perf_counter() - started)
                return
            if client.code in FINAL_CLOSE_CODES:
                break
        raise RuntimeError(f"user {client.index} was refused: close code {client.code}")


async def send_times(client, number: int, scenario: Scenario, start: float):
    """For sender ``number``: 0, 1, 2… at its times, every 1/rate s of the window from
    ``start`` (the loop's clock), the senders staggered over one interval; stops early when
    ``client`` (either protocol's) closes."""
    loop = asyncio.get_running_loop()
    interval = 1.0 / scenario.rate
    offset = interval * number / scenario.senders
    for count in range(round(scenario.rate * scenario.duration)):
        if client.closed:
            return
        delay = start + offset + count * interval - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        yield count


async def send_messages(
    run: Run, client: Client, number: int, scenario: Scenario, start: float
) -> None:
    async for count in send_times(client, number, scenario, start):
        client_msg_id = f"{run.token}-{number}-{count}"
        run.pending[client_msg_id] = (client.room, time.perf_counter())
        body = f"{BODY_PREFIX}{time.time():.6f} {number}-{count}"
        await client.ws.send(
            json.dumps({"type": "message.send", "body": body, "client_msg_id": client_msg_id})
        )
        run.sent += 1


async def close_clients(clients: list[Client]) -> None:
    for client in clients:
        client.closed = True
        if client.ws is not None and client.ws.transport is not None:
            client.ws.transport.abort()  # fast teardown; the servers are stopped next anyway
    tasks = [client.task for client in clients if client.task is not None]
    if tasks:
        await asyncio.wait(tasks, timeout=10)
