"""The old PHP page's users for the load generator (docs/legacy.md): one socket each on
/ws/legacy/<slug>/, a ``login`` frame with a name and an avatar, ``user`` frames out and in.

The old protocol has no message ids and no ack. A message is known by its text, which is
unique per send (the sender's time.time(), the run's token, the sender and its count), and
what a send should reach is every member of its room logged in when it went out, the
sender included (the server sends the author its own line back).
"""

import asyncio
import json
import secrets
import time
from array import array
from collections import Counter

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from bench.clients import BODY_PREFIX, CONNECT_ATTEMPTS, send_times
from bench.scenario import Scenario, Target

AVATARS = 12  # the old page's img/a1.jpg .. img/a12.jpg


class LegacyClient:
    __slots__ = (
        "closed",
        "code",
        "index",
        "joined",
        "logged_in",
        "name",
        "online",
        "refusal",
        "room",
        "seen",
        "task",
        "ws",
    )

    def __init__(self, index: int, room: str, name: str) -> None:
        self.index, self.room, self.name = index, room, name
        self.ws: ClientConnection | None = None
        self.seen: set[str] = set()  # message texts received on this socket
        self.logged_in = asyncio.Event()  # its own ``login`` frame, or a refusal or close first
        self.joined = False  # its own ``login`` frame came back
        self.refusal: str | None = None  # the ``system`` notice that refused the login
        self.online = 0  # names in the latest ``user_list`` it was sent
        self.closed = False
        self.code: int | None = None
        self.task: asyncio.Task | None = None


class LegacyRun:
    """The counters of one run of old-page clients."""

    def __init__(self) -> None:
        self.token = secrets.token_hex(4)
        self.frames = 0
        self.last_frame = time.monotonic()
        self.members: Counter[str] = Counter()  # logged-in sockets per room
        self.expected = 0  # for each send, the members of its room logged in then
        self.received = 0  # first copies of this run's messages, per socket
        self.duplicates = 0
        self.latencies = array("d")
        self.login_times = array("d")  # ``login`` sent to its own ``login`` frame, seconds
        self.login_started = 0.0
        self.window = (0.0, 0.0)
        self.in_window = 0
        self.sent = 0
        self.notices: Counter[str] = Counter()  # ``system`` frames by text
        self.presence_frames: Counter[str] = Counter()  # ``login`` / ``logout`` frames read
        self.disconnects = 0
        self.connect_retries = 0
        self.close_codes: Counter[int | None] = Counter()

    def name(self, index: int) -> str:
        # Letters and digits, unique per run, within the 32 characters a name may have.
        return f"L{self.token}n{index}"

    def on_frame(self, client: LegacyClient, text: str) -> None:
        now = time.time()
        self.frames += 1
        self.last_frame = time.monotonic()
        data = json.loads(text)
        kind = data.get("type")
        if kind == "user":
            body = data["msg"]
            if not body.startswith(BODY_PREFIX):
                return
            if body in client.seen:
                self.duplicates += 1
                return
            client.seen.add(body)
            self.latencies.append(now - float(body.split(" ", 2)[1]))
            self.received += 1
            if self.window[0] <= now <= self.window[1]:
                self.in_window += 1
        elif kind in ("login", "logout"):
            self.presence_frames[kind] += 1
            client.online = len(data["user_list"])
            if kind == "login" and not client.joined and data["msg"] == client.name:
                client.joined = True
                self.members[client.room] += 1
                self.login_times.append(time.perf_counter() - self.login_started)
                client.logged_in.set()
        elif kind == "system":
            self.notices[data["msg"]] += 1
            if not client.joined:  # before a login, a notice only ever answers our own frame
                client.refusal = data["msg"]
                client.logged_in.set()


async def _read(run: LegacyRun, client: LegacyClient) -> None:
    try:
        async for text in client.ws:
            run.on_frame(client, text)
    except ConnectionClosed:
        pass
    finally:
        client.code = client.ws.close_code
        if not client.closed:
            client.closed = True
            if client.joined:
                run.disconnects += 1
                run.close_codes[client.code] += 1
                run.members[client.room] -= 1
            client.logged_in.set()  # wake a waiting login


async def legacy_connect(
    run: LegacyRun, target: Target, client: LegacyClient, gate: asyncio.Semaphore
) -> float:
    """Open the socket and read its ``handShake``, retrying a refused handshake with
    backoff as the project's stand-in page does; the seconds it took."""
    base = target.ws_urls[client.index % len(target.ws_urls)]
    async with gate:
        started = time.perf_counter()
        for attempt in range(CONNECT_ATTEMPTS):
            if attempt:
                run.connect_retries += 1
                await asyncio.sleep(min(0.25 * 2 ** (attempt - 1), 4.0))
            try:
                client.ws = await connect(
                    f"{base}/ws/legacy/{client.room}/",
                    origin=base.replace("ws", "http", 1),  # the page served by this site
                    compression=None,
                    max_size=None,
                    ping_interval=None,
                    open_timeout=120,
                    close_timeout=2,
                    max_queue=None,
                )
                hand_shake = json.loads(await client.ws.recv())
            except (OSError, WebSocketException, TimeoutError):
                if attempt == CONNECT_ATTEMPTS - 1:
                    raise
                continue
            if hand_shake.get("type") != "handShake":
                raise RuntimeError(f"old-page client {client.index} got {hand_shake}")
            client.task = asyncio.get_running_loop().create_task(_read(run, client))
            return time.perf_counter() - started
    raise AssertionError("unreachable")


async def legacy_login(client: LegacyClient) -> None:
    avatar = f"img/a{client.index % AVATARS + 1}.jpg"
    await client.ws.send(json.dumps({"type": "login", "msg": client.name, "headerimg": avatar}))


async def legacy_send(
    run: LegacyRun, client: LegacyClient, number: int, scenario: Scenario, start: float
) -> None:
    """``user`` frames every 1/rate s for the window; each expects the room's members now."""
    async for count in send_times(client, number, scenario, start):
        body = f"{BODY_PREFIX}{time.time():.6f} {run.token}-{number}-{count}"
        run.expected += run.members[client.room]
        await client.ws.send(json.dumps({"type": "user", "msg": body}))
        run.sent += 1


async def legacy_close(clients: list[LegacyClient]) -> None:
    for client in clients:
        client.closed = True
        if client.ws is not None and client.ws.transport is not None:
            client.ws.transport.abort()  # fast teardown; the servers are stopped next anyway
    tasks = [client.task for client in clients if client.task is not None]
    if tasks:
        await asyncio.wait(tasks, timeout=10)
