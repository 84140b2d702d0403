"""One receiver per room and server process: a broadcast reaches the process once.

Without it every socket is a member of its room's channel-layer group, and a message to a
room of N costs N layer deliveries: N queue hand-offs, N msgpack decodes, N consumer
dispatches (and on the core Redis layer N Redis round trips). Here the room's group has one
member per process, a ``RoomHub``; it fills any gap in the room's numbers from the
database once, then offers the ready frame to each local socket's feed (chat/sockets/feed.py).

Two processes publish a room's messages independently, so seq N+1 can arrive a moment
before N. That is a reorder, not a loss: a number that arrives early waits up to
CHAT_FANOUT_REORDER_MS for the ones before it, and only a gap still open then is read from
the database (and logged as a gap).

Presence frames come in bursts (a room of 1000 filling up is 1000 ``presence.joined`` for
each of its sockets). The first in a quiet room goes out at once; those arriving within
the next CHAT_PRESENCE_BATCH_SECONDS are gathered and go out as one ``presence.batch``
frame per socket, or as themselves when there is one, and before any message that follows
them, so order is kept.
"""

import asyncio
import contextlib
import logging
import weakref

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from chat import selectors
from chat.broadcast import FRAME_EVENT, room_group
from chat.models import Room
from chat.payloads import frame
from chat.sockets.close_codes import CLOSE_SERVICE_RESTART
from chat.sockets.feed import SocketFeed

logger = logging.getLogger(__name__)


class RoomHub:
    def __init__(self, *, room: Room) -> None:
        self.room = room
        self.group = room_group(room.slug)
        self.layer = get_channel_layer()
        self.feeds: set[SocketFeed] = set()
        self.channel: str | None = None
        self.last_seq = 0
        self.stopped = False
        self.ready = asyncio.get_running_loop().create_task(self._start())
        self._task: asyncio.Task | None = None
        self._presence_pending: list[str] = []
        self._in_order = asyncio.Lock()  # one event at a time: the receive loop, catch_up
        self._presence_window: asyncio.TimerHandle | None = None
        # Notifications that came before the ones they follow: seq -> text (None: held).
        self._early: dict[int, str | None] = {}
        self._early_timer: asyncio.TimerHandle | None = None

    async def _start(self) -> None:
        self.channel = await self.layer.new_channel()
        await self.layer.group_add(self.group, self.channel)
        # Read after joining the group: anything later arrives through it.
        self.last_seq = await database_sync_to_async(selectors.room_last_seq)(room=self.room)
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def renew(self) -> None:
        """Stay in the group: channels-redis forgets members after its group expiry."""
        if self.channel is not None and not self.stopped:
            await self.layer.group_add(self.group, self.channel)

    async def beat(self) -> None:
        """The heartbeat's turn for this room: stay in the group, then catch up. A failure
        is this room's alone: its sockets reconnect, as when its receiver fails."""
        try:
            await self.renew()
        except Exception:
            if self.stopped:
                return  # its last socket left while it renewed: nothing to keep
            logger.exception("room receiver heartbeat failed room=%s", self.room.slug)
            await self._fail()
            return
        await self.catch_up()

    async def catch_up(self) -> None:
        """Offer what was saved but never announced here, e.g. published while the pub/sub
        layer was reconnecting to Redis, in a room that has been quiet since. The heartbeat
        calls this, so such a message is at most one heartbeat late."""
        if self._task is None or self.stopped:
            return  # still starting (its first read of the room's number is to come), or gone
        try:
            async with self._in_order:
                latest = await database_sync_to_async(selectors.room_last_seq)(room=self.room)
                if latest > self.last_seq:
                    for text, seq in await self._missed_before(latest + 1):
                        self._offer(text, seq)
                    self.last_seq = latest
        except Exception:
            logger.exception("room catch-up failed room=%s", self.room.slug)

    async def stop(self) -> None:
        self.stopped = True
        for timer in (self._presence_window, self._early_timer):
            if timer is not None:
                timer.cancel()
        for task in (self.ready, self._task):
            if task is not None:
                task.cancel()
        if self.channel is not None:
            await self.layer.group_discard(self.group, self.channel)

    async def _run(self) -> None:
        try:
            while True:
                event = await self.layer.receive(self.channel)
                if event.get("type") != FRAME_EVENT:
                    continue
                if event.get("presence"):
                    self._presence(event["text"])
                    continue
                if event.get("access"):
                    for feed in tuple(self.feeds):
                        feed.recheck_soon()
                    continue
                async with self._in_order:
                    for text, seq in await self._frames(event):
                        self._presence_flush()
                        self._offer(text, seq)
        except asyncio.CancelledError:
            raise
        except Exception:
            # The layer failed (Redis unreachable).
            logger.exception("room receiver failed room=%s", self.room.slug)
            await self._fail()

    async def _fail(self) -> None:
        """Leave the process's rooms and close this room's sockets: their pages reconnect
        and read what they missed, as after a server restart."""
        self.stopped = True
        if _hubs_of_loop().get(self.room.slug) is self:
            del _hubs_of_loop()[self.room.slug]
        for feed in tuple(self.feeds):
            feed.close_soon(CLOSE_SERVICE_RESTART)
        with contextlib.suppress(Exception):
            await self.layer.group_discard(self.group, self.channel)

    def _offer(self, text: str, seq: int | None) -> None:
        for feed in tuple(self.feeds):
            feed.offer(text, seq)

    def _presence(self, text: str) -> None:
        window = settings.CHAT_PRESENCE_BATCH_SECONDS
        if self._presence_window is None or window <= 0:
            self._offer(text, None)
            if window > 0:
                self._presence_window = asyncio.get_running_loop().call_later(
                    window, self._presence_window_end
                )
        else:
            self._presence_pending.append(text)

    def _presence_window_end(self) -> None:
        if self._presence_pending:
            self._presence_flush()
            self._presence_window = asyncio.get_running_loop().call_later(
                settings.CHAT_PRESENCE_BATCH_SECONDS, self._presence_window_end
            )
        else:
            self._presence_window = None

    def _presence_flush(self) -> None:
        if not self._presence_pending:
            return
        pending, self._presence_pending = self._presence_pending, []
        # Each pending text is a JSON object already: the batch is put together, not re-encoded.
        if len(pending) == 1:
            self._offer(pending[0], None)
        else:
            self._offer('{"type": "presence.batch", "events": [' + ", ".join(pending) + "]}", None)

    async def _frames(self, event: dict) -> list[tuple[str, int | None]]:
        """The event's frame, after any messages whose notifications never arrived."""
        seq = event.get("seq")
        if seq is None:
            return [(event["text"], None)]
        if seq <= self.last_seq:
            return []
        if seq > self.last_seq + 1:
            # Early, or the ones before it were lost: wait a moment to see which.
            self._early[seq] = event["text"]
            self._early_wait()
            return []
        self.last_seq = seq
        frames = [] if event["text"] is None else [(event["text"], seq)]
        return frames + self._early_in_order()

    def _early_in_order(self) -> list[tuple[str, int]]:
        """The early notifications that follow on from ``last_seq`` now, in order."""
        frames = []
        while self.last_seq + 1 in self._early:
            self.last_seq += 1
            if (text := self._early.pop(self.last_seq)) is not None:
                frames.append((text, self.last_seq))
        for seq in [seq for seq in self._early if seq <= self.last_seq]:
            del self._early[seq]  # the heartbeat's catch-up read it meanwhile
        if not self._early and self._early_timer is not None:
            self._early_timer.cancel()
            self._early_timer = None
        return frames

    def _early_wait(self) -> None:
        if self._early_timer is None:
            self._early_timer = asyncio.get_running_loop().call_later(
                settings.CHAT_FANOUT_REORDER_MS / 1000,
                lambda: asyncio.ensure_future(self._early_expired()),
            )

    async def _early_expired(self) -> None:
        """The wait is over and numbers are still missing: they were lost on the way (the
        layer is at-most-once: a full channel, a Redis restart). The database has them."""
        self._early_timer = None
        try:
            async with self._in_order:
                while self._early and not self.stopped:
                    first = min(self._early)
                    frames = await self._missed_before(first) if first > self.last_seq + 1 else []
                    self.last_seq = max(self.last_seq, first - 1)
                    self._presence_flush()
                    for text, seq in frames + self._early_in_order():
                        self._offer(text, seq)
        except Exception:
            logger.exception("room gap read failed room=%s", self.room.slug)

    async def _missed_before(self, seq: int) -> list[tuple[str, int]]:
        logger.warning("notification gap room=%s had=%s got=%s", self.room.slug, self.last_seq, seq)
        missed = await database_sync_to_async(selectors.messages_between)(
            room=self.room, after_seq=self.last_seq, before_seq=seq
        )
        return [(frame("message", message=message), message["seq"]) for message in missed]


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, RoomHub]]" = (
    weakref.WeakKeyDictionary()
)


def _hubs_of_loop() -> dict[str, RoomHub]:
    return _hubs.setdefault(asyncio.get_running_loop(), {})


def room_hubs() -> list[RoomHub]:
    """The rooms this process (its running event loop) has sockets in."""
    return list(_hubs_of_loop().values())


async def room_feed_add(*, room: Room, feed: SocketFeed) -> None:
    """Deliver the room's frames to ``feed`` from now on (it queues them until started)."""
    hubs = _hubs_of_loop()
    hub = hubs.get(room.slug)
    running = hub is not None
    if hub is None:
        hub = hubs[room.slug] = RoomHub(room=room)
    hub.feeds.add(feed)
    try:
        await asyncio.shield(hub.ready)
        if running:
            # The group's membership lives in the channel layer, and a Redis restart forgets
            # it while the receiver runs on (until the heartbeat renews it). Renewed before
            # the socket reads who is online, every presence event after that reaches it;
            # missed messages are found by number anyway.
            await hub.renew()
    except Exception:
        hub.feeds.discard(feed)
        if hubs.get(room.slug) is hub:
            del hubs[room.slug]
        raise


async def room_feed_remove(*, room: Room, feed: SocketFeed) -> None:
    feed.stop()
    hubs = _hubs_of_loop()
    hub = hubs.get(room.slug)
    if hub is None or feed not in hub.feeds:
        return
    hub.feeds.discard(feed)
    if not hub.feeds:
        del hubs[room.slug]
        await hub.stop()
