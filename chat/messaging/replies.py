"""Answering one message among many."""

from chat.messaging.errors import ReplyNotFound
from chat.models import Message, Room


def reply_target(*, room: Room, reply_to_id: int | None) -> Message | None:
    """The message a reply answers: in the same room and shown to everyone (not deleted,
    not held: its quote is shown to the whole room)."""
    if reply_to_id is None:
        return None
    original = (
        Message.objects.in_room(room)
        .visible()
        .filter(pk=reply_to_id)
        .select_related("author__profile", "image")
        .first()
    )
    if original is None:
        raise ReplyNotFound()
    return original
