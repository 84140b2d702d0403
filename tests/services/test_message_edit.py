"""Editing: the author alone, within the window, under the room's rules and the filter;
the old text is kept, the mentions follow the new one."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chat.messaging.edits import message_edit_apply
from chat.messaging.errors import EditWindowPassed, MessageNotFound, NotYours
from chat.models import Message, MessageRevision, Sanction, WordFilter
from chat.moderation.errors import Filtered, Muted, NotAllowed, ReadOnly
from chat.moderation.moderators import room_moderator_set
from chat.moderation.sanctions import sanction_give
from tests.factories import MessageFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def room(owner):
    return RoomFactory(slug="room-a", creator=owner)


@pytest.fixture
def author(db):
    return UserFactory(username="author")


@pytest.fixture
def message(room, author):
    return MessageFactory(room=room, author=author, body="helo wrold")


def edit(message, actor, body, **kwargs):
    return message_edit_apply(
        actor=actor, room=message.room, message_id=message.pk, body=body, **kwargs
    )


def test_the_author_edits_and_the_earlier_text_is_kept(message, author):
    payload = edit(message, author, "hello world")

    message.refresh_from_db()
    assert message.body == "hello world"
    assert message.edited_at is not None and message.changed_at == message.edited_at
    assert payload["body"] == "hello world"
    assert payload["edited"] is not None
    assert list(MessageRevision.objects.filter(message=message).values_list("body", flat=True)) == [
        "helo wrold"
    ]


def test_every_edit_keeps_the_text_it_replaced(message, author):
    edit(message, author, "second")
    edit(message, author, "third")
    assert list(message.revisions.values_list("body", flat=True)) == ["helo wrold", "second"]


def test_an_edit_to_the_same_text_changes_nothing(message, author):
    assert edit(message, author, "helo wrold") is None
    message.refresh_from_db()
    assert message.edited_at is None
    assert not message.revisions.exists()


def test_nobody_else_edits_not_even_a_moderator_of_the_room(message, owner, room):
    moderator = UserFactory(username="mod")
    room_moderator_set(actor=owner, room=room, user=moderator, moderator=True)
    for actor in (UserFactory(username="stranger"), moderator, owner):
        with pytest.raises(NotYours):
            edit(message, actor, "not mine")
    message.refresh_from_db()
    assert message.body == "helo wrold"


def test_the_window_closes_after_the_setting(message, author, settings):
    settings.CHAT_EDIT_WINDOW_MINUTES = 15
    Message.objects.filter(pk=message.pk).update(
        created=timezone.now() - timedelta(minutes=15, seconds=1)
    )
    with pytest.raises(EditWindowPassed) as refused:
        edit(message, author, "too late")
    assert "15 minutes" in str(refused.value.detail)


def test_just_inside_the_window_is_still_allowed(message, author, settings):
    settings.CHAT_EDIT_WINDOW_MINUTES = 15
    Message.objects.filter(pk=message.pk).update(
        created=timezone.now() - timedelta(minutes=14, seconds=50)
    )
    assert edit(message, author, "just in time")["body"] == "just in time"


def test_a_deleted_message_or_one_of_another_room_is_not_found(message, author):
    other_room = RoomFactory()
    with pytest.raises(MessageNotFound):
        message_edit_apply(actor=author, room=other_room, message_id=message.pk, body="x")
    Message.objects.filter(pk=message.pk).update(deleted_at=timezone.now())
    with pytest.raises(MessageNotFound):
        edit(message, author, "back from the dead")


def test_a_held_message_cannot_be_edited_past_review(message, author):
    Message.objects.filter(pk=message.pk).update(held=True)
    with pytest.raises(NotAllowed):
        edit(message, author, "now clean")


def test_a_muted_author_cannot_edit(message, author, owner, room):
    sanction_give(actor=owner, target=author, kind=Sanction.MUTE, duration="1h", room=room)
    with pytest.raises(Muted):
        edit(message, author, "sneaky")


def test_a_read_only_room_refuses_edits_as_it_refuses_sends(message, author, room):
    room.read_only = True
    room.save()
    with pytest.raises(ReadOnly):
        edit(message, author, "still talking")


def test_slow_mode_does_not_count_edits(message, author, room):
    room.slow_mode_seconds = 60
    room.save()
    edit(message, author, "first fix")
    assert edit(message, author, "second fix")["body"] == "second fix"


def test_the_word_filter_masks_an_edit_and_refuses_what_it_would_hold(message, author):
    WordFilter.objects.create(pattern="darn", action=WordFilter.MASK)
    masked = edit(message, author, "oh darn")["body"]
    assert masked.startswith("oh *") and "darn" not in masked
    WordFilter.objects.create(pattern="casino", action=WordFilter.HOLD)
    with pytest.raises(Filtered):
        edit(message, author, "visit my casino")
    message.refresh_from_db()
    assert message.body == masked and not message.held


def test_an_edit_finds_the_mentions_of_its_new_text(message, author):
    bob, carol = UserFactory(username="bob"), UserFactory(username="carol")
    edit(message, author, "hi @bob")
    assert list(message.mentions.values_list("user", flat=True)) == [bob.pk]
    payload = edit(message, author, "hi @carol")
    assert list(message.mentions.values_list("user", flat=True)) == [carol.pk]
    assert payload["mentions"] == [{"id": carol.pk, "name": "carol", "text": "@carol"}]
