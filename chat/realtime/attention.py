"""The room page's socket, on what draws its user back and who may stay: read positions
shared by their pages, notices of mentions and direct messages, "is typing", and closing a
socket whose user was let out of a private room (chat/access/, chat/attention/)."""

import asyncio
import logging

from channels.db import database_sync_to_async
from django.utils import translation

from chat.access.direct import direct_partner
from chat.access.errors import NotMember
from chat.access.rules import room_for_reader
from chat.attention.reading import read_mark, read_state
from chat.attention.typing import typing_announce
from chat.broadcast import user_group
from chat.moderation.roles import can_name_moderators
from chat.payloads import frame, user_payload
from chat.presence.tracker import presence_store
from chat.sockets.close_codes import CLOSE_NOT_FOUND

logger = logging.getLogger(__name__)

READ_EVERY_SECONDS = 1.0


class AttentionFrames:
    """For ChatConsumer: what it needs is ``self.user``, ``self.room``, ``self.me``,
    ``self.language`` and ``_send_error``."""

    async def _typing(self) -> None:
        online = (await presence_store().counts(rooms=[self.room.slug]))[self.room.slug]
        await typing_announce(user=self.user, room=self.room, online=online)

    _read_wanted = 0
    _read_task: asyncio.Task | None = None

    async def _mark_read(self, seq: int) -> None:
        """Read up to ``seq`` here: every page of this user hears of it (their counts and
        "new messages" lines follow), on every process. At most one write per
        READ_EVERY_SECONDS per socket: reports that come faster are gathered into the next,
        and one that is not ahead of the last is dropped without a query."""
        if seq <= self._read_wanted:
            return
        self._read_wanted = seq
        if self._read_task is None or self._read_task.done():
            self._read_task = asyncio.get_running_loop().create_task(self._read_flush())

    async def _read_flush(self) -> None:
        while True:
            seq = self._read_wanted
            try:
                moved = await database_sync_to_async(read_mark)(
                    user=self.user, room=self.room, seq=seq
                )
                if moved is not None:
                    await self.channel_layer.group_send(
                        user_group(self.user.pk),
                        {"type": "chat.read", "room": self.room.slug, "seq": moved},
                    )
            except Exception:
                logger.exception("saving a read position failed room=%s", self.room.slug)
            await asyncio.sleep(READ_EVERY_SECONDS)
            if self._read_wanted == seq:
                return

    async def chat_read(self, event):
        await self.send(text_data=frame("read", room=event["room"], seq=event["seq"]))

    async def chat_notify(self, event):
        """A direct message or a mention for this user, in this room or another."""
        fields = {key: value for key, value in event.items() if key != "type"}
        await self.send(text_data=frame("notify", **fields))

    async def _recheck(self):
        """Who may read the room changed (chat/access/): a socket whose user may not any more
        is told why and closed, as a connect would be refused."""
        readable = await database_sync_to_async(self._readable)()
        if not readable and self.me is not None:
            with translation.override(self.language):
                await self._send_error(NotMember(), None)
            await self.close(code=CLOSE_NOT_FOUND)

    def _attention(self, room) -> dict:
        """The welcome's fields about this room for this reader: what kind of room, with whom
        (a direct conversation), and where they stopped reading (the "new messages" line)."""
        partner = direct_partner(room=room, user=self.user)
        last_read_seq, muted = read_state(user=self.user, room=room)
        return {
            "kind": room.kind,
            # Who may make the room private and let people in and out (chat/access/private.py).
            "manager": not room.is_direct and can_name_moderators(user=self.user, room=room),
            "partner": user_payload(partner) if partner is not None else None,
            "last_read_seq": last_read_seq,
            "notifications_muted": muted,
        }

    def _readable(self) -> bool:
        return room_for_reader(user=self.user, slug=self.room.slug) is not None
