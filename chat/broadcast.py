"""Carrying already-rendered frames to everyone in a room through the channel layer."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

# The one event type a room's receivers (chat/sockets/fanout.py) accept from the channel layer:
# a ready text frame, encoded once for all recipients.
FRAME_EVENT = "chat.frame"


def room_group(slug: str) -> str:
    return f"room.{slug}"


def user_group(user_id: int) -> str:
    """Every socket of one user, in any room: closed together when the user logs out."""
    return f"user.{user_id}"


def user_sockets_close(*, user_id: int) -> None:
    async_to_sync(get_channel_layer().group_send)(user_group(user_id), {"type": "chat.logout"})


async def room_broadcast(
    *,
    room_slug: str,
    text: str | None,
    seq: int | None = None,
    presence: bool = False,
    access: bool = False,
) -> None:
    """``seq`` marks a message frame, so receivers can drop repeats and notice gaps (a
    ``text`` of None with a seq: a number taken by a message not shown to the room, held
    by the word filter); ``presence`` a presence frame, which receivers may gather into a
    ``presence.batch``; ``access`` (no text) that who may read the room changed: every
    socket in it asks again whether its user still may (chat/sockets/fanout.py)."""
    event = {"type": FRAME_EVENT, "text": text}
    if seq is not None:
        event["seq"] = seq
    if presence:
        event["presence"] = True
    if access:
        event["access"] = True
    await get_channel_layer().group_send(room_group(room_slug), event)
