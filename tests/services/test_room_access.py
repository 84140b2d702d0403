"""Who may read a room: public rooms everyone logged in, private rooms and direct
conversations their members only; how people get in and out, and blocking."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.utils import timezone

from chat.access.direct import block_set, direct_partner, direct_room_open
from chat.access.errors import (
    BlockedConversation,
    InvalidAccessChange,
    InviteInvalid,
    NotRoomManager,
)
from chat.access.private import (
    invite_accept,
    invite_create,
    invite_revoke,
    room_member_add,
    room_member_remove,
    room_privacy_set,
)
from chat.access.rules import room_readable, rooms_listed, rooms_readable
from chat.models import Room, RoomInvite, RoomMember
from chat.services import message_accept
from tests.factories import RoomFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def room(owner):
    return RoomFactory(slug="club", creator=owner)


@pytest.fixture
def staff(db):
    user = UserFactory(username="staff", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="moderate_rooms"))
    return user


def send(room, author, body="hi"):
    return message_accept(room=room, author=author, body=body, client_msg_id=None, moderator=False)


def test_a_public_room_is_read_by_anyone_logged_in(room):
    assert room_readable(user=UserFactory(), room=room)
    assert not room_readable(user=AnonymousUser(), room=room)


def test_a_private_room_is_read_by_its_members_only_not_even_by_staff(room, owner, staff):
    stranger = UserFactory()
    room_privacy_set(actor=owner, room=room, private=True)

    assert room.kind == Room.PRIVATE
    assert room_readable(user=owner, room=room)
    assert not room_readable(user=stranger, room=room)
    assert not room_readable(user=staff, room=room)
    assert room not in rooms_listed(user=stranger)
    assert room in rooms_listed(user=owner)
    assert room not in rooms_readable(user=AnonymousUser())


def test_only_the_owner_or_site_staff_makes_a_room_private(room, owner, staff):
    moderator = UserFactory()
    room.moderators.add(moderator)
    for actor in (UserFactory(), moderator):
        with pytest.raises(NotRoomManager):
            room_privacy_set(actor=actor, room=room, private=True)
    room_privacy_set(actor=staff, room=room, private=True)
    # Its owner and moderators are let in with it.
    assert set(room.members.values_list("user", flat=True)) == {owner.pk, moderator.pk}


def test_members_come_in_by_name_and_go_out_again(room, owner):
    room_privacy_set(actor=owner, room=room, private=True)
    friend = UserFactory()
    with pytest.raises(NotRoomManager):
        room_member_add(actor=UserFactory(), room=room, user=friend)
    room_member_add(actor=owner, room=room, user=friend)
    assert room_readable(user=friend, room=room)

    room_member_remove(actor=owner, room=room, user=friend)
    assert not room_readable(user=friend, room=room)
    with pytest.raises(InvalidAccessChange):
        room_member_remove(actor=owner, room=room, user=owner)


def test_an_invitation_link_lets_people_in_until_it_expires_or_is_revoked(room, owner):
    room_privacy_set(actor=owner, room=room, private=True)
    invite = invite_create(actor=owner, room=room, duration="1h")
    guest = UserFactory()

    assert invite_accept(user=guest, token=invite.token) == room
    assert room_readable(user=guest, room=room)
    assert RoomInvite.objects.get(pk=invite.pk).uses == 1

    RoomInvite.objects.filter(pk=invite.pk).update(expires=timezone.now() - timedelta(seconds=1))
    with pytest.raises(InviteInvalid):
        invite_accept(user=UserFactory(), token=invite.token)

    fresh = invite_create(actor=owner, room=room)
    invite_revoke(actor=owner, invite=fresh)
    with pytest.raises(InviteInvalid):
        invite_accept(user=UserFactory(), token=fresh.token)
    with pytest.raises(InviteInvalid):
        invite_accept(user=UserFactory(), token="no-such-token")
    with pytest.raises(NotRoomManager):
        invite_create(actor=UserFactory(), room=room)


def test_a_direct_conversation_is_one_room_per_pair_for_its_two_people_only(staff):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    room = direct_room_open(user=alice, other=bob)

    assert direct_room_open(user=bob, other=alice) == room
    assert room.kind == Room.DIRECT
    assert direct_partner(room=room, user=alice) == bob
    assert room_readable(user=bob, room=room)
    for outsider in (UserFactory(), staff):
        assert not room_readable(user=outsider, room=room)
    assert room not in rooms_listed(user=alice)  # conversations are listed apart
    with pytest.raises(InvalidAccessChange):
        direct_room_open(user=alice, other=alice)
    with pytest.raises(InvalidAccessChange):
        room_member_add(actor=alice, room=room, user=UserFactory())


def test_blocking_stops_direct_messages_both_ways_and_unblocking_restores_them():
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    room = direct_room_open(user=alice, other=bob)
    send(room, bob, "hello")

    block_set(user=alice, target=bob, blocked=True)

    for author in (bob, alice):
        with pytest.raises(BlockedConversation):
            send(room, author, "still there?")
    with pytest.raises(BlockedConversation):
        direct_room_open(user=bob, other=alice)
    block_set(user=alice, target=bob, blocked=False)
    send(room, bob, "hello again")


def test_a_block_holds_only_in_direct_conversations(room):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    block_set(user=alice, target=bob, blocked=True)
    message, _ = send(room, bob, "in public")
    assert message.pk


def test_a_deactivated_person_cannot_be_messaged():
    alice, gone = UserFactory(), UserFactory(is_active=False)
    with pytest.raises(InvalidAccessChange):
        direct_room_open(user=alice, other=gone)
    assert not RoomMember.objects.exists()
