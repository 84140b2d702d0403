"""Who may moderate: a room's owner and the moderators they name, in that room; site staff
with "Can moderate every room", everywhere and site-wide. Nobody else, nobody on themselves,
and a room's moderators not on its owner or on site staff."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chat.models import Message, ModerationAction, Report, Sanction
from chat.moderation.deletion import message_delete, messages_remove_recent
from chat.moderation.errors import InvalidModeration, NotAllowed
from chat.moderation.moderators import room_moderator_set
from chat.moderation.reports import report_create, report_resolve
from chat.moderation.roles import can_moderate, is_site_moderator
from chat.moderation.rules import room_rules_set
from chat.moderation.sanctions import mute_active, sanction_give, sanction_lift, user_kick
from tests.factories import MessageFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db

# Refusing to act on oneself may say "invalid" or "forbidden": either way nothing happens.
REFUSED = (NotAllowed, InvalidModeration)


def site_staff(**fields):
    """Staff given "Can moderate every room" in the admin, not a superuser."""
    user = UserFactory(is_staff=True, **fields)
    user.user_permissions.add(Permission.objects.get(codename="moderate_rooms"))
    return get_user_model().objects.get(pk=user.pk)  # permissions are cached per instance


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def room(owner):
    return RoomFactory(slug="room-a", creator=owner)


@pytest.fixture
def room_b(db):
    return RoomFactory(slug="room-b", creator=UserFactory(username="owner-b"))


@pytest.fixture
def moderator(owner, room):
    user = UserFactory(username="moderator")
    room_moderator_set(actor=owner, room=room, user=user, moderator=True)
    return user


@pytest.fixture
def staff(db):
    return site_staff(username="staff")


@pytest.fixture
def target(db):
    return UserFactory(username="target")


def delete(actor, target, room):
    message_delete(actor=actor, message=MessageFactory(room=room, author=target))


def kick(actor, target, room):
    user_kick(actor=actor, target=target, room=room)


def mute(actor, target, room):
    sanction_give(actor=actor, target=target, kind=Sanction.MUTE, duration="10m", room=room)


def ban(actor, target, room):
    sanction_give(actor=actor, target=target, kind=Sanction.BAN, duration="10m", room=room)


def remove_recent(actor, target, room):
    MessageFactory(room=room or RoomFactory(), author=target)
    messages_remove_recent(actor=actor, target=target, room=room, since="all")


def rules(actor, target, room):
    room_rules_set(actor=actor, room=room, read_only=True)


def resolve(actor, target, room):
    report = report_create(
        reporter=UserFactory(), message=MessageFactory(room=room, author=target), reason="rude"
    )
    report_resolve(actor=actor, report=report, resolution=Report.DISMISSED)


def lift(actor, target, room):
    sanction = Sanction.objects.create(kind=Sanction.MUTE, user=target, room=room)
    sanction_lift(actor=actor, sanction=sanction)


ACTS = [delete, kick, mute, ban, remove_recent, rules, resolve, lift]
ON_A_PERSON = [kick, mute, ban, remove_recent]  # what takes a place: a room or the site


def acted(actor) -> bool:
    """Whether ``actor`` left an entry in the audit log (a report is not moderating)."""
    return (
        ModerationAction.objects.filter(actor=actor)
        .exclude(action=ModerationAction.REPORT)
        .exists()
    )


@pytest.mark.parametrize("act", ACTS)
@pytest.mark.parametrize("guest", [True, False], ids=["guest", "plain user"])
def test_a_guest_or_a_plain_user_may_do_none_of_it(act, guest, room, target):
    someone = UserFactory(guest=guest)

    with pytest.raises(NotAllowed):
        act(someone, target, room)

    assert not acted(someone)


@pytest.mark.parametrize("act", ACTS)
def test_the_owner_may_do_all_of_it_in_their_room(act, owner, room, target):
    act(owner, target, room)

    assert acted(owner)


@pytest.mark.parametrize("act", ACTS)
def test_the_owner_of_one_room_may_do_none_of_it_in_another(act, owner, room_b, target):
    with pytest.raises(NotAllowed):
        act(owner, target, room_b)


@pytest.mark.parametrize("act", ACTS)
def test_a_named_moderator_may_act_in_their_room_and_not_in_another(
    act, moderator, room, room_b, target
):
    act(moderator, target, room)
    assert acted(moderator)

    with pytest.raises(NotAllowed):
        act(moderator, target, room_b)


@pytest.mark.parametrize("act", ACTS)
def test_site_staff_with_the_permission_may_act_in_every_room(act, staff, room, room_b, target):
    assert not staff.is_superuser
    act(staff, target, room)
    act(staff, target, room_b)

    assert ModerationAction.objects.filter(actor=staff, room=room_b).exists()


@pytest.mark.parametrize("act", [mute, ban, remove_recent])
def test_site_staff_may_act_site_wide(act, staff, target):
    act(staff, target, None)

    assert ModerationAction.objects.filter(actor=staff, room=None).exists()


def test_staff_without_the_permission_moderate_nothing(room, target):
    plain_staff = UserFactory(is_staff=True)

    with pytest.raises(NotAllowed):
        kick(plain_staff, target, room)
    assert not can_moderate(user=plain_staff, room=None)


def test_the_permission_without_staff_status_moderates_nothing_and_costs_no_query(room, target):
    """docs/moderation.md: site moderators are staff with the permission. Everyone else is
    told so without Django's two permission queries (a connect asks this of every user)."""
    not_staff = UserFactory()
    not_staff.user_permissions.add(Permission.objects.get(codename="moderate_rooms"))
    not_staff = get_user_model().objects.get(pk=not_staff.pk)

    with CaptureQueriesContext(connection) as queries:
        assert not is_site_moderator(not_staff)
    assert queries.captured_queries == []
    with pytest.raises(NotAllowed):
        kick(not_staff, target, room)


@pytest.mark.parametrize("act", [mute, ban, remove_recent])
def test_a_room_moderator_cannot_act_site_wide(act, owner, moderator, target):
    for actor in (owner, moderator):
        with pytest.raises(NotAllowed):
            act(actor, target, None)

    assert not Sanction.objects.exists()


@pytest.mark.parametrize("act", ON_A_PERSON)
def test_a_room_moderator_cannot_act_on_the_rooms_owner_or_site_staff(
    act, owner, moderator, staff, room
):
    for protected in (owner, staff):
        with pytest.raises(NotAllowed):
            act(moderator, protected, room)

    assert not acted(moderator)


@pytest.mark.parametrize("act", ON_A_PERSON)
def test_the_owner_cannot_act_on_site_staff_but_staff_can_act_on_the_owner(act, owner, staff, room):
    with pytest.raises(NotAllowed):
        act(owner, staff, room)

    act(staff, owner, room)
    assert acted(staff)


def test_a_room_moderator_cannot_delete_the_owners_or_site_staffs_messages(
    owner, moderator, staff, room
):
    for protected in (owner, staff):
        message = MessageFactory(room=room, author=protected)

        with pytest.raises(NotAllowed):
            message_delete(actor=moderator, message=message)

        assert Message.objects.get(pk=message.pk).deleted_at is None


@pytest.mark.parametrize("act", [kick, mute, ban])
def test_nobody_acts_on_themselves(act, owner, moderator, staff, room):
    for actor in (owner, moderator, staff):
        with pytest.raises(REFUSED):
            act(actor, actor, room)

    assert not Sanction.objects.exists()
    assert not ModerationAction.objects.exclude(action=ModerationAction.MODERATOR_ADD).exists()


def test_a_muted_moderator_cannot_lift_their_own_mute(owner, moderator, room):
    sanction = sanction_give(
        actor=owner, target=moderator, kind=Sanction.MUTE, duration="1d", room=room
    )

    with pytest.raises(REFUSED):
        sanction_lift(actor=moderator, sanction=sanction)

    assert mute_active(user=moderator, room=room) is not None


def test_the_owner_names_a_moderator_who_may_then_act_until_removed(owner, room, target):
    helper = UserFactory(username="helper")
    assert not can_moderate(user=helper, room=room)

    room_moderator_set(actor=owner, room=room, user=helper, moderator=True)
    assert can_moderate(user=helper, room=room)

    room_moderator_set(actor=owner, room=room, user=helper, moderator=False)
    assert not can_moderate(user=helper, room=room)
    with pytest.raises(NotAllowed):
        kick(helper, target, room)
    log = ModerationAction.objects.filter(actor=owner, target=helper, room=room)
    assert sorted(log.values_list("action", flat=True)) == [
        ModerationAction.MODERATOR_ADD,
        ModerationAction.MODERATOR_REMOVE,
    ]


def test_site_staff_may_name_moderators_of_any_room(staff, room):
    helper = UserFactory(username="helper")

    room_moderator_set(actor=staff, room=room, user=helper, moderator=True)

    assert list(room.moderators.all()) == [helper]


def test_only_the_owner_or_site_staff_name_moderators(moderator, room, room_b):
    helper = UserFactory(username="helper")
    others_owner = room_b.creator

    for actor in (moderator, others_owner, UserFactory(), UserFactory(guest=True)):
        with pytest.raises(NotAllowed):
            room_moderator_set(actor=actor, room=room, user=helper, moderator=True)
    with pytest.raises(NotAllowed):
        room_moderator_set(actor=moderator, room=room, user=moderator, moderator=False)

    assert list(room.moderators.all()) == [moderator]
