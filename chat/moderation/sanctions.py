"""Kick, mute and ban: given, lifted, and looked up for a user or a device."""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chat.models import ModerationAction, Profile, Room, Sanction
from chat.moderation.audit import audit_record
from chat.moderation.durations import expiry_from
from chat.moderation.errors import Banned, BannedFromSite, InvalidModeration, Muted, NotAllowed
from chat.moderation.live import sanction_announce
from chat.moderation.roles import can_moderate, may_act_on


def _acting_check(*, actor, target, room: Room | None) -> None:
    if not can_moderate(user=actor, room=room):
        raise NotAllowed()
    if target.pk == actor.pk:
        raise InvalidModeration(NotAllowed.detail)
    # A room's moderators cannot act on its owner or on site staff; site staff can.
    if not may_act_on(actor=actor, target=target, room=room):
        raise NotAllowed()


def user_kick(*, actor, target, room: Room, reason: str = "") -> None:
    """Close ``target``'s sockets in ``room`` now; they may come back."""
    _acting_check(actor=actor, target=target, room=room)
    with transaction.atomic():
        audit_record(
            actor=actor, action=ModerationAction.KICK, room=room, target=target, reason=reason
        )
        sanction_announce(user_id=target.pk, action="kick", room_slug=room.slug, reason=reason)


def sanction_give(
    *, actor, target, kind: str, duration: str, room: Room | None = None, reason: str = ""
) -> Sanction:
    """Mute or ban ``target`` in ``room`` (None: site-wide) for ``duration`` (a key of
    chat.moderation.durations.DURATIONS), if ``actor`` may."""
    if kind not in (Sanction.MUTE, Sanction.BAN):
        raise InvalidModeration()
    _acting_check(actor=actor, target=target, room=room)
    return sanction_record(
        actor=actor, target=target, kind=kind, duration=duration, room=room, reason=reason
    )


def sanction_record(
    *, actor, target, kind: str, duration: str, room: Room | None = None, reason: str = ""
) -> Sanction:
    """Give a mute or ban, for a caller that has checked who may (sanction_give, the admin).
    A new one replaces an active one of the same kind and place, so a moderator can shorten
    or lengthen it. A ban also holds the target's last browser and, for at most
    CHAT_BAN_ADDRESS_HOURS, their address."""
    now = timezone.now()
    expires = expiry_from(duration, now=now)
    with transaction.atomic():
        Sanction.objects.active(now=now).filter(user=target, kind=kind, room=room).update(
            lifted_at=now, lifted_by=actor
        )
        sanction = Sanction(
            kind=kind,
            user=target,
            room=room,
            reason=reason,
            created=now,
            created_by=actor,
            expires=expires,
        )
        if kind == Sanction.BAN:
            device_keys_fill(sanction=sanction, now=now)
        sanction.save()  # announced by chat/signals.py, for the admin's too
        audit_record(
            actor=actor,
            action=kind,
            room=room,
            target=target,
            reason=reason,
            expires=expires,
            detail={"duration": duration},
        )
    return sanction


def device_keys_fill(*, sanction: Sanction, now=None) -> None:
    """Copy the target's last browser and address onto a ban (before it is saved)."""
    profile = Profile.objects.filter(user_id=sanction.user_id).first()
    if profile is None:
        return
    sanction.browser_key = profile.browser_key
    sanction.address_key = profile.address_key
    if profile.address_key:
        held_until = (now or timezone.now()) + timezone.timedelta(
            hours=settings.CHAT_BAN_ADDRESS_HOURS
        )
        if sanction.expires is not None:
            held_until = min(held_until, sanction.expires)
        sanction.address_expires = held_until


def sanction_lift(*, actor, sanction: Sanction) -> Sanction:
    # Nobody lifts their own: a muted moderator stays muted until another one decides.
    if not can_moderate(user=actor, room=sanction.room) or sanction.user_id == actor.pk:
        raise NotAllowed()
    if sanction.lifted_at is not None:
        return sanction
    with transaction.atomic():
        sanction.lifted_at = timezone.now()
        sanction.lifted_by = actor
        sanction.save(update_fields=["lifted_at", "lifted_by"])
        audit_record(
            actor=actor,
            action=ModerationAction.LIFT,
            room=sanction.room,
            target=sanction.user,
            detail={"kind": sanction.kind, "sanction": sanction.pk},
        )
    return sanction


def sanction_saved_announce(*, sanction: Sanction) -> None:
    """Tell the user's open pages (chat/signals.py calls this for every save)."""
    room_slug = sanction.room.slug if sanction.room_id else None
    if sanction.is_active:
        action = sanction.kind
    elif sanction.kind == Sanction.MUTE:
        action = "unmute"
    else:
        return  # a lifted or ended ban has nothing to close
    sanction_announce(
        user_id=sanction.user_id,
        action=action,
        room_slug=room_slug,
        until=sanction.expires,
        reason=sanction.reason,
    )


def _longest(sanctions) -> Sanction | None:
    """The one that ends last (for good before any end)."""
    sanctions = list(sanctions)
    if not sanctions:
        return None
    return max(sanctions, key=lambda s: (s.expires is None, s.expires or s.created))


def mute_active(*, user, room: Room) -> Sanction | None:
    return _longest(
        Sanction.objects.active().applying_to(room=room).filter(user=user, kind=Sanction.MUTE)
    )


def ban_active(
    *, room: Room | None, user=None, browser_key: str = "", address_key: str = ""
) -> Sanction | None:
    """The ban that holds ``user``, or their browser, or their address, in ``room`` (or
    site-wide; ``room`` None: site-wide bans only)."""
    return sanctions_holding(
        room=room, user=user, browser_key=browser_key, address_key=address_key
    )[0]


def sanctions_holding(
    *, room: Room | None, user=None, browser_key: str = "", address_key: str = ""
) -> tuple[Sanction | None, Sanction | None]:
    """The ban (on the user, the browser or the address) and the mute (on the user) in force
    in ``room``, in one query: a socket asks for both when it opens."""
    now = timezone.now()
    holds = Q()
    if user is not None and user.is_authenticated:
        holds |= Q(user=user)
    if browser_key:
        holds |= Q(kind=Sanction.BAN, browser_key=browser_key)
    if address_key:
        holds |= Q(kind=Sanction.BAN, address_key=address_key, address_expires__gt=now)
    if not holds:
        return None, None
    found = list(
        Sanction.objects.active(now=now).applying_to(room=room).filter(holds).select_related("room")
    )
    bans = [sanction for sanction in found if sanction.kind == Sanction.BAN]
    mutes = [sanction for sanction in found if sanction.kind == Sanction.MUTE]
    return _longest(bans), _longest(mutes)


def sanction_error(sanction: Sanction):
    """The refusal a client is given for ``sanction``."""
    room_slug = sanction.room.slug if sanction.room_id else None
    if sanction.kind == Sanction.MUTE:
        cls = Muted
    else:
        cls = Banned if sanction.room_id else BannedFromSite
    return cls(until=sanction.expires, reason=sanction.reason, room=room_slug)


def ban_check(*, room: Room | None, user=None, browser_key: str = "", address_key: str = ""):
    """Banned (or BannedFromSite) when a ban holds the user or the device."""
    ban = ban_active(room=room, user=user, browser_key=browser_key, address_key=address_key)
    if ban is not None:
        raise sanction_error(ban)
