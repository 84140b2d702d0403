"""messages_search: a room's messages, or every readable room's, whose text holds the query in
any case, newest first; never what the viewer may not read. Run on SQLite and PostgreSQL (on
PostgreSQL through migration 0009's index)."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chat.access.rules import room_readable
from chat.models import Message, Room, RoomMember
from chat.search import (
    InvalidSearch,
    messages_search,
    search_page_payload,
    search_query_clean,
)
from tests.factories import MessageFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db


def found(viewer, query, **options) -> list[str]:
    return [hit.message.body for hit in messages_search(viewer=viewer, query=query, **options).hits]


@pytest.fixture
def room():
    return RoomFactory(slug="search", title="Search room")


@pytest.fixture
def reader():
    return UserFactory(username="reader")


def test_an_english_word_is_found_in_any_case(room, reader):
    MessageFactory(room=room, body="Deploy the server tonight")
    MessageFactory(room=room, body="nothing to see")

    assert found(reader, "SERVER", room=room) == ["Deploy the server tonight"]
    assert found(reader, "deploy THE", room=room) == ["Deploy the server tonight"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite folds ASCII letters only")
def test_on_postgresql_case_is_ignored_beyond_ascii_too(room, reader):
    MessageFactory(room=room, body="Rendez-vous à l'école")

    assert found(reader, "ÉCOLE", room=room) == ["Rendez-vous à l'école"]


def test_chinese_is_found_inside_a_sentence_by_two_three_or_one_character(room, reader):
    MessageFactory(room=room, body="你好世界，今天天气很好")
    MessageFactory(room=room, body="世纪")

    assert found(reader, "世界", room=room) == ["你好世界，今天天气很好"]
    assert found(reader, "好世界", room=room) == ["你好世界，今天天气很好"]
    assert found(reader, "天气很", room=room) == ["你好世界，今天天气很好"]
    assert found(reader, "世", room=room) == ["世纪", "你好世界，今天天气很好"]
    assert found(reader, "界世", room=room) == []


def test_mixed_scripts_and_surrounding_spaces(room, reader):
    MessageFactory(room=room, body="新的iPhone手机到了")

    assert found(reader, "  iphone手机 ", room=room) == ["新的iPhone手机到了"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("0%", ["100% sure"]),
        ("a_b", ["a_b"]),
        ("C:\\t", ["C:\\temp"]),
    ],
)
def test_percent_underscore_and_backslash_are_themselves(room, reader, query, expected):
    for body in ("100% sure", "1000 sure", "a_b", "axb", "C:\\temp", "C:temp"):
        MessageFactory(room=room, body=body)

    assert found(reader, query, room=room) == expected


def test_newest_first_and_one_page_after_another(room, reader):
    bodies = [f"match {number}" for number in range(5)]
    for body in bodies:
        MessageFactory(room=room, body=body)

    first = messages_search(viewer=reader, query="match", room=room, limit=2)
    assert [hit.message.body for hit in first.hits] == ["match 4", "match 3"]
    assert first.has_more
    before_id = first.hits[-1].message.pk
    second = messages_search(viewer=reader, query="match", room=room, limit=2, before_id=before_id)
    assert [hit.message.body for hit in second.hits] == ["match 2", "match 1"]
    third = messages_search(
        viewer=reader, query="match", room=room, limit=2, before_id=second.hits[-1].message.pk
    )
    assert [hit.message.body for hit in third.hits] == ["match 0"]
    assert not third.has_more
    assert search_page_payload(third)["next_before_id"] is None
    assert search_page_payload(first)["next_before_id"] == before_id


def test_a_page_holds_at_most_fifty(room, reader):
    for number in range(52):
        MessageFactory(room=room, body=f"many {number}")

    page = messages_search(viewer=reader, query="many", room=room, limit=500)
    assert len(page.hits) == 50 and page.has_more


def test_one_room_or_every_room(room, reader, other_room):
    MessageFactory(room=room, body="weekend plans here")
    MessageFactory(room=other_room, body="weekend plans there")

    assert found(reader, "weekend", room=room) == ["weekend plans here"]
    assert found(reader, "weekend", room=other_room) == ["weekend plans there"]
    assert found(reader, "weekend") == ["weekend plans there", "weekend plans here"]


def test_a_private_room_is_searched_by_its_members_only(room, reader):
    private = RoomFactory(slug="club", title="Club", kind=Room.PRIVATE)
    member = UserFactory(username="member")
    RoomMember.objects.create(room=private, user=member)
    MessageFactory(room=private, body="members only plans")
    MessageFactory(room=room, body="public plans")

    assert found(reader, "plans") == ["public plans"]
    assert found(member, "plans") == ["public plans", "members only plans"]
    assert not room_readable(user=reader, room=private)
    assert room_readable(user=member, room=private)


@pytest.fixture
def hidden(room, other_room):
    """In each room: one message deleted by a moderator, one held by the word filter."""
    author = UserFactory(username="author")
    for place in (room, other_room):
        MessageFactory(room=place, author=author, body=f"secret deleted in {place.slug}")
        MessageFactory(room=place, author=author, body=f"secret held in {place.slug}", held=True)
        MessageFactory(room=place, body=f"secret shown in {place.slug}")
    Message.objects.filter(body__startswith="secret deleted").update(deleted_at=timezone.now())
    return author


def test_deleted_and_held_messages_are_not_found_by_readers(room, reader, hidden):
    assert found(reader, "secret", room=room) == ["secret shown in search"]
    assert found(reader, "secret") == ["secret shown in other", "secret shown in search"]


def test_a_held_message_is_found_by_its_author_as_the_room_shows_it_to_them(room, hidden):
    assert found(hidden, "secret", room=room) == ["secret shown in search", "secret held in search"]


def test_a_moderator_of_the_room_finds_them_there_and_only_there(room, other_room, hidden):
    moderator = UserFactory(username="moderator")
    room.moderators.add(moderator)
    everything_here = [
        "secret shown in search",
        "secret held in search",
        "secret deleted in search",
    ]

    assert found(moderator, "secret", room=room) == everything_here
    assert found(moderator, "secret", room=other_room) == ["secret shown in other"]
    assert found(moderator, "secret") == ["secret shown in other", *everything_here]

    page = messages_search(viewer=moderator, query="deleted", room=room)
    assert search_page_payload(page)["results"][0]["message"]["deleted"] is True


def test_a_moderator_of_another_room_does_not(room, other_room, hidden):
    elsewhere = UserFactory(username="elsewhere")
    other_room.moderators.add(elsewhere)

    assert found(elsewhere, "secret", room=room) == ["secret shown in search"]


def test_the_owner_of_a_room_and_site_moderators_find_them(room, other_room, hidden):
    owner = UserFactory(username="owner")
    room.creator = owner
    room.save()
    staff = UserFactory(username="staff", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="moderate_rooms"))

    assert len(found(owner, "secret")) == 4  # three here, one shown in the other room
    assert len(found(staff, "secret")) == 6


def test_the_context_is_the_neighbours_the_viewer_may_read(room, reader):
    MessageFactory(room=room, body="before it")
    removed = MessageFactory(room=room, body="removed neighbour")
    MessageFactory(room=room, body="the needle")
    MessageFactory(body="another room's")  # between them by id, in another room
    MessageFactory(room=room, body="after it")
    removed.deleted_at = timezone.now()
    removed.save()

    (hit,) = messages_search(viewer=reader, query="needle", room=room).hits
    assert (hit.before.body, hit.after.body) == ("before it", "after it")
    result = search_page_payload(messages_search(viewer=reader, query="needle")).get("results")[0]
    assert result["context"]["before"]["body"] == "before it"
    assert (result["room"]["slug"], result["room"]["title"]) == ("search", "Search room")
    assert result["message"]["body"] == "the needle"


def test_a_search_costs_the_same_queries_however_many_it_finds(room, reader):
    """The hits with their neighbours' ids, the neighbours, the hits' reactions and mentions
    (and who moderates the room): none per hit."""

    def queries(query: str) -> int:
        viewer = type(reader).objects.get(pk=reader.pk)  # nothing of the last search cached
        with CaptureQueriesContext(connection) as context:
            search_page_payload(messages_search(viewer=viewer, query=query, room=room))
        return len(context.captured_queries)

    MessageFactory(room=room, body="once only")
    for number in range(30):
        MessageFactory(room=room, body=f"count {number}")

    assert queries("count") == queries("once only") <= 8


@pytest.mark.parametrize("query", ["", "   ", "a", " a ", "\u200b\u200b", "x" * 101])
def test_too_short_or_too_long_queries_are_refused(query):
    with pytest.raises(InvalidSearch):
        search_query_clean(query=query)


@pytest.mark.parametrize(
    ("query", "cleaned"),
    [("  hi  ", "hi"), ("猫", "猫"), ("x" * 100, "x" * 100), ("a\x00b", "ab")],
)
def test_queries_are_trimmed_and_one_chinese_character_is_enough(query, cleaned):
    assert search_query_clean(query=query) == cleaned
