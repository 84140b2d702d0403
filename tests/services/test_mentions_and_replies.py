"""@mentions are stored as the people they name, and a reply as the message it answers."""

import pytest
from django.utils import timezone

from chat.messaging.errors import ReplyNotFound
from chat.messaging.mentions import MENTIONS_MAX, mentions_find
from chat.models import Message
from chat.payloads import message_payload
from chat.profiles import user_rename
from chat.services import message_accept
from tests.factories import MessageFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(db):
    return RoomFactory()


@pytest.fixture
def bob(db):
    return UserFactory(username="Bob")


def send(room, author, body, reply_to_id=None):
    message, _ = message_accept(
        room=room,
        author=author,
        body=body,
        client_msg_id=None,
        moderator=False,
        reply_to_id=reply_to_id,
    )
    return message


def names(body):
    return [(text, user.get_username()) for text, user in mentions_find(body=body)]


def test_a_mention_is_found_by_name_in_any_case_once(bob):
    carol = UserFactory(username="carol")
    assert names("@bob and @CAROL, and @bob again") == [("@bob", "Bob"), ("@CAROL", "carol")]
    assert carol  # both are people


def test_punctuation_after_a_name_is_not_part_of_it(bob):
    assert names("thanks @bob.") == [("@bob", "Bob")]
    assert names("(@bob)") == [("@bob", "Bob")]
    assert names("@bob!") == [("@bob", "Bob")]


def test_a_name_that_ends_in_a_dot_is_found_whole():
    UserFactory(username="dr.")
    UserFactory(username="dr")
    assert names("ask @dr. now") == [("@dr.", "dr.")]


def test_an_address_or_an_unknown_name_is_no_mention(bob):
    assert names("mail bob@bob.example") == []
    assert names("@nobody here") == []
    assert names("no at sign") == []


def test_a_body_without_an_at_sign_costs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert mentions_find(body="hello world") == []


def test_one_message_names_at_most_so_many_people():
    for number in range(MENTIONS_MAX + 5):
        UserFactory(username=f"p{number}")
    body = " ".join(f"@p{number}" for number in range(MENTIONS_MAX + 5))
    assert len(mentions_find(body=body)) == MENTIONS_MAX


def test_a_sent_message_carries_its_mentions_and_a_rename_keeps_them(room, bob):
    message = send(room, UserFactory(username="alice"), "hi @bob")
    assert message_payload(message)["mentions"] == [{"id": bob.pk, "name": "Bob", "text": "@bob"}]

    user_rename(user=bob, nickname="Robert")

    reloaded = Message.objects.for_payload().get(pk=message.pk)
    assert message_payload(reloaded)["mentions"] == [
        {"id": bob.pk, "name": "Robert", "text": "@bob"}
    ]
    assert list(bob.mentions.values_list("message", flat=True)) == [message.pk]


def test_a_reply_carries_a_quote_of_its_original(room, bob):
    original = send(room, bob, "x" * 150)
    reply = send(room, UserFactory(), "agreed", reply_to_id=original.pk)

    quote = message_payload(reply)["reply_to"]
    assert quote["id"] == original.pk
    assert quote["author"]["name"] == "Bob"
    assert quote["excerpt"] == "x" * 100
    assert quote["deleted"] is False


def test_a_reply_to_a_message_deleted_since_shows_it_deleted_and_a_purge_drops_the_quote(room, bob):
    original = send(room, bob, "secret")
    reply = send(room, UserFactory(), "what?", reply_to_id=original.pk)
    Message.objects.filter(pk=original.pk).update(deleted_at=timezone.now())

    quote = message_payload(Message.objects.for_payload().get(pk=reply.pk))["reply_to"]
    assert (quote["deleted"], quote["excerpt"]) == (True, "")

    Message.objects.filter(pk=original.pk).delete()
    assert message_payload(Message.objects.for_payload().get(pk=reply.pk))["reply_to"] is None


def test_no_reply_to_a_message_of_another_room_a_deleted_or_a_held_one(room, bob):
    elsewhere = MessageFactory(room=RoomFactory())
    deleted = MessageFactory(room=room, deleted_at=timezone.now())
    held = MessageFactory(room=room, author=bob, held=True)
    for original in (elsewhere, deleted, held):
        with pytest.raises(ReplyNotFound):
            send(room, bob, "re", reply_to_id=original.pk)
    with pytest.raises(ReplyNotFound):
        send(room, bob, "re", reply_to_id=10**12)
    assert not Message.objects.filter(body="re").exists()


def test_a_new_message_payload_costs_no_query(room, bob, django_assert_num_queries):
    original = send(room, bob, "first")
    reply = send(room, UserFactory(username="zed"), "hi @Bob", reply_to_id=original.pk)
    with django_assert_num_queries(0):
        payload = message_payload(reply)
    assert payload["mentions"][0]["id"] == bob.pk
    assert payload["reactions"] == []


def test_a_run_longer_than_a_name_names_nobody_even_if_it_starts_with_one():
    UserFactory(username="a" * 32)
    assert names("@" + "a" * 40) == []
    assert names("@" + "a" * 32 + ".") == [("@" + "a" * 32, "a" * 32)]
