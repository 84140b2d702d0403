"""What a moderation action tells open pages, on every process, after its commit.

Room-wide effects (a deletion, new rules, an approved message) are frames to the room's
group, rendered once like messages. Effects on one person (kick, mute, ban) go to that
user's group as a ``chat.sanction`` event: each socket words it in its own protocol and
language, and closes when it must (chat/realtime/consumer.py, chat/legacy/consumer.py).
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from chat.broadcast import room_broadcast, user_group
from chat.payloads import frame, message_payload, timestamp

logger = logging.getLogger(__name__)

SANCTION_EVENT = "chat.sanction"


def rules_payload(room) -> dict:
    return {
        "slow_mode_seconds": room.slow_mode_seconds,
        "read_only": room.read_only,
        "guests_read_only": room.guests_read_only,
        "guest_images": room.guest_images,
    }


def _after_commit(call) -> None:
    """Run ``call`` once the action's transaction has committed. A failure to announce
    (Redis unreachable) is logged, not raised: the action is saved, and every check reads
    the database, so it holds anyway; pages learn of it when they reconnect."""

    def announce():
        try:
            async_to_sync(call)()
        except Exception:
            logger.exception("announcing a moderation action failed")

    transaction.on_commit(announce)


def _room_frame_announce(*, room_slug: str, text: str) -> None:
    """``text`` to everyone in the room, once the action has committed."""

    async def send():
        await room_broadcast(room_slug=room_slug, text=text)

    _after_commit(send)


def messages_deleted_announce(*, room_slug: str, ids: list[int], by_author: bool = False) -> None:
    """``by_author``: the author took their own message back (the old page words it so)."""
    if ids:
        fields = {"by_author": True} if by_author else {}
        text = frame("message.deleted", room=room_slug, ids=ids, **fields)
        _room_frame_announce(room_slug=room_slug, text=text)


def message_approved_announce(*, message) -> None:
    """A held message shown to everyone at last. Sent without its seq: every receiver has
    passed that number already (the held send announced the number alone)."""
    text = frame("message", message=message_payload(message))
    _room_frame_announce(room_slug=message.room.slug, text=text)


def rules_announce(*, room) -> None:
    text = frame("room.rules", room=room.slug, rules=rules_payload(room))
    _room_frame_announce(room_slug=room.slug, text=text)


def sanction_announce(
    *, user_id: int, action: str, room_slug: str | None, until=None, reason: str = ""
) -> None:
    """``action``: "kick", "mute", "unmute" or "ban"; ``room_slug`` None: site-wide."""
    event = {
        "type": SANCTION_EVENT,
        "action": action,
        "room": room_slug,
        "until": timestamp(until) if until else None,
        "reason": reason,
    }

    async def send():
        await get_channel_layer().group_send(user_group(user_id), event)

    _after_commit(send)
