"""A test client that behaves like the room page, over real HTTP and a real WebSocket.

    guest = await guest_join(server.url, "alice")
    alice = ChatClient(guest, server.url)
    alice.start()
    await alice.wait_for(lambda c: c.synced, timeout=10, what="alice is in the room")
    client_msg_id = await alice.send("hello")
    await alice.wait_for(lambda c: client_msg_id in c.acked, timeout=5, what="the ack")
    await alice.close()

Like the page it keeps its socket open: after any close or failure it reconnects with
backoff and ``?after_id=`` (the newest message id it holds), and once ``synced`` it sends
again, with the same ``client_msg_id``, every message not yet acked or refused. It records
every ``message`` frame per connection, so a test can tell a repeat on one socket from the
same message replayed on the next one. Tests wait for conditions (``wait_for``), woken by
every frame and state change, never for a fixed time.
"""

import asyncio
import contextlib
import itertools
import json
import random
import secrets
import time
from collections.abc import Callable

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from tests.chat_connection import Connection
from tests.chat_guests import SESSION_COOKIE, Guest
from tests.chat_signal import Signal

OPEN_TIMEOUT_SECONDS = 5
BACKOFF_START_SECONDS = 0.1
BACKOFF_CAP_SECONDS = 1.0
# What the page does on these closes: go to /join/ (4401), "room not found" (4404).
FINAL_CLOSE_CODES = {4401, 4404}


class ChatClient:
    """One browser tab on the room page of ``base_url``; several may share a guest."""

    def __init__(
        self,
        guest: Guest,
        base_url: str,
        *,
        room: str = "lobby",
        signal: Signal | None = None,
        label: str | None = None,
    ) -> None:
        self.guest = guest
        self.base_url = base_url
        self.room = room
        self.signal = signal or Signal()
        self.label = label or guest.name
        self.me: dict | None = None
        self.connections: list[Connection] = []
        self.failures: list[str] = []  # attempts that opened no socket
        self.held: dict[int, dict] = {}  # message id -> message, the union over connections
        self.sent: dict[str, str] = {}  # client_msg_id -> body, everything ever sent
        self.pending: dict[str, str] = {}  # neither acked nor refused yet
        self.acked: dict[str, int] = {}  # client_msg_id -> message id
        self.refused: dict[str, dict] = {}  # client_msg_id -> the error frame
        self.contradictions: list[str] = []  # e.g. an ack after an error for the same id
        self.errors: list[dict] = []  # error frames not about a message.send
        self.online: dict[int, dict] = {}  # user id -> user, as the page would show it
        self.count: int | None = None
        self.presence_log: list[tuple[float, dict]] = []  # (monotonic time, frame)
        self.gave_up: int | None = None  # a close code after which the page stops
        self._counter = itertools.count(1)
        self._ws: ClientConnection | None = None
        self._task: asyncio.Task | None = None
        self._stopping = False

    # -- what tests look at ------------------------------------------------------------

    @property
    def current(self) -> Connection | None:
        """The open connection, if any."""
        if self.connections and self.connections[-1].open:
            return self.connections[-1]
        return None

    @property
    def synced(self) -> bool:
        return self.current is not None and self.current.synced

    @property
    def newest_id(self) -> int | None:
        return max(self.held, default=None)

    def online_names(self) -> set[str]:
        return {user["name"] for user in self.online.values()}

    def duplicates(self) -> dict[int, list[int]]:
        """Connection number -> ids it delivered twice or more (empty: none anywhere)."""
        return {conn.number: dup for conn in self.connections if (dup := conn.duplicates())}

    def left_at(self, name: str) -> float | None:
        """When this client first heard ``presence.left`` about ``name`` (monotonic)."""
        for at, frame in self.presence_log:
            if frame["type"] == "presence.left" and frame["user"]["name"] == name:
                return at
        return None

    def describe(self) -> str:
        current = self.current
        state = (
            "no socket"
            if current is None
            else f"socket #{current.number} {'synced' if current.synced else 'opening'}"
        )
        closes = [conn.close_code for conn in self.connections if not conn.open]
        return (
            f"{self.label}: {state}, {len(self.connections)} sockets (closed with {closes}), "
            f"{len(self.failures)} failed attempts (last: {self.failures[-1:]}), "
            f"holds {len(self.held)} messages (newest {self.newest_id}), "
            f"sent {len(self.sent)}: {len(self.acked)} acked, {len(self.refused)} refused, "
            f"{len(self.pending)} pending; online {sorted(self.online_names())} "
            f"(count {self.count}); gave up: {self.gave_up}"
        )

    async def wait_for(
        self, predicate: Callable[["ChatClient"], bool], *, timeout: float, what: str = ""
    ) -> float:
        """Wait until ``predicate(client)`` holds; returns the seconds it took."""
        return await self.signal.wait_for(
            lambda: predicate(self),
            timeout=timeout,
            what=lambda: f"{what or 'condition'}; {self.describe()}",
        )

    # -- driving it --------------------------------------------------------------------

    def start(self, base_url: str | None = None) -> "ChatClient":
        """Open the page (again), on ``base_url`` if given; it reconnects until stopped."""
        if base_url is not None:
            self.base_url = base_url
        if self._task is None or self._task.done():
            self._stopping = False
            self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    async def send(self, body: str) -> str:
        """Type a message and press Enter: it is pending until acked or refused."""
        client_msg_id = f"c-{secrets.token_hex(4)}-{next(self._counter)}"
        self.sent[client_msg_id] = body
        self.pending[client_msg_id] = body
        current = self.current
        if current is not None and current.synced and self._ws is not None:
            await self._transmit(self._ws, client_msg_id, body)
        self.signal.notify()
        return client_msg_id

    async def stop(self) -> None:
        """Close the tab's socket (code 1000) and stop reconnecting; keeps what it holds."""
        self._stopping = True
        ws = self._ws
        if ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), timeout=OPEN_TIMEOUT_SECONDS)
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.signal.notify()

    async def close(self) -> None:
        await self.stop()

    # -- the connection loop -----------------------------------------------------------

    def _socket_url(self) -> str:
        ws_base = "ws" + self.base_url.removeprefix("http")
        url = f"{ws_base}/ws/chat/{self.room}/"
        if self.held:
            url += f"?after_id={self.newest_id}"
        return url

    async def _run(self) -> None:
        attempt = 0
        while not self._stopping:
            url = self._socket_url()
            try:
                async with connect(
                    url,
                    origin=self.base_url,
                    additional_headers={"Cookie": f"{SESSION_COOKIE}={self.guest.sessionid}"},
                    open_timeout=OPEN_TIMEOUT_SECONDS,
                    close_timeout=2,
                    proxy=None,
                    max_size=None,
                ) as ws:
                    conn = Connection(
                        number=len(self.connections) + 1,
                        url=url,
                        after_id=self.newest_id,
                        opened_at=time.monotonic(),
                    )
                    self._ws = ws
                    self.connections.append(conn)
                    self.signal.notify()
                    try:
                        await self._receive(ws, conn)
                    finally:
                        self._ws = None
                        conn.closed_at = time.monotonic()
                        conn.close_code = ws.close_code or 1006
                        self.signal.notify()
                if conn.welcome is not None:
                    attempt = 0  # as the page: a welcome resets the backoff
                if conn.close_code in FINAL_CLOSE_CODES:
                    self.gave_up = conn.close_code
                    self.signal.notify()
                    return
            except (OSError, TimeoutError, WebSocketException) as error:
                self.failures.append(f"{type(error).__name__}: {error}")
                self.signal.notify()
            if self._stopping:
                return
            delay = min(BACKOFF_CAP_SECONDS, BACKOFF_START_SECONDS * 2**attempt)
            attempt += 1
            await asyncio.sleep(random.uniform(delay / 2, delay))  # backoff with jitter

    async def _receive(self, ws: ClientConnection, conn: Connection) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for text in ws:
                await self._on_frame(ws, conn, json.loads(text))
                self.signal.notify()

    async def _on_frame(self, ws: ClientConnection, conn: Connection, frame: dict) -> None:
        kind = frame.get("type")
        if kind == "presence.batch":
            for event in frame["events"]:
                await self._on_frame(ws, conn, event)
        elif kind == "message":
            message = frame["message"]
            conn.message_ids.append(message["id"])
            if not conn.synced:
                conn.replayed.append(message["id"])
            self.held[message["id"]] = message
        elif kind == "ack":
            self._on_ack(frame)
        elif kind == "error":
            self._on_error(frame)
        elif kind == "welcome":
            conn.welcome = frame
            self.me = frame["me"]
            self.online = {entry["user"]["id"]: entry["user"] for entry in frame["online"]}
            self.count = frame["count"]
        elif kind == "synced":
            conn.synced_at = time.monotonic()
            conn.complete = frame["complete"]
            for client_msg_id, body in list(self.pending.items()):
                await self._transmit(ws, client_msg_id, body)
        elif kind in ("presence.joined", "presence.left"):
            self.presence_log.append((time.monotonic(), frame))
            if kind == "presence.joined":
                self.online[frame["user"]["id"]] = frame["user"]
            else:
                self.online.pop(frame["user"]["id"], None)
            self.count = frame["count"]

    def _on_ack(self, frame: dict) -> None:
        client_msg_id = frame["client_msg_id"]
        if client_msg_id in self.refused:
            refusal = self.refused[client_msg_id]
            self.contradictions.append(f"ack after refusal: {frame} / {refusal}")
        elif self.acked.get(client_msg_id, frame["id"]) != frame["id"]:
            self.contradictions.append(f"second ack with another id: {frame}")
        self.acked.setdefault(client_msg_id, frame["id"])
        self.pending.pop(client_msg_id, None)

    def _on_error(self, frame: dict) -> None:
        client_msg_id = frame.get("client_msg_id")
        if client_msg_id is None:
            self.errors.append(frame)
            return
        if client_msg_id in self.acked:
            self.contradictions.append(f"error after ack {self.acked[client_msg_id]}: {frame}")
            return
        self.refused.setdefault(client_msg_id, frame)
        self.pending.pop(client_msg_id, None)

    @staticmethod
    async def _transmit(ws: ClientConnection, client_msg_id: str, body: str) -> None:
        payload = {"type": "message.send", "body": body, "client_msg_id": client_msg_id}
        # A closed socket keeps the message pending: it goes again after the next `synced`.
        with contextlib.suppress(ConnectionClosed):
            await ws.send(json.dumps(payload))
