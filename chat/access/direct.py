"""Direct conversations: a room of exactly two members, one per pair, and blocking."""

import secrets

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q

from chat.access.errors import BlockedConversation, InvalidAccessChange
from chat.models import Block, Room, RoomMember


def direct_key(a, b) -> str:
    low, high = sorted((a.pk, b.pk))
    return f"{low}:{high}"


def blocked_between(*, a, b) -> bool:
    """Whether either of the two blocks the other."""
    return Block.objects.filter(Q(user=a, blocked=b) | Q(user=b, blocked=a)).exists()


def direct_room_open(*, user, other) -> Room:
    """The conversation of ``user`` and ``other``, made the first time. BlockedConversation
    when either blocks the other; nobody talks to themselves, or to a deactivated account."""
    if other.pk == user.pk or not other.is_active:
        raise InvalidAccessChange()
    if blocked_between(a=user, b=other):
        raise BlockedConversation()
    key = direct_key(user, other)
    if room := Room.objects.filter(direct_key=key).first():
        return room
    try:
        with transaction.atomic():
            room = Room.objects.create(
                kind=Room.DIRECT,
                direct_key=key,
                slug=f"dm-{secrets.token_hex(8)}",
                title=f"{user.get_username()}, {other.get_username()}",
            )
            RoomMember.objects.bulk_create(
                [RoomMember(room=room, user=user), RoomMember(room=room, user=other)]
            )
    except IntegrityError:  # both opened it at once: the other request made it
        return Room.objects.get(direct_key=key)
    return room


def direct_partner(*, room: Room, user):
    """The other member of a direct conversation (None for any other room)."""
    if not room.is_direct:
        return None
    member = RoomMember.objects.filter(room=room).exclude(user=user).select_related("user")
    found = member.first()
    return found.user if found else None


def direct_pair(room: Room) -> tuple[int, ...]:
    """The user ids of a direct conversation's two people, read from its key (no query);
    none for any other room."""
    if not (room.is_direct and room.direct_key):
        return ()
    return tuple(int(part) for part in room.direct_key.split(":"))


def direct_blocked(*, room: Room, author) -> bool:
    """Whether either of a direct conversation's two blocks the other (False elsewhere)."""
    pair = direct_pair(room)
    if not pair:
        return False
    low, high = pair
    other = get_user_model()(pk=high if author.pk == low else low)
    return blocked_between(a=author, b=other)


def direct_send_check(*, room: Room, author) -> None:
    """A direct message is refused once either of the two blocks the other."""
    if direct_blocked(room=room, author=author):
        raise BlockedConversation()


def block_set(*, user, target, blocked: bool) -> None:
    """``user`` blocks ``target`` (or stops): no direct messages between them either way."""
    if target.pk == user.pk:
        raise InvalidAccessChange()
    if blocked:
        Block.objects.get_or_create(user=user, blocked=target)
    else:
        Block.objects.filter(user=user, blocked=target).delete()
