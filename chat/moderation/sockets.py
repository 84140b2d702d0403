"""What a room socket asks of moderation when it opens, in one database trip."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from chat import selectors
from chat.models import Room
from chat.moderation.devices import (
    address_from_scope,
    address_key,
    browser_from_scope,
    browser_key,
    device_seen,
)
from chat.moderation.errors import Sanctioned
from chat.moderation.live import rules_payload
from chat.moderation.roles import can_moderate
from chat.moderation.sanctions import sanction_error, sanctions_holding
from chat.payloads import timestamp

# A page that reconnects takes off its screen what was deleted this long ago or since.
DELETIONS_TOLD = timedelta(days=1)


@dataclass(frozen=True)
class Standing:
    moderator: bool
    refusal: Sanctioned | None  # a ban: the socket is told and closed
    mute: dict | None  # {"until", "reason", "room"} while muted
    rules: dict
    deleted: list[int]


def standing_read(*, user, room: Room, scope) -> Standing:
    """Whether ``user`` (on this socket's browser and address) may be in ``room``, and what
    their page should know from the start. Records the browser and address for bans."""
    device_seen(user=user, browser=browser_from_scope(scope), address=address_from_scope(scope))
    moderator = can_moderate(user=user, room=room)
    ban, mute = _sanctions_on(user=user, room=room, scope=scope, moderator=moderator)
    if ban is not None:
        return Standing(moderator, sanction_error(ban), None, {}, [])
    mute_payload = None
    if mute is not None:
        mute_payload = {
            "until": timestamp(mute.expires) if mute.expires else None,
            "reason": mute.reason,
            "room": mute.room.slug if mute.room_id else None,
        }
    deleted = selectors.messages_deleted_recently(room=room, since=timezone.now() - DELETIONS_TOLD)
    # ``room`` was read for this connection just now: its rules are current.
    return Standing(moderator, None, mute_payload, rules_payload(room), deleted)


def legacy_login_check(*, user, room: Room, scope) -> bool:
    """Banned when a ban holds the old page's guest ``user`` (None: a name nobody has yet),
    or this socket's browser or address, in ``room`` or site-wide. Whether the guest
    moderates the room (staff may name one a moderator in the admin)."""
    moderator = user is not None and can_moderate(user=user, room=room)
    ban, _mute = _sanctions_on(user=user, room=room, scope=scope, moderator=moderator)
    if ban is not None:
        raise sanction_error(ban)
    return moderator


def _sanctions_on(*, user, room: Room, scope, moderator: bool):
    """The ban and the mute that hold ``user`` on this socket's browser and address. A
    moderator is held by a ban on their account only: another's ban must not lock them out
    through a shared address or a borrowed browser."""
    return sanctions_holding(
        room=room,
        user=user,
        browser_key="" if moderator else browser_key(browser_from_scope(scope)),
        address_key="" if moderator else address_key(address_from_scope(scope)),
    )
