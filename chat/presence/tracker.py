"""Who is online, per room and per user (not per socket).

A user with several connections to a room is online once; they count as left
when their last connection closes. With Redis configured the store is shared by
all server processes (chat/presence/redis_store.py); otherwise it lives in this
process's memory, which is right for the embedded default's single process.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from chat.broadcast import room_broadcast
from chat.payloads import frame, timestamp
from chat.presence.redis_store import ConnectionCapReached, RedisPresence


@dataclass
class OnlineUser:
    user: dict  # user_payload(): id, name, avatar
    since: datetime
    channels: set[str] = field(default_factory=set)

    def payload(self) -> dict:
        return {"user": self.user, "since": timestamp(self.since)}


class MemoryPresence:
    def __init__(self) -> None:
        self._rooms: dict[str, dict[int, OnlineUser]] = {}

    async def join(self, *, room: str, user: dict, channel_name: str, cap: int = 0) -> bool:
        """Record a connection; True when it is the user's first in the room.
        ConnectionCapReached when the user has ``cap`` connections already (0: no cap); the
        count and the entry are one step, with no await between them."""
        if cap and self._connections(user["id"]) >= cap:
            raise ConnectionCapReached()
        online = self._rooms.setdefault(room, {})
        entry = online.get(user["id"])
        first = entry is None
        if first:
            entry = online[user["id"]] = OnlineUser(user=user, since=timezone.now())
        entry.channels.add(channel_name)
        return first

    async def leave(self, *, room: str, user_id: int, channel_name: str) -> bool:
        """Forget a connection; True when it was the user's last in the room."""
        online = self._rooms.get(room, {})
        entry = online.get(user_id)
        if entry is None:
            return False
        entry.channels.discard(channel_name)
        if entry.channels:
            return False
        del online[user_id]
        return True

    async def is_online(self, *, user_id: int) -> bool:
        """Whether the user has a connection open to any room."""
        return any(user_id in online for online in self._rooms.values())

    async def connection_count(self, *, user_id: int) -> int:
        return self._connections(user_id)

    def _connections(self, user_id: int) -> int:
        return sum(
            len(online[user_id].channels) for online in self._rooms.values() if user_id in online
        )

    # Connections here die with the process that holds this memory: nothing to refresh
    # or sweep.
    async def refresh(self, *, connections: list) -> list[int]:
        return []

    async def sweep(self) -> list[tuple[str, dict]]:
        return []

    async def online(self, *, room: str) -> list[OnlineUser]:
        return sorted(self._rooms.get(room, {}).values(), key=lambda entry: entry.since)

    async def counts(self, *, rooms: list[str]) -> dict[str, int]:
        return {room: len(self._rooms.get(room, {})) for room in rooms}


_store = MemoryPresence()
_redis_stores: dict[tuple[str, str], RedisPresence] = {}


def presence_store() -> MemoryPresence | RedisPresence:
    if not settings.REDIS_URL:
        return _store
    key = (settings.REDIS_URL, settings.CHAT_REDIS_PREFIX)
    if key not in _redis_stores:
        _redis_stores[key] = RedisPresence(
            url=settings.REDIS_URL,
            ttl_seconds=settings.CHAT_PRESENCE_TTL_SECONDS,
            prefix=settings.CHAT_REDIS_PREFIX,
        )
    return _redis_stores[key]


async def presence_announce(*, room: str, user: dict, frame_type: str) -> None:
    """Tell the room that ``user`` came (``presence.joined``) or went (``presence.left``)."""
    count = (await presence_store().counts(rooms=[room]))[room]
    await room_broadcast(
        room_slug=room, text=frame(frame_type, user=user, count=count), presence=True
    )


async def presence_enter(
    *, room: str, user: dict, channel_name: str, cap: int = 0
) -> tuple[list, bool]:
    """Record a connection: who is online now, and whether this is the user's first one.
    ConnectionCapReached, and nothing recorded, when the user has ``cap`` connections open
    in any room on any process (0: no cap).

    The caller greets its own socket first, then calls presence_announce when first.
    """
    store = presence_store()
    first = await store.join(room=room, user=user, channel_name=channel_name, cap=cap)
    return await store.online(room=room), first


async def presence_exit(*, room: str, user: dict, channel_name: str) -> None:
    """Forget a connection, announcing ``presence.left`` when it was the user's last."""
    if await presence_store().leave(room=room, user_id=user["id"], channel_name=channel_name):
        await presence_announce(room=room, user=user, frame_type="presence.left")


async def presence_sweep() -> None:
    """Announce as left the users whose connections all expired (their process died)."""
    for room, user in await presence_store().sweep():
        await presence_announce(room=room, user=user, frame_type="presence.left")
