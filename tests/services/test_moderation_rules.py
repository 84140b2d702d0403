"""A room's rules for sending: read-only (moderators only), guests read-only, slow mode
(moderators exempt), and mutes, which hold moderators too. A rule change holds on the next
send; a resend of a message already saved is answered with it, whatever holds since."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from chat import services
from chat.models import Message, ModerationAction, Room, Sanction
from chat.moderation.errors import (
    GuestsReadOnly,
    InvalidModeration,
    Muted,
    NotAllowed,
    ReadOnly,
    SlowMode,
)
from chat.moderation.moderators import room_moderator_set
from chat.moderation.rules import SLOW_MODE_MAX_SECONDS, room_rules_set, send_check
from chat.moderation.sanctions import sanction_give
from tests.factories import RoomFactory, UserFactory


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def room(owner):
    return RoomFactory(slug="room-a", creator=owner)


@pytest.fixture
def moderator(owner, room):
    user = UserFactory(username="moderator")
    room_moderator_set(actor=owner, room=room, user=user, moderator=True)
    return user


@pytest.fixture
def guest(db):
    return UserFactory(username="guest", guest=True)


@pytest.fixture
def member(db):
    return UserFactory(username="member")


def rules(room, **changes) -> None:
    """Set the rules directly, as the admin's form does."""
    Room.objects.filter(pk=room.pk).update(**changes)


def may_send(room, author, *, moderator=False) -> bool:
    send_check(room=room, author=author, moderator=moderator)
    return True


@pytest.mark.django_db
def test_changing_the_rules_is_kept_and_logged(owner, room):
    room_rules_set(actor=owner, room=room, slow_mode_seconds=30, read_only=True)

    saved = Room.objects.get(pk=room.pk)
    assert (saved.slow_mode_seconds, saved.read_only, saved.guests_read_only) == (30, True, False)
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.actor, entry.room) == (ModerationAction.RULES, owner, room)
    assert entry.detail == {
        "slow_mode_seconds": 30,
        "read_only": True,
        "guests_read_only": False,
        "guest_images": False,
    }


@pytest.mark.django_db
def test_a_rule_not_given_is_left_as_it_was(owner, room):
    rules(room, slow_mode_seconds=30, read_only=True)

    room_rules_set(actor=owner, room=Room.objects.get(pk=room.pk), guests_read_only=True)

    saved = Room.objects.get(pk=room.pk)
    assert (saved.slow_mode_seconds, saved.read_only, saved.guests_read_only) == (30, True, True)


@pytest.mark.django_db
@pytest.mark.parametrize("seconds", [-1, SLOW_MODE_MAX_SECONDS + 1])
def test_slow_mode_beyond_its_range_is_refused(seconds, owner, room):
    with pytest.raises(InvalidModeration):
        room_rules_set(actor=owner, room=room, slow_mode_seconds=seconds)

    assert Room.objects.get(pk=room.pk).slow_mode_seconds == 0


@pytest.mark.django_db
def test_nobody_but_a_moderator_changes_the_rules(room, member, guest):
    for someone in (member, guest):
        with pytest.raises(NotAllowed):
            room_rules_set(actor=someone, room=room, read_only=True)

    assert not Room.objects.get(pk=room.pk).read_only


@pytest.mark.django_db
def test_a_read_only_room_refuses_everyone_but_its_moderators(
    owner, moderator, room, member, guest
):
    rules(room, read_only=True)

    for someone in (member, guest):
        with pytest.raises(ReadOnly):
            send_check(room=room, author=someone, moderator=False)
    assert may_send(room, owner, moderator=True)
    assert may_send(room, moderator, moderator=True)


@pytest.mark.django_db
def test_a_rule_change_holds_on_the_next_send_whatever_the_caller_holds(owner, room, member):
    stale = Room.objects.get(pk=room.pk)  # as an open socket loaded it
    assert may_send(stale, member)

    room_rules_set(actor=owner, room=Room.objects.get(pk=room.pk), read_only=True)

    with pytest.raises(ReadOnly):
        send_check(room=stale, author=member, moderator=False)


@pytest.mark.django_db
def test_guests_read_only_refuses_guests_only(owner, room, member, guest):
    rules(room, guests_read_only=True)

    with pytest.raises(GuestsReadOnly):
        send_check(room=room, author=guest, moderator=False)
    assert may_send(room, member)
    assert may_send(room, owner, moderator=True)


@pytest.mark.django_db
def test_slow_mode_refuses_a_second_message_within_its_seconds(room, member, guest):
    rules(room, slow_mode_seconds=30)
    assert may_send(room, member)

    with pytest.raises(SlowMode) as refused:
        send_check(room=room, author=member, moderator=False)

    assert 0 < refused.value.retry_after <= 30
    assert refused.value.fields() == {"retry_after": refused.value.retry_after}
    assert may_send(room, guest), "each person has their own allowance"
    assert may_send(RoomFactory(slow_mode_seconds=30), member), "and one per room"


@pytest.mark.django_db
def test_moderators_are_exempt_from_slow_mode(owner, moderator, room):
    rules(room, slow_mode_seconds=30)

    for _ in range(3):
        assert may_send(room, owner, moderator=True)
        assert may_send(room, moderator, moderator=True)


@pytest.mark.django_db
def test_a_mute_refuses_even_a_moderator(owner, moderator, room):
    sanction_give(
        actor=owner, target=moderator, kind=Sanction.MUTE, duration="1h", room=room, reason="calm"
    )

    with pytest.raises(Muted) as refused:
        send_check(room=room, author=moderator, moderator=True)

    assert refused.value.reason == "calm"
    assert refused.value.until == Sanction.objects.get().expires
    assert refused.value.room == room.slug


@pytest.mark.django_db
def test_a_mute_in_a_room_holds_there_and_a_site_mute_everywhere(owner, room, member):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="moderate_rooms"))
    staff = get_user_model().objects.get(pk=staff.pk)
    elsewhere = RoomFactory()
    sanction_give(actor=owner, target=member, kind=Sanction.MUTE, duration="1h", room=room)

    with pytest.raises(Muted):
        send_check(room=room, author=member, moderator=False)
    assert may_send(elsewhere, member)

    sanction_give(actor=staff, target=member, kind=Sanction.MUTE, duration="1h", room=None)
    with pytest.raises(Muted) as refused:
        send_check(room=elsewhere, author=member, moderator=False)
    assert refused.value.room is None


@pytest.fixture
def announced(monkeypatch):
    frames = []

    async def room_broadcast(*, room_slug, text, seq):
        frames.append(seq)

    monkeypatch.setattr(services, "room_broadcast", room_broadcast)
    return frames


@pytest.mark.django_db(transaction=True)
async def test_a_resend_after_a_mute_is_answered_with_the_saved_message(announced):
    owner = await sync_to_async(UserFactory)()
    room = await sync_to_async(RoomFactory)(creator=owner)
    author = await sync_to_async(UserFactory)()
    sent = await services.message_send(room=room, author=author, body="hi", client_msg_id="k1")

    await sync_to_async(sanction_give)(
        actor=owner, target=author, kind=Sanction.MUTE, duration="1h", room=room
    )
    again = await services.message_send(room=room, author=author, body="hi", client_msg_id="k1")

    assert again.pk == sent.pk
    with pytest.raises(Muted):
        await services.message_send(room=room, author=author, body="more", client_msg_id="k2")
    assert await Message.objects.acount() == 1
    assert announced == [sent.seq], "neither the resend nor the refused send is announced"
