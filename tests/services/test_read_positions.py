"""Read positions (shared by every tab and device) and the unread counts they give."""

import pytest
from django.utils import timezone

from chat.access.direct import direct_room_open
from chat.access.lists import reader_rooms
from chat.attention.notify import notified_users
from chat.attention.reading import read_mark, read_position, unread_counts
from chat.models import Message
from chat.services import message_accept
from tests.factories import RoomFactory, UserFactory

pytestmark = pytest.mark.django_db


def send(room, author, body="hi"):
    message, _ = message_accept(
        room=room, author=author, body=body, client_msg_id=None, moderator=False
    )
    return message


@pytest.fixture
def people(db):
    return UserFactory(username="alice"), UserFactory(username="bob")


def test_a_position_moves_forward_only_and_no_further_than_the_room(people):
    alice, bob = people
    room = RoomFactory()
    for number in range(3):
        send(room, bob, f"m{number}")

    assert read_mark(user=alice, room=room, seq=2) == 2
    assert read_mark(user=alice, room=room, seq=1) is None  # another tab, behind
    assert read_position(user=alice, room=room) == 2
    assert read_mark(user=alice, room=room, seq=99) == 3
    assert read_position(user=alice, room=room) == 3


def test_unread_counts_leave_out_own_and_deleted_messages_and_count_mentions(people):
    alice, bob = people
    room = RoomFactory()
    send(room, bob, "before")
    read_mark(user=alice, room=room, seq=1)
    send(room, alice, "mine")
    send(room, bob, "hey @alice")
    gone = send(room, bob, "@alice oops")
    Message.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    send(room, bob, "later")

    assert unread_counts(user=alice, rooms=[room]) == {room.pk: {"unread": 2, "mentions": 1}}


def test_a_readers_rooms_are_their_conversations_and_the_rooms_they_opened_newest_first(people):
    alice, bob = people
    opened, never = RoomFactory(title="Opened"), RoomFactory(title="Never")
    send(opened, bob, "old news")
    read_mark(user=alice, room=opened, seq=1)
    send(never, bob, "unseen")
    conversation = direct_room_open(user=bob, other=alice)
    send(conversation, bob, "psst")

    listed = reader_rooms(user=alice)

    assert [entry["slug"] for entry in listed] == [conversation.slug, opened.slug]
    assert listed[0]["title"] == "bob" and listed[0]["partner"]["id"] == bob.pk
    assert (listed[0]["unread"], listed[1]["unread"]) == (1, 0)


def test_a_direct_message_and_a_mention_tell_those_they_are_for_never_the_author(people):
    alice, bob = people
    carol = UserFactory(username="carol")
    conversation = direct_room_open(user=alice, other=bob)
    assert notified_users(message=send(conversation, alice, "hi @alice"), room=conversation) == {
        bob.pk: "direct"
    }
    room = RoomFactory()
    told = notified_users(message=send(room, alice, "@bob and @carol"), room=room)
    assert told == {bob.pk: "mention", carol.pk: "mention"}
    assert notified_users(message=send(room, alice, "nobody"), room=room) == {}
