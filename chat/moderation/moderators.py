"""A room's owner (or site staff) names and removes the room's moderators."""

from django.db import transaction

from chat.models import ModerationAction, Room
from chat.moderation.audit import audit_record
from chat.moderation.errors import NotAllowed
from chat.moderation.roles import can_name_moderators


def room_moderator_set(*, actor, room: Room, user, moderator: bool) -> None:
    """Make ``user`` a moderator of ``room`` or stop them being one. Takes effect on the
    user's next connection to the room."""
    if not can_name_moderators(user=actor, room=room):
        raise NotAllowed()
    with transaction.atomic():
        if moderator:
            room.moderators.add(user)
        else:
            room.moderators.remove(user)
        audit_record(
            actor=actor,
            action=ModerationAction.MODERATOR_ADD
            if moderator
            else ModerationAction.MODERATOR_REMOVE,
            room=room,
            target=user,
        )
