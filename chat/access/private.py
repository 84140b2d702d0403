"""Private rooms: their owner makes them so, lets people in by name or by link, and lets
them out again."""

import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from chat.access.errors import InvalidAccessChange, InviteInvalid, NotRoomManager
from chat.access.live import access_changed_announce
from chat.models import Room, RoomInvite, RoomMember
from chat.moderation.roles import can_moderate, can_name_moderators

INVITE_DURATIONS = {"1h": timedelta(hours=1), "1d": timedelta(days=1), "7d": timedelta(days=7)}


def _manager_check(*, actor, room: Room) -> None:
    """The owner (or site staff) manages who is in a room; never a direct conversation."""
    if room.is_direct:
        raise InvalidAccessChange()
    if not can_name_moderators(user=actor, room=room):
        raise NotRoomManager()


def room_privacy_set(*, actor, room: Room, private: bool) -> Room:
    """Make ``room`` private (its owner and moderators become members; anyone else reading
    it now is let out) or public again (its members stay, for when it turns private again)."""
    _manager_check(actor=actor, room=room)
    if room.is_public != private:
        return room
    with transaction.atomic():
        room.kind = Room.PRIVATE if private else Room.PUBLIC
        room.save(update_fields=["kind"])
        if private:
            keep = [user for user in (room.creator, *room.moderators.all()) if user is not None]
            for user in keep:
                RoomMember.objects.get_or_create(room=room, user=user)
            access_changed_announce(room_slug=room.slug)
    return room


def room_member_add(*, actor, room: Room, user) -> RoomMember:
    """Let ``user`` into ``room`` by name: its owner, site staff, or one of its moderators."""
    if room.is_direct:
        raise InvalidAccessChange()  # a conversation stays two people
    if not can_moderate(user=actor, room=room):
        raise NotRoomManager()
    member, _ = RoomMember.objects.get_or_create(room=room, user=user, defaults={"added_by": actor})
    return member


def room_member_remove(*, actor, room: Room, user) -> None:
    """Let ``user`` out of ``room``: their open pages there close. The owner cannot be."""
    _manager_check(actor=actor, room=room)
    if room.creator_id == user.pk:
        raise InvalidAccessChange()
    with transaction.atomic():
        removed, _ = RoomMember.objects.filter(room=room, user=user).delete()
        room.moderators.remove(user)
        if removed and not room.is_public:
            access_changed_announce(room_slug=room.slug)


def invite_create(*, actor, room: Room, duration: str = "1d") -> RoomInvite:
    """A link into ``room`` valid for ``duration`` ("1h", "1d", "7d") unless revoked."""
    if room.is_direct:
        raise InvalidAccessChange()
    if not can_moderate(user=actor, room=room):
        raise NotRoomManager()
    if duration not in INVITE_DURATIONS:
        raise InvalidAccessChange()
    return RoomInvite.objects.create(
        room=room,
        token=secrets.token_urlsafe(24),
        created_by=actor,
        expires=timezone.now() + INVITE_DURATIONS[duration],
    )


def invite_revoke(*, actor, invite: RoomInvite) -> None:
    if not can_moderate(user=actor, room=invite.room):
        raise NotRoomManager()
    if invite.revoked_at is None:
        invite.revoked_at = timezone.now()
        invite.save(update_fields=["revoked_at"])


def invite_accept(*, user, token: str) -> Room:
    """The room the link ``token`` lets ``user`` into, a member from now on; InviteInvalid
    for an unknown, expired or revoked link."""
    invite = RoomInvite.objects.select_related("room").filter(token=token).first()
    if invite is None or not invite.is_valid():
        raise InviteInvalid()
    with transaction.atomic():
        _, new = RoomMember.objects.get_or_create(
            room=invite.room, user=user, defaults={"added_by": invite.created_by}
        )
        if new:
            RoomInvite.objects.filter(pk=invite.pk).update(uses=F("uses") + 1)
    return invite.room
