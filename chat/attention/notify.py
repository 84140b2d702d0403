"""Telling people of a message that is for them (a direct message, a mention), on every page
they have open, whichever room it shows: the page decides whether to notify."""

import logging

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from chat.access.direct import direct_pair
from chat.broadcast import user_group
from chat.models import Message, Room, RoomMember
from chat.payloads import REPLY_EXCERPT_LENGTH, has_image, room_payload, user_payload

logger = logging.getLogger(__name__)

NOTIFY_EVENT = "chat.notify"


def notified_users(*, message: Message, room: Room) -> dict[int, str]:
    """Who is told of ``message``, and why ("direct" or "mention"); never its author. Reads
    what the message carries (its mentions, the room's pair): no query."""
    told: dict[int, str] = {}
    for mention in message.mentions.all():
        told[mention.user_id] = "mention"
    for user_id in direct_pair(room):
        told[user_id] = "direct"
    told.pop(message.author_id, None)
    return told


def _readers_only(*, told: dict[int, str], room: Room) -> dict[int, str]:
    """A mention of someone who may not read the room tells them nothing (not even that
    it exists): in a private room, members only."""
    if room.is_public or not told:
        return told
    members = set(
        RoomMember.objects.filter(room=room, user__in=list(told)).values_list("user", flat=True)
    )
    return {user_id: reason for user_id, reason in told.items() if user_id in members}


async def message_notify(*, message: Message, room: Room) -> None:
    """After the message's announcement: a ``chat.notify`` event to each user's group."""
    told = notified_users(message=message, room=room)
    if room.kind == Room.PRIVATE:
        told = await database_sync_to_async(_readers_only)(told=told, room=room)
    if not told:
        return
    layer = get_channel_layer()
    for user_id, reason in told.items():
        event = {
            "type": NOTIFY_EVENT,
            "reason": reason,
            "room": room_payload(room),
            "message_id": message.pk,
            "seq": message.seq,
            "author": user_payload(message.author),
            "excerpt": message.body[:REPLY_EXCERPT_LENGTH],
            "image": has_image(message),
        }
        try:
            await layer.group_send(user_group(user_id), event)
        except Exception:
            logger.exception("notifying user %s of message %s failed", user_id, message.pk)
