"""Where each person stopped reading each room, and what is unread since."""

from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from chat.models import Mention, Message, ReadPosition, Room


def read_position(*, user, room: Room) -> int:
    """The seq of the last message of ``room`` that ``user`` has seen (0: none)."""
    return read_state(user=user, room=room)[0]


def read_state(*, user, room: Room) -> tuple[int, bool]:
    """Where ``user`` stopped reading ``room``, and whether they muted its notifications."""
    found = ReadPosition.objects.filter(user=user, room=room).values_list(
        "last_read_seq", "notifications_muted"
    )
    return found.first() or (0, False)


def read_mark(*, user, room: Room, seq: int) -> int | None:
    """``user`` has seen ``room`` up to ``seq`` (no further than its newest message). A
    position never moves back: two tabs reporting out of order keep the later one. The new
    position, or None when it did not move."""
    seq = min(seq, Room.objects.values_list("last_seq", flat=True).get(pk=room.pk))
    if seq <= 0:
        return None
    moved = ReadPosition.objects.filter(user=user, room=room, last_read_seq__lt=seq).update(
        last_read_seq=seq
    )
    if moved:
        return seq
    try:
        with transaction.atomic():
            ReadPosition.objects.create(user=user, room=room, last_read_seq=seq)
    except IntegrityError:
        return None  # it exists, at this seq or later
    return seq


def notifications_mute_set(*, user, room: Room, muted: bool) -> None:
    """No browser notifications from ``room`` for ``user`` (or again)."""
    position, _ = ReadPosition.objects.get_or_create(user=user, room=room)
    if position.notifications_muted != muted:
        position.notifications_muted = muted
        position.save(update_fields=["notifications_muted"])


def _position_of(user, *, room_ref: str):
    """``user``'s read position in the row's room (0 when they have none)."""
    positions = ReadPosition.objects.filter(user=user, room=OuterRef(room_ref))
    return Coalesce(
        Subquery(positions.values("last_read_seq")[:1]), Value(0), output_field=IntegerField()
    )


def unread_counts(*, user, rooms: list[Room]) -> dict[int, dict]:
    """Per room id: messages by others since ``user``'s read position, and how many of those
    mention them. Two queries, whatever the number of rooms."""
    ids = [room.pk for room in rooms]
    unread = dict(
        Message.objects.filter(room__in=ids)
        .visible()
        .exclude(author=user)
        .alias(position=_position_of(user, room_ref="room"))
        .filter(seq__gt=F("position"))
        .values("room")
        .annotate(count=Count("id"))
        .values_list("room", "count")
    )
    mentions = dict(
        Mention.objects.filter(
            user=user, message__room__in=ids, message__deleted_at__isnull=True, message__held=False
        )
        .exclude(message__author=user)
        .alias(position=_position_of(user, room_ref="message__room"))
        .filter(message__seq__gt=F("position"))
        .values("message__room")
        .annotate(count=Count("id"))
        .values_list("message__room", "count")
    )
    return {pk: {"unread": unread.get(pk, 0), "mentions": mentions.get(pk, 0)} for pk in ids}
