"""Who moderates a room: site staff with the permission, the room's owner, its moderators,
and in a public room the members a host site's token says moderate (chat/embed/, when the
integration allows it)."""

from django.db.models import Exists, Q

from chat.models import ExternalAccount, Room

SITE_PERMISSION = "chat.moderate_rooms"


def is_site_moderator(user) -> bool:
    """Staff given "Can moderate every room" in the admin (superusers have it), as
    docs/moderation.md says: the permission on an account without staff status does not
    count. Asked first, staff status spares everyone else's connect the two queries of
    Django's permission check."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return (user.is_staff or user.is_superuser) and user.has_perm(SITE_PERMISSION)


def is_room_owner(*, user, room: Room) -> bool:
    return bool(user and user.is_authenticated and room.creator_id == user.pk)


def can_moderate(*, user, room: Room | None) -> bool:
    """Whether ``user`` may moderate ``room`` (None: the whole site, staff only)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if room is not None and is_room_owner(user=user, room=room):
        return True
    if is_site_moderator(user):
        return True
    if room is None:
        return False
    named = Room.moderators.through.objects.filter(room=room, user=user.pk)
    if not room.is_public:
        return named.exists()
    # Still one query: named, or a host site's moderator.
    return Room.objects.filter(
        Q(Exists(named)) | Q(Exists(_host_moderator(user))), pk=room.pk
    ).exists()


def _host_moderator(user):
    return ExternalAccount.objects.moderating().filter(user=user.pk)


def rooms_moderated(*, user):
    """The rooms ``user`` moderates, as ``can_moderate`` says (owner, named moderator, a host
    site's moderator in public rooms), as a query; None for every room (site moderators)."""
    if is_site_moderator(user):
        return None
    return Room.objects.filter(
        Q(creator=user) | Q(moderators=user) | Q(Exists(_host_moderator(user)), kind=Room.PUBLIC)
    )


def can_name_moderators(*, user, room: Room) -> bool:
    return is_site_moderator(user) or is_room_owner(user=user, room=room)


def is_protected(*, target, room: Room | None) -> bool:
    """Whom a room's moderators cannot act on: site moderators and the room's owner."""
    return is_site_moderator(target) or (room is not None and is_room_owner(user=target, room=room))


def may_act_on(*, actor, target, room: Room | None) -> bool:
    """Whether ``actor``, a moderator of ``room``, may act on what ``target`` did or said:
    a room's moderators not on its owner or on site staff; site moderators on anyone."""
    return not is_protected(target=target, room=room) or is_site_moderator(actor)
