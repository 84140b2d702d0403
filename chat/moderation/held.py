"""Messages the word filter held: shown to their author and moderators until one decides."""

from django.db import transaction

from chat.models import Message, ModerationAction, Room
from chat.moderation.audit import audit_record
from chat.moderation.deletion import message_delete
from chat.moderation.errors import InvalidModeration, NotAllowed
from chat.moderation.live import message_approved_announce
from chat.moderation.roles import can_moderate


def messages_held(*, room: Room):
    return (
        Message.objects.in_room(room)
        .filter(held=True, deleted_at__isnull=True)
        .for_payload()
        .order_by("id")
    )


def held_approve(*, actor, message: Message) -> Message:
    """Show a held message to everyone, in its place by number."""
    if not can_moderate(user=actor, room=message.room):
        raise NotAllowed()
    if not message.held or message.deleted_at is not None:
        raise InvalidModeration()
    with transaction.atomic():
        message.held = False
        message.save(update_fields=["held"])
        audit_record(
            actor=actor,
            action=ModerationAction.APPROVE,
            room=message.room,
            target=message.author,
            message=message,
        )
        message_approved_announce(message=message)
    return message


def held_drop(*, actor, message: Message, reason: str = "") -> Message:
    """Refuse a held message: deleted as a moderator deletes, so its author's page is told."""
    if not can_moderate(user=actor, room=message.room):
        raise NotAllowed()
    if not message.held:
        raise InvalidModeration()
    return message_delete(actor=actor, message=message, reason=reason, action=ModerationAction.DROP)
