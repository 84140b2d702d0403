"""Who is typing: announced at most once per few seconds per person, never stored."""

from channels.db import database_sync_to_async
from django.conf import settings

from chat.access.direct import direct_blocked
from chat.broadcast import room_broadcast
from chat.limits import typing_rate_take
from chat.models import Room
from chat.payloads import frame, user_payload

TYPING_EXPIRES_SECONDS = 5  # a page forgets a typing person this long after the last notice


async def typing_announce(*, user, room: Room, online: int) -> bool:
    """Tell the room that ``user`` is typing: not more than once per CHAT_TYPING_EVERY_SECONDS
    (across their tabs and the server's processes), and not in a room of more than
    CHAT_TYPING_MAX_ONLINE people online, where the line would never be empty. Whether it
    was told."""
    if online > settings.CHAT_TYPING_MAX_ONLINE:
        return False
    if room.is_direct and await database_sync_to_async(direct_blocked)(room=room, author=user):
        return False  # a blocked pair hears nothing of each other, not even this
    if await typing_rate_take(user_id=user.pk, room_id=room.pk) is not None:
        return False
    text = frame(
        "typing", room=room.slug, user=user_payload(user), expires_in=TYPING_EXPIRES_SECONDS
    )
    await room_broadcast(room_slug=room.slug, text=text)
    return True
