"""Mutes and bans: how long they last, where they hold, how a new one replaces the old, what
a ban holds besides the account (the browser; the address, for a while), and the log."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from chat.models import ModerationAction, Profile, Sanction
from chat.moderation.devices import address_key, browser_key, device_seen
from chat.moderation.durations import expiry_from
from chat.moderation.errors import Banned, BannedFromSite, InvalidModeration
from chat.moderation.rules import send_check
from chat.moderation.sanctions import (
    ban_active,
    ban_check,
    mute_active,
    sanction_give,
    sanction_lift,
    user_kick,
)
from tests.factories import RoomFactory, UserFactory

pytestmark = pytest.mark.django_db

BROWSER = "b" * 22  # the shape of a real browser id (secrets.token_urlsafe(16))
ADDRESS = "203.0.113.7"
NOON = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
DURATIONS = [
    ("10m", timedelta(minutes=10)),
    ("1h", timedelta(hours=1)),
    ("1d", timedelta(days=1)),
    ("1w", timedelta(weeks=1)),
    ("forever", None),
]


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def room(owner):
    return RoomFactory(slug="room-a", creator=owner)


@pytest.fixture
def room_b(owner):
    return RoomFactory(slug="room-b", creator=owner)


@pytest.fixture
def staff(db):
    user = UserFactory(username="staff", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="moderate_rooms"))
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def target(db):
    return UserFactory(username="target", guest=True)


def give(actor, target, kind, duration, room):
    return sanction_give(actor=actor, target=target, kind=kind, duration=duration, room=room)


def mute(actor, target, duration="1h", room=None, **kwargs):
    return sanction_give(
        actor=actor, target=target, kind=Sanction.MUTE, duration=duration, room=room, **kwargs
    )


def ban(actor, target, duration="1d", room=None, **kwargs):
    return sanction_give(
        actor=actor, target=target, kind=Sanction.BAN, duration=duration, room=room, **kwargs
    )


def ended(sanction: Sanction) -> None:
    """Move ``sanction``'s end into the past, as if its time had passed."""
    Sanction.objects.filter(pk=sanction.pk).update(expires=timezone.now() - timedelta(seconds=1))


@pytest.mark.parametrize(("duration", "length"), DURATIONS)
def test_each_duration_ends_when_it_says(duration, length):
    expected = None if length is None else NOON + length

    assert expiry_from(duration, now=NOON) == expected


@pytest.mark.parametrize(("duration", "length"), DURATIONS)
@pytest.mark.parametrize("kind", [Sanction.MUTE, Sanction.BAN])
def test_a_mute_or_ban_given_now_ends_after_its_duration(
    kind, duration, length, owner, room, target
):
    before = timezone.now()
    sanction = give(owner, target, kind, duration, room)
    after = timezone.now()

    if length is None:
        assert sanction.expires is None
    else:
        assert before + length <= sanction.expires <= after + length
    assert Sanction.objects.get(pk=sanction.pk).is_active


def test_an_unknown_duration_is_refused_and_nothing_given(owner, room, target):
    with pytest.raises(InvalidModeration):
        mute(owner, target, duration="3 days", room=room)

    assert not Sanction.objects.exists()
    assert not ModerationAction.objects.filter(action=ModerationAction.MUTE).exists()


def test_an_expired_mute_no_longer_holds(owner, room, target):
    sanction = mute(owner, target, room=room)

    ended(sanction)

    assert not Sanction.objects.get(pk=sanction.pk).is_active
    assert mute_active(user=target, room=room) is None
    send_check(room=room, author=target, moderator=False)  # may send again


def test_an_expired_ban_no_longer_holds_the_user_or_the_device(owner, room, target):
    device_seen(user=target, browser=BROWSER, address=ADDRESS)
    sanction = ban(owner, target, room=room)

    ended(sanction)

    assert ban_active(room=room, user=target) is None
    assert ban_active(room=room, browser_key=browser_key(BROWSER)) is None
    assert ban_active(room=room, address_key=address_key(ADDRESS)) is None


def test_a_new_mute_shortens_the_active_one(owner, room, target):
    week = mute(owner, target, duration="1w", room=room)

    ten_minutes = mute(owner, target, duration="10m", room=room)

    assert list(Sanction.objects.active().filter(user=target)) == [ten_minutes]
    assert mute_active(user=target, room=room).expires == ten_minutes.expires
    week.refresh_from_db()
    assert week.lifted_at is not None and week.lifted_by == owner


def test_a_new_mute_lengthens_the_active_one(owner, room, target):
    mute(owner, target, duration="10m", room=room)

    for_good = mute(owner, target, duration="forever", room=room)

    assert list(Sanction.objects.active().filter(user=target)) == [for_good]
    assert mute_active(user=target, room=room).expires is None


def test_a_mute_elsewhere_or_a_ban_leaves_a_mute_in_place(owner, room, room_b, target):
    here = mute(owner, target, room=room)

    mute(owner, target, room=room_b)
    ban(owner, target, room=room)

    assert Sanction.objects.get(pk=here.pk).is_active
    assert Sanction.objects.active().filter(user=target).count() == 3


def test_lifting_a_mute_ends_it_and_is_logged(owner, room, target):
    sanction = mute(owner, target, duration="forever", room=room)

    sanction_lift(actor=owner, sanction=sanction)

    assert mute_active(user=target, room=room) is None
    sanction.refresh_from_db()
    assert sanction.lifted_at is not None and sanction.lifted_by == owner
    entry = ModerationAction.objects.get(action=ModerationAction.LIFT)
    assert (entry.actor, entry.target, entry.room) == (owner, target, room)


def test_lifting_a_ban_lets_the_user_and_their_device_back(owner, room, target):
    device_seen(user=target, browser=BROWSER, address=ADDRESS)
    sanction = ban(owner, target, room=room)

    sanction_lift(actor=owner, sanction=sanction)

    assert ban_active(room=room, user=target) is None
    assert ban_active(room=room, browser_key=browser_key(BROWSER)) is None
    assert ban_active(room=room, address_key=address_key(ADDRESS)) is None


def test_a_room_ban_holds_that_room_only(owner, room, room_b, target):
    sanction = ban(owner, target, room=room)

    assert ban_active(room=room, user=target) == sanction
    assert ban_active(room=room_b, user=target) is None
    assert ban_active(room=None, user=target) is None  # not site-wide
    with pytest.raises(Banned) as refused:
        ban_check(room=room, user=target)
    assert not isinstance(refused.value, BannedFromSite)


def test_a_site_ban_holds_every_room(staff, room, room_b, target):
    sanction = ban(staff, target, room=None)

    for where in (room, room_b, RoomFactory(), None):
        assert ban_active(room=where, user=target) == sanction
        with pytest.raises(BannedFromSite):
            ban_check(room=where, user=target)


def test_a_site_mute_holds_every_room(staff, room, room_b, target):
    sanction = mute(staff, target, room=None)

    assert mute_active(user=target, room=room) == sanction
    assert mute_active(user=target, room=room_b) == sanction


def test_a_ban_holds_the_browser_and_address_the_user_was_last_seen_on(owner, room, target):
    device_seen(user=target, browser=BROWSER, address=ADDRESS)
    profile = Profile.objects.get(user=target)

    sanction = ban(owner, target, duration="forever", room=room)

    assert sanction.browser_key == profile.browser_key == browser_key(BROWSER)
    assert sanction.address_key == profile.address_key == address_key(ADDRESS)
    stored = [
        str(value) for value in Sanction.objects.filter(pk=sanction.pk).values().get().values()
    ]
    assert not any(ADDRESS in value or BROWSER in value for value in stored), "only keyed hashes"


def test_a_ban_holds_the_address_for_at_most_the_configured_hours(owner, room, target, settings):
    settings.CHAT_BAN_ADDRESS_HOURS = 6
    device_seen(user=target, browser=BROWSER, address=ADDRESS)

    before = timezone.now()
    sanction = ban(owner, target, duration="forever", room=room)
    after = timezone.now()

    assert sanction.expires is None
    assert before + timedelta(hours=6) <= sanction.address_expires <= after + timedelta(hours=6)


def test_a_short_ban_holds_the_address_no_longer_than_itself(owner, room, target, settings):
    settings.CHAT_BAN_ADDRESS_HOURS = 6
    device_seen(user=target, browser=BROWSER, address=ADDRESS)

    sanction = ban(owner, target, duration="1h", room=room)

    assert sanction.address_expires == sanction.expires


def test_a_mute_holds_no_device(owner, room, target):
    device_seen(user=target, browser=BROWSER, address=ADDRESS)

    sanction = mute(owner, target, room=room)

    assert (sanction.browser_key, sanction.address_key, sanction.address_expires) == ("", "", None)


def test_a_ban_finds_someone_else_on_the_banned_browser(owner, room, room_b, target):
    device_seen(user=target, browser=BROWSER, address=ADDRESS)
    sanction = ban(owner, target, duration="1w", room=room)
    newcomer = UserFactory(guest=True)

    assert ban_active(room=room, user=newcomer, browser_key=browser_key(BROWSER)) == sanction
    assert ban_active(room=room_b, user=newcomer, browser_key=browser_key(BROWSER)) is None
    assert ban_active(room=room, user=newcomer, browser_key=browser_key("c" * 22)) is None


def test_a_ban_finds_someone_else_on_the_banned_address_while_it_is_held(owner, room, target):
    device_seen(user=target, browser=BROWSER, address=ADDRESS)
    sanction = ban(owner, target, duration="1w", room=room)
    newcomer = UserFactory(guest=True)

    assert ban_active(room=room, user=newcomer, address_key=address_key(ADDRESS)) == sanction
    assert ban_active(room=room, user=newcomer, address_key=address_key("203.0.113.8")) is None

    Sanction.objects.filter(pk=sanction.pk).update(
        address_expires=timezone.now() - timedelta(seconds=1)
    )
    assert ban_active(room=room, user=newcomer, address_key=address_key(ADDRESS)) is None
    # The account and the browser stay held for the whole ban.
    assert ban_active(room=room, user=target) == sanction
    assert ban_active(room=room, browser_key=browser_key(BROWSER)) == sanction


@pytest.mark.parametrize("kind", [Sanction.MUTE, Sanction.BAN])
@pytest.mark.parametrize("where", ["room", "site"])
def test_giving_a_mute_or_ban_writes_one_audit_entry(kind, where, staff, room, target):
    place = room if where == "room" else None

    sanction = sanction_give(
        actor=staff, target=target, kind=kind, duration="1d", room=place, reason="spam"
    )

    entry = ModerationAction.objects.get()
    assert entry.action == kind
    assert (entry.actor, entry.target, entry.room) == (staff, target, place)
    assert (entry.reason, entry.expires) == ("spam", sanction.expires)


def test_lifting_writes_one_audit_entry(owner, room, target):
    sanction = ban(owner, target, duration="forever", room=room, reason="spam")
    ModerationAction.objects.all().delete()

    sanction_lift(actor=owner, sanction=sanction)
    sanction_lift(actor=owner, sanction=sanction)  # already lifted: nothing more

    entry = ModerationAction.objects.get()
    assert entry.action == ModerationAction.LIFT
    assert (entry.actor, entry.target, entry.room, entry.expires) == (owner, target, room, None)


def test_a_kick_writes_one_audit_entry_and_sanctions_nobody(owner, room, target):
    user_kick(actor=owner, target=target, room=room, reason="cool off")

    entry = ModerationAction.objects.get()
    assert entry.action == ModerationAction.KICK
    assert (entry.actor, entry.target, entry.room) == (owner, target, room)
    assert (entry.reason, entry.expires) == ("cool off", None)
    assert not Sanction.objects.exists()
    assert ban_active(room=room, user=target) is None
