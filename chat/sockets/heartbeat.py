"""This process's heartbeat for its open room sockets (Redis presence only).

Every CHAT_PRESENCE_HEARTBEAT_SECONDS one task per process:
- pushes its connections' presence expiry forward, in one Redis call;
- renews the channel-layer group membership of its rooms' receivers (channels-redis'
  core layer forgets members after its group expiry, and everything after a restart),
  and has each receiver offer any message it saw saved but never announced;
- sweeps connections whose process died, announcing their users as left.
If Redis lost this process's connections (it restarted) or cannot be reached, the
sockets are closed with 4012; trouble with one room's receiver closes that room's sockets
only (chat/sockets/close_codes.py): clients reconnect, rejoin and backfill,
which is simpler and surer than repairing state that may be missing anywhere.
"""

import asyncio
import contextlib
import logging
import weakref

from django.conf import settings

from chat.presence.tracker import presence_store, presence_sweep
from chat.sockets.close_codes import CLOSE_SERVICE_RESTART
from chat.sockets.fanout import room_hubs

logger = logging.getLogger(__name__)


class Heartbeat:
    def __init__(self) -> None:
        self.sockets: dict[str, tuple[str, int, object]] = {}  # channel -> room, user id, consumer
        self.task: asyncio.Task | None = None

    def add(self, *, consumer, room: str, user_id: int) -> None:
        self.sockets[consumer.channel_name] = (room, user_id, consumer)
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self._run())

    def remove(self, *, channel_name: str) -> None:
        self.sockets.pop(channel_name, None)
        # Not from the heartbeat itself: it may be closing the last sockets right now.
        if not self.sockets and self.task is not None and self.task is not asyncio.current_task():
            self.task.cancel()
            self.task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(settings.CHAT_PRESENCE_HEARTBEAT_SECONDS)
            try:
                await self.beat()
            except Exception:
                logger.exception("heartbeat failed; closing %d sockets", len(self.sockets))
                await self._close([consumer for _, _, consumer in self.sockets.values()])
            if not self.sockets:
                self.task = None
                return

    async def beat(self) -> None:
        sockets = list(self.sockets.items())
        lost = await presence_store().refresh(
            connections=[(room, user_id, channel) for channel, (room, user_id, _) in sockets]
        )
        # A socket that left while the refresh was on its way is gone from Redis by its own
        # leave, not lost: only those still here are.
        lost = [sockets[index] for index in lost if sockets[index][0] in self.sockets]
        if lost:
            logger.warning("presence lost for %d sockets (Redis restarted?)", len(lost))
            await self._close([consumer for _, (_, _, consumer) in lost])
        # Each room looks after its own trouble (RoomHub.beat): a room emptied or failing
        # during the beat never closes the sockets of another.
        for hub in room_hubs():
            await hub.beat()
        try:
            await presence_sweep()
        except Exception:
            # Another process's dead connections: the next beat sweeps them again.
            logger.exception("presence sweep failed")

    async def _close(self, consumers) -> None:
        for consumer in consumers:
            self.remove(channel_name=consumer.channel_name)
            with contextlib.suppress(Exception):
                await consumer.close(code=CLOSE_SERVICE_RESTART)


_beats: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Heartbeat]" = (
    weakref.WeakKeyDictionary()
)


def heartbeat() -> Heartbeat:
    """The heartbeat of the running event loop (one per server process)."""
    return _beats.setdefault(asyncio.get_running_loop(), Heartbeat())
