"""What one socket is owed from its room: every frame in order, each message exactly once.

The room's receiver in this process (chat/sockets/fanout.py) offers each frame to every socket's
feed without waiting for any of them; each feed writes on its own task. A socket that
cannot keep up does not hold up its room: past ``limit`` unwritten frames it is closed
with 4013 (chat/sockets/close_codes.py), and the page reconnects and reads what it missed from the
database, by number.
"""

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from channels.db import database_sync_to_async
from django.conf import settings

from chat import selectors
from chat.models import Room
from chat.payloads import frame
from chat.sockets.close_codes import CLOSE_TOO_FAR_BEHIND

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Backlog:
    last_seq: int  # the room's newest message when it was read
    frames: list[str]  # the messages after the client's last, as frames
    complete: bool  # False: too many to replay, and ``frames`` is empty


async def backlog_read(*, room: Room, after_id: int | None) -> Backlog:
    """What came after ``after_id`` (nothing when None). Read it after the socket's feed
    joined the room: together they cover every message, and the feed drops the overlap."""
    last_seq, missed = await database_sync_to_async(selectors.room_catch_up)(
        room=room, after_id=after_id, limit=settings.CHAT_BACKFILL_LIMIT
    )
    if missed is None:
        return Backlog(last_seq=last_seq, frames=[], complete=False)
    return Backlog(
        last_seq=last_seq,
        frames=[frame("message", message=message) for message in missed],
        complete=True,
    )


class SocketFeed:
    def __init__(
        self,
        *,
        write: Callable[[str], Awaitable[None]],
        close: Callable[[int], Awaitable[None]],
        limit: int | None = None,
        recheck: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._write = write
        self._close = close
        # Asks whether the socket's user may still read the room (after an access change).
        self._recheck = recheck
        self._rechecks: set[asyncio.Task] = set()
        self._limit = limit or settings.CHAT_SOCKET_BACKLOG_FRAMES
        self._queue: deque[tuple[str, int | None]] = deque()
        self._ready = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._closing_code: int | None = None
        self._closer: asyncio.Task | None = None
        self._held = False
        self.last_seq = 0

    def offer(self, text: str, seq: int | None) -> None:
        """Queue a frame; never waits. ``seq`` numbers a message frame in its room."""
        if self._closing_code is not None:
            return
        if len(self._queue) >= self._limit:
            self.close_soon(CLOSE_TOO_FAR_BEHIND)
            return
        self._queue.append((text, seq))
        self._ready.set()

    def recheck_soon(self) -> None:
        """Who may read the room changed: the socket asks again, without holding up the room."""
        if self._recheck is None or self._closing_code is not None:
            return
        task = asyncio.get_running_loop().create_task(self._recheck_quietly())
        self._rechecks.add(task)
        task.add_done_callback(self._rechecks.discard)

    async def _recheck_quietly(self) -> None:
        try:
            await self._recheck()
        except Exception:
            logger.exception("re-checking a socket's access failed")

    def close_soon(self, code: int) -> None:
        """Drop what is queued and close the socket, even while a write is stuck on it."""
        if self._closing_code is not None:
            return
        self._closing_code = code
        self._queue.clear()
        self.stop()
        logger.info("closing a socket: code %s", code)
        self._closer = asyncio.get_running_loop().create_task(self._close_quietly(code))

    async def _close_quietly(self, code: int) -> None:
        with contextlib.suppress(Exception):
            await self._close(code)

    @contextlib.contextmanager
    def held(self):
        """Write nothing from the room meanwhile: the socket's answer to its own command
        (the ack of a send) goes out before the room's copy of the message."""
        self._held = True
        try:
            yield
        finally:
            self._held = False
            self._ready.set()

    def start(self, *, last_seq: int) -> None:
        """Begin writing, after the socket has been sent every message up to ``last_seq``."""
        self.last_seq = last_seq
        if self._closing_code is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> None:
        if self._task is not None and self._task is not asyncio.current_task():
            self._task.cancel()

    async def _run(self) -> None:
        while True:
            await self._ready.wait()
            self._ready.clear()
            while self._queue and not self._held:
                text, seq = self._queue.popleft()
                if seq is not None:
                    if seq <= self.last_seq:
                        continue  # already sent in the backlog
                    self.last_seq = seq
                await self._write(text)
