"""A room's rules for sending (read-only, guests read-only, slow mode, mutes) and who
may change them."""

from django.db import transaction
from django.db.models import Exists, Q
from django.db.models.functions import Now

from chat.infra.compiled import CompiledQuery
from chat.limits import allowance_take
from chat.models import ModerationAction, Room, Sanction, WordFilter
from chat.moderation.audit import audit_record
from chat.moderation.errors import GuestsReadOnly, InvalidModeration, NotAllowed, ReadOnly, SlowMode
from chat.moderation.live import rules_announce, rules_payload
from chat.moderation.roles import can_moderate
from chat.moderation.sanctions import mute_active, sanction_error

SLOW_MODE_MAX_SECONDS = 3600


def room_rules_set(
    *,
    actor,
    room: Room,
    slow_mode_seconds: int | None = None,
    read_only: bool | None = None,
    guests_read_only: bool | None = None,
    guest_images: bool | None = None,
) -> Room:
    """Change what is given (None: unchanged); every open page of the room is told."""
    if not can_moderate(user=actor, room=room):
        raise NotAllowed()
    if slow_mode_seconds is not None and not 0 <= slow_mode_seconds <= SLOW_MODE_MAX_SECONDS:
        raise InvalidModeration()
    changes = {
        "slow_mode_seconds": slow_mode_seconds,
        "read_only": read_only,
        "guests_read_only": guests_read_only,
        "guest_images": guest_images,
    }
    changes = {name: value for name, value in changes.items() if value is not None}
    with transaction.atomic():
        for name, value in changes.items():
            setattr(room, name, value)
        room.save(update_fields=list(changes) or None)
        audit_record(
            actor=actor, action=ModerationAction.RULES, room=room, detail=rules_payload(room)
        )
        rules_announce(room=room)
    return room


def _send_rules_query(*, room: int, author: int):
    mutes = (
        Sanction.objects.active(now=Now())
        .applying_to(room=room)
        .filter(user=author, kind=Sanction.MUTE)
    )
    filters = WordFilter.objects.filter(Q(room__isnull=True) | Q(room=room))
    return (
        Room.objects.filter(pk=room)
        .annotate(muted=Exists(mutes), filtered=Exists(filters))
        .order_by()
        .values(
            "read_only",
            "guests_read_only",
            "guest_images",
            "slow_mode_seconds",
            "muted",
            "filtered",
        )
    )


# Every send runs it: built once (chat/infra/compiled.py), the time read by the database.
_SEND_RULES = CompiledQuery(_send_rules_query, "room", "author")


def send_rules_read(*, room: Room, author) -> dict:
    """What a send is checked against, read from the database now (so that a change takes
    effect on the next send, on every process), in one query: the room's rules (pictures'
    included), whether a mute may hold ``author`` there (``muted``), and whether any word
    filter entry applies to the room at all (``filtered``)."""
    found = _SEND_RULES.rows(room=room.pk, author=author.pk)
    if not found:
        raise Room.DoesNotExist()
    return found[0]


def send_check(*, room: Room, author, moderator: bool, slow_mode: bool = True) -> dict:
    """Refuse a send the room's rules or a mute forbid; else what ``send_rules_read`` read.
    Moderators pass all but mutes. An edit says nothing new, so slow mode (``slow_mode``
    False) does not count it."""
    rules = send_rules_read(room=room, author=author)
    # Which mute, for its words: read only when one holds.
    if rules["muted"] and (mute := mute_active(user=author, room=room)) is not None:
        raise sanction_error(mute)
    if moderator:
        return rules
    if rules["read_only"]:
        raise ReadOnly()
    profile = getattr(author, "profile", None)
    if rules["guests_read_only"] and (profile is None or profile.is_guest):
        raise GuestsReadOnly()
    every = rules["slow_mode_seconds"]
    if every and slow_mode:
        wait = allowance_take(key=f"slow:{room.pk}:{author.pk}", limit=1, window=float(every))
        if wait is not None:
            raise SlowMode(wait, every=every)
    return rules
