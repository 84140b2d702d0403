"""Editing one's own message, for a while after sending it."""

from datetime import timedelta

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chat.errors import EmptyBody, RateLimited
from chat.limits import message_rate_take
from chat.messaging.announce import room_frame_send
from chat.messaging.errors import EditWindowPassed, MessageNotFound, NotYours
from chat.messaging.mentions import mentions_find, mentions_save
from chat.models import Message, MessageRevision, Room, Upload
from chat.moderation.errors import Filtered, NotAllowed
from chat.moderation.filters import filter_apply
from chat.moderation.roles import can_moderate
from chat.moderation.rules import send_check
from chat.payloads import message_payload, timestamp
from chat.services import message_body_clean


def edit_window() -> timedelta:
    return timedelta(minutes=settings.CHAT_EDIT_WINDOW_MINUTES)


def message_edit_apply(
    *, actor, room: Room, message_id: int, body: str, moderator: bool = False
) -> dict | None:
    """Replace the text of ``actor``'s message ``message_id`` in ``room`` with ``body`` (already
    cleaned), keeping the old text as a revision. The new payload, or None when nothing changed.

    Only the author edits, and only within CHAT_EDIT_WINDOW_MINUTES; moderators delete
    instead. The room's rules and mutes apply as to a send (slow mode excepted), and so does
    the word filter, except that an edit it would hold is refused: holding it would hide a
    message the room has already read.
    """
    with transaction.atomic():
        message = (
            Message.objects.in_room(room)
            .filter(pk=message_id, deleted_at__isnull=True)
            .select_for_update(of=("self",))
            .first()
        )
        if message is None:
            raise MessageNotFound()
        if message.author_id != actor.pk:
            raise NotYours()
        if message.held:
            raise NotAllowed()
        now = timezone.now()
        if now - message.created > edit_window():
            raise EditWindowPassed(settings.CHAT_EDIT_WINDOW_MINUTES)
        if not body and not Upload.objects.filter(message=message).exists():
            raise EmptyBody()  # only a picture's caption may be empty
        send_check(room=room, author=actor, moderator=moderator, slow_mode=False)
        screened = filter_apply(room=room, author=actor, body=body, moderator=moderator)
        if screened.held:
            raise Filtered()
        if screened.body == message.body:
            return None  # nothing changed: the room is told nothing
        MessageRevision.objects.create(message=message, body=message.body, replaced_at=now)
        message.body = screened.body
        message.edited_at = message.changed_at = now
        message.save(update_fields=["body", "edited_at", "changed_at"])
        mentions_save(message=message, found=mentions_find(body=message.body), replace=True)
        return message_payload(Message.objects.for_payload().get(pk=message.pk))


async def message_edit(
    *, actor, room: Room, message_id: int, body: str, moderator: bool = False
) -> dict | None:
    """Edit, then tell the room (``message.edited``) once the edit has committed. Edits
    count against the message rate: each one is a frame to everyone in the room."""
    body = message_body_clean(body=body, caption=True)
    if (retry_after := await message_rate_take(user_id=actor.pk)) is not None:
        raise RateLimited(retry_after)
    payload = await database_sync_to_async(message_edit_apply)(
        actor=actor, room=room, message_id=message_id, body=body, moderator=moderator
    )
    if payload is not None:
        await room_frame_send(room_slug=room.slug, frame_type="message.edited", message=payload)
    return payload


def message_current(*, room: Room, message_id: int) -> dict:
    """The message as it is, for an editor whose edit changed nothing (its text was the
    same, or the filter masked it back to it)."""
    return message_payload(Message.objects.in_room(room).for_payload().get(pk=message_id))


def message_revisions(*, actor, room: Room, message_id: int) -> list[dict]:
    """What a message said before each edit, oldest first: for the room's moderators (and
    the admin, which shows them under the message), not for the room."""
    if not can_moderate(user=actor, room=room):
        raise NotAllowed()
    message = Message.objects.in_room(room).filter(pk=message_id).first()
    if message is None:
        raise MessageNotFound()
    return [
        {"body": revision.body, "replaced": timestamp(revision.replaced_at)}
        for revision in message.revisions.all()
    ]
