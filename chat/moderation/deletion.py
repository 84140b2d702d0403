"""Taking messages back: one, or a person's recent ones (the spam clean-up), or for good."""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from chat.messaging.errors import MessageNotFound
from chat.models import Message, ModerationAction, Room
from chat.moderation.audit import audit_record
from chat.moderation.durations import since_from
from chat.moderation.errors import NotAllowed
from chat.moderation.live import messages_deleted_announce
from chat.moderation.roles import can_moderate, may_act_on
from chat.uploads.removal import message_images_remove


def message_delete(
    *, actor, message: Message, reason: str = "", action: str = ModerationAction.DELETE
) -> Message:
    """Soft-delete ``message``: gone from every page and from everyone's history but
    moderators'; who, when and why are kept. Its author may delete it too, as a moderator
    would, and the audit log says so."""
    own = message.author_id == actor.pk
    if own:
        if action == ModerationAction.DELETE:
            action = ModerationAction.DELETE_OWN
    # A room's moderators cannot take back what its owner or site staff said; staff can.
    elif not (
        can_moderate(user=actor, room=message.room)
        and may_act_on(actor=actor, target=message.author, room=message.room)
    ):
        raise NotAllowed()
    if message.deleted_at is not None:
        return message
    with transaction.atomic():
        message.deleted_at = timezone.now()
        message.deleted_by = actor
        message.delete_reason = reason
        message.changed_at = message.deleted_at
        message.save(update_fields=["deleted_at", "deleted_by", "delete_reason", "changed_at"])
        message_images_remove(message_ids=[message.pk])
        audit_record(
            actor=actor,
            action=action,
            room=message.room,
            target=message.author,
            message=message,
            reason=reason,
        )
        messages_deleted_announce(room_slug=message.room.slug, ids=[message.pk], by_author=own)
    return message


def message_delete_in_room(*, actor, room: Room, message_id: int) -> Message:
    """The socket's ``message.delete``: a message of ``room`` its author or a moderator takes
    back. One already deleted is not found, as for everyone but moderators."""
    message = (
        Message.objects.in_room(room)
        .filter(pk=message_id, deleted_at__isnull=True)
        .select_related("author", "room")
        .first()
    )
    if message is None:
        raise MessageNotFound()
    return message_delete(actor=actor, message=message)


def messages_remove_recent(
    *, actor, target, room: Room | None = None, since: str = "1h", reason: str = ""
) -> int:
    """Soft-delete what ``target`` said in the last hour or day, or ever ("1h", "1d",
    "all"), in ``room`` or (site moderators only, ``room`` None) everywhere. The count."""
    if not can_moderate(user=actor, room=room):
        raise NotAllowed()
    if not may_act_on(actor=actor, target=target, room=room):
        raise NotAllowed()
    start = since_from(since)
    now = timezone.now()
    with transaction.atomic():
        messages = Message.objects.filter(author=target, deleted_at__isnull=True)
        if room is not None:
            messages = messages.filter(room=room)
        if start is not None:
            messages = messages.filter(created__gte=start)
        found = list(messages.values_list("id", "room__slug"))
        Message.objects.filter(id__in=[pk for pk, _slug in found]).update(
            deleted_at=now, deleted_by=actor, delete_reason=reason
        )
        message_images_remove(message_ids=[pk for pk, _slug in found])
        audit_record(
            actor=actor,
            action=ModerationAction.REMOVE_RECENT,
            room=room,
            target=target,
            reason=reason,
            detail={"since": since, "count": len(found)},
        )
        _announce_by_room(found)
    return len(found)


def messages_purge(*, messages) -> int:
    """Remove messages for good (the admin's delete): from open pages too."""
    with transaction.atomic():
        found = list(messages.values_list("id", "room__slug"))
        Message.objects.filter(id__in=[pk for pk, _slug in found]).delete()
        _announce_by_room(found)
    return len(found)


def _announce_by_room(found: list[tuple[int, str]]) -> None:
    by_room: dict[str, list[int]] = defaultdict(list)
    for pk, slug in found:
        by_room[slug].append(pk)
    for slug, ids in by_room.items():
        messages_deleted_announce(room_slug=slug, ids=sorted(ids))
