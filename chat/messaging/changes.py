"""What changed while a page was away: edits and reactions on messages it already holds."""

from datetime import timedelta

from channels.db import database_sync_to_async
from django.utils import timezone

from chat.models import Message, Room
from chat.payloads import frame, message_payload

CHANGES_TOLD = timedelta(days=1)
CHANGES_TOLD_MAX = 100


def messages_changed(*, room: Room, up_to_id: int) -> list[dict]:
    """Messages up to ``up_to_id`` (the newest a reconnecting page holds) edited or reacted to
    since that message was sent: the page held it, so it was open then, and anything it
    missed changed later. Within the last day, at most CHANGES_TOLD_MAX, newest change
    first; deletions are told by the welcome frame's ``deleted``."""
    since = Message.objects.filter(pk=up_to_id).values_list("created", flat=True).first()
    floor = timezone.now() - CHANGES_TOLD
    since = max(since, floor) if since else floor
    changed = (
        Message.objects.in_room(room)
        .visible()
        .filter(id__lte=up_to_id, changed_at__gte=since)
        .for_payload()
        .order_by("-changed_at")[:CHANGES_TOLD_MAX]
    )
    return [message_payload(message) for message in changed]


async def changes_read(*, room: Room, up_to_id: int) -> list[str]:
    """The ``message.edited`` frames a reconnecting page is sent before ``synced``."""
    changed = await database_sync_to_async(messages_changed)(room=room, up_to_id=up_to_id)
    return [frame("message.edited", room=room.slug, message=payload) for payload in changed]
