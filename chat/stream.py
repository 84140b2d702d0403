"""What one socket has been given of its room's messages, so that it gets each exactly once.

The channel layer is at-most-once: a notification can be dropped (a full channel, a
Redis restart). Messages are numbered per room (``seq``), so a socket that receives
7 after 5 knows it missed 6 and reads it from the database, the record, before
passing 7 on. Repeats (a message also replayed on connect) are dropped.
"""

import logging

from channels.db import database_sync_to_async
from django.conf import settings

from chat import selectors
from chat.models import Room
from chat.payloads import frame

logger = logging.getLogger(__name__)


class RoomStream:
    def __init__(self, *, room: Room) -> None:
        self.room = room
        self.last_seq = 0

    async def catch_up(self, *, after_id: int | None) -> tuple[list[str], bool]:
        """Frames for what came after ``after_id``, and False when that was too much to replay.

        Call after joining the room's group: together they cover every message.
        """
        self.last_seq, missed = await database_sync_to_async(selectors.room_catch_up)(
            room=self.room, after_id=after_id, limit=settings.CHAT_BACKFILL_LIMIT
        )
        if missed is None:
            return [], False
        return [frame("message", message=message) for message in missed], True

    async def pass_on(self, event: dict) -> list[str]:
        """The frames to send for a channel-layer event: none for a repeat, and any
        messages missed before it first."""
        seq = event.get("seq")
        if seq is None:
            return [event["text"]]
        if seq <= self.last_seq:
            return []
        frames = []
        if seq > self.last_seq + 1:
            logger.warning(
                "notification gap room=%s had=%s got=%s", self.room.slug, self.last_seq, seq
            )
            missed = await database_sync_to_async(selectors.messages_between)(
                room=self.room, after_seq=self.last_seq, before_seq=seq
            )
            frames = [frame("message", message=message) for message in missed]
        self.last_seq = seq
        frames.append(event["text"])
        return frames
