"""Reactions: one emoji each, once per person, taken back at will, shown grouped."""

import pytest
from django.utils import timezone

from chat.messaging.errors import InvalidEmoji, MessageNotFound, TooManyReactions
from chat.messaging.reactions import (
    EMOJI_PER_MESSAGE_MAX,
    emoji_clean,
    reaction_add_apply,
    reaction_remove_apply,
)
from chat.models import Message, Reaction, Sanction
from chat.moderation.errors import Muted
from chat.moderation.sanctions import sanction_give
from chat.payloads import message_payload
from tests.factories import MessageFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(db):
    return RoomFactory(creator=UserFactory(username="owner"))


@pytest.fixture
def message(room):
    return MessageFactory(room=room)


def add(user, message, emoji):
    return reaction_add_apply(user=user, room=message.room, message_id=message.pk, emoji=emoji)


def remove(user, message, emoji):
    return reaction_remove_apply(user=user, room=message.room, message_id=message.pk, emoji=emoji)


def payload(message):
    return message_payload(Message.objects.for_payload().get(pk=message.pk))["reactions"]


def test_reactions_are_counted_per_emoji_in_the_order_first_given(message):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    assert add(alice, message, "🎉")
    assert add(bob, message, "👍")
    assert add(bob, message, "🎉")

    assert payload(message) == [
        {
            "emoji": "🎉",
            "users": [{"id": alice.pk, "name": "alice"}, {"id": bob.pk, "name": "bob"}],
        },
        {"emoji": "👍", "users": [{"id": bob.pk, "name": "bob"}]},
    ]


def test_adding_twice_is_one_reaction_and_removing_takes_it_back(message):
    alice = UserFactory(username="alice")
    assert add(alice, message, "👍")
    assert not add(alice, message, "👍")
    assert Reaction.objects.count() == 1
    assert remove(alice, message, "👍")
    assert not remove(alice, message, "👍")
    assert payload(message) == []


def test_a_reaction_marks_the_message_changed_for_pages_that_reconnect(message):
    add(UserFactory(), message, "👍")
    message.refresh_from_db()
    assert message.changed_at is not None and message.changed_at <= timezone.now()


@pytest.mark.parametrize(
    "typed, stored",
    [("👍", "👍"), ("❤️", "❤️"), ("❤", "❤️"), ("🇨🇳", "🇨🇳"), ("👍🏽", "👍🏽"), ("👨‍👩‍👧", "👨‍👩‍👧")],
)
def test_any_one_emoji_is_taken_in_one_form(typed, stored):
    assert emoji_clean(text=typed) == stored


@pytest.mark.parametrize("text", ["", "a", "1", "👍👍", "👍 yes", "<b>", "x" * 40, "\u200d"])
def test_anything_but_one_emoji_is_refused(text):
    with pytest.raises(InvalidEmoji):
        emoji_clean(text=text)


def test_a_message_has_at_most_so_many_different_reactions(message):
    alice = UserFactory()
    emoji = [
        "😀",
        "😃",
        "😄",
        "😁",
        "😆",
        "😅",
        "🤣",
        "😂",
        "🙂",
        "🙃",
        "😉",
        "😊",
        "😇",
        "🥰",
        "😍",
        "🤩",
        "😘",
        "😗",
        "😚",
        "😙",
        "😋",
    ]
    for one in emoji[:EMOJI_PER_MESSAGE_MAX]:
        add(alice, message, one)
    with pytest.raises(TooManyReactions):
        add(alice, message, emoji[EMOJI_PER_MESSAGE_MAX])
    # Another person may still join a reaction that is there.
    assert add(UserFactory(), message, emoji[0])


def test_no_reaction_on_a_deleted_or_held_message_or_one_of_another_room(message, room):
    user = UserFactory()
    with pytest.raises(MessageNotFound):
        reaction_add_apply(user=user, room=RoomFactory(), message_id=message.pk, emoji="👍")
    Message.objects.filter(pk=message.pk).update(held=True)
    with pytest.raises(MessageNotFound):
        add(user, message, "👍")
    Message.objects.filter(pk=message.pk).update(held=False, deleted_at=timezone.now())
    with pytest.raises(MessageNotFound):
        add(user, message, "👍")


def test_a_muted_person_cannot_react(message, room):
    user = UserFactory()
    sanction_give(actor=room.creator, target=user, kind=Sanction.MUTE, duration="1h", room=room)
    with pytest.raises(Muted):
        add(user, message, "👍")
    assert not Reaction.objects.exists()
