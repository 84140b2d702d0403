"""The one question every path asks: may this person read this room?"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from chat.models import Room, RoomMember


def room_readable(*, user, room: Room) -> bool:
    """Public rooms: anyone logged in. Private rooms and direct conversations: their members;
    not site staff either (they read a reported message through its report)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if room.is_public:
        return True
    return RoomMember.objects.filter(room=room, user=user).exists()


def rooms_readable(*, user) -> QuerySet:
    """Every room ``user`` may read, for lists and search across rooms (a visitor who is not
    logged in: the public ones, which the room list shows them)."""
    if not (user and user.is_authenticated and user.is_active):
        return Room.objects.filter(kind=Room.PUBLIC)
    member = RoomMember.objects.filter(room=OuterRef("pk"), user=user)
    return Room.objects.filter(Q(kind=Room.PUBLIC) | Exists(member))


def rooms_listed(*, user) -> QuerySet:
    """The room list: public rooms and the private ones ``user`` is in, oldest first
    (direct conversations are listed apart)."""
    return rooms_readable(user=user).exclude(kind=Room.DIRECT).order_by("created", "id")


def room_for_reader(*, user, slug: str) -> Room | None:
    """The room at ``slug`` as it is now, if ``user`` may read it; None otherwise, the same
    answer as for a room that does not exist, so that a private room's address tells nothing."""
    room = Room.objects.filter(slug=slug).first()
    if room is None or not room_readable(user=user, room=room):
        return None
    return room
