import logging

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chat import services
from chat.errors import BodyTooLong, EmptyBody, RateLimited
from chat.models import Message, Room
from tests.factories import RoomFactory, UserFactory


@pytest.fixture
def announced(monkeypatch):
    frames = []

    async def room_broadcast(*, room_slug, text, seq):
        # What the database holds when the announcement goes out.
        saved = await Message.objects.filter(room__slug=room_slug, seq=seq).aexists()
        frames.append({"room": room_slug, "text": text, "seq": seq, "saved": saved})

    monkeypatch.setattr(services, "room_broadcast", room_broadcast)
    return frames


# PostgreSQL numbers and inserts a plain message in one statement (chat/messaging/numbering.py);
# SQLite, or a message with mentions to save with it, takes UPDATE … RETURNING and INSERT in a
# transaction.
PLAIN_SAVE = ["WITH"] if connection.vendor == "postgresql" else ["UPDATE", "INSERT"]


def statements(queries) -> list[str]:
    # The test's own transaction turns the service's into a savepoint; outside tests that is
    # BEGIN and COMMIT (or, for the one statement, nothing), which are not statements here.
    return [q["sql"].split()[0] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]


@pytest.mark.django_db
def test_a_new_message_is_numbered_and_saved_in_as_few_statements_as_the_database_allows():
    room, author = RoomFactory(), UserFactory()

    with CaptureQueriesContext(connection) as queries:
        first, new = services.message_save(room=room, author=author, body="a", client_msg_id="k1")
    second, _ = services.message_save(room=room, author=author, body="b", client_msg_id="k2")

    assert statements(queries) == PLAIN_SAVE
    assert new is True
    assert (first.seq, second.seq) == (1, 2)
    assert Room.objects.get(pk=room.pk).last_seq == 2
    saved = Message.objects.get(pk=first.pk)
    assert (saved.body, saved.author_id, saved.client_msg_id, saved.seq) == (
        "a",
        author.pk,
        "k1",
        1,
    )
    assert saved.created == first.created is not None
    assert (saved.held, saved.reply_to_id, saved.deleted_at) == (False, None, None)


@pytest.mark.django_db
def test_a_message_that_mentions_someone_is_saved_with_its_mention_in_one_transaction():
    room, author = RoomFactory(), UserFactory()
    named = UserFactory(username="bob")

    message, _ = services.message_save(room=room, author=author, body="hi @bob")

    assert list(Message.objects.get(pk=message.pk).mentions.values_list("user", flat=True)) == [
        named.pk
    ]
    assert message.seq == 1


@pytest.mark.django_db
def test_a_plain_send_is_checked_in_one_query_then_saved():
    """The room's rules, a mute, whether any word filter applies: one SELECT for a send
    that none of them stops (docs/performance.md: the send path is the worker's bottleneck)."""
    room, author = RoomFactory(), UserFactory()

    with CaptureQueriesContext(connection) as queries:
        services.message_accept(
            room=room, author=author, body="hello", client_msg_id="q1", moderator=False
        )

    assert statements(queries) == ["SELECT", *PLAIN_SAVE]


@pytest.mark.django_db
def test_the_same_client_msg_id_gives_the_same_message():
    room, author = RoomFactory(), UserFactory()

    first, _ = services.message_save(room=room, author=author, body="a", client_msg_id="k")
    again, new = services.message_save(room=room, author=author, body="a", client_msg_id="k")

    assert (again.pk, new) == (first.pk, False)
    assert Message.objects.count() == 1
    assert Room.objects.get(pk=room.pk).last_seq == 1, "the resend used no number"


@pytest.mark.django_db
def test_client_msg_ids_are_per_author():
    room = RoomFactory()

    one, _ = services.message_save(room=room, author=UserFactory(), body="a", client_msg_id="k")
    two, _ = services.message_save(room=room, author=UserFactory(), body="b", client_msg_id="k")

    assert one.pk != two.pk


@pytest.mark.django_db
def test_a_failed_insert_gives_its_number_back(monkeypatch):
    room, author = RoomFactory(), UserFactory()
    UserFactory(username="bob")  # a mention: the transaction's path on every database

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Message, "save", broken)
    with pytest.raises(RuntimeError):
        services.message_save(room=room, author=author, body="@bob a")

    assert Room.objects.get(pk=room.pk).last_seq == 0, "the numbers stay gapless"


@pytest.mark.django_db
def test_an_insert_the_database_refuses_takes_no_number():
    room, author = RoomFactory(), UserFactory()
    services.message_save(room=room, author=author, body="a", client_msg_id="k")

    _again, new = services.message_save(room=room, author=author, body="b", client_msg_id="k")
    third, _ = services.message_save(room=room, author=author, body="c", client_msg_id="k3")

    assert new is False
    assert third.seq == 2, "the refused resend took no number"


@pytest.mark.django_db
def test_a_message_into_a_room_that_is_gone_is_refused():
    room, author = RoomFactory(), UserFactory()
    Room.objects.filter(pk=room.pk).delete()

    with pytest.raises(Room.DoesNotExist):
        services.message_save(room=room, author=author, body="a")

    assert not Message.objects.exists()


@pytest.mark.django_db(transaction=True)
async def test_a_message_is_announced_once_it_is_saved(announced):
    room, author = await sync_to_async(RoomFactory)(), await sync_to_async(UserFactory)()

    message = await services.message_send(room=room, author=author, body="hi", client_msg_id="k")
    again = await services.message_send(room=room, author=author, body="hi", client_msg_id="k")

    assert again.pk == message.pk
    assert len(announced) == 1, "a resend is not announced again"
    assert announced[0]["room"] == room.slug
    assert announced[0]["seq"] == message.seq
    assert announced[0]["saved"] is True
    assert f'"id": {message.pk}' in announced[0]["text"]


@pytest.mark.django_db(transaction=True)
async def test_a_message_that_could_not_be_saved_is_never_announced(announced, monkeypatch):
    room, author = await sync_to_async(RoomFactory)(), await sync_to_async(UserFactory)()

    def broken(**fields):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "message_save", broken)
    with pytest.raises(RuntimeError):
        await services.message_send(room=room, author=author, body="hi")

    assert announced == []


@pytest.mark.django_db(transaction=True)
async def test_a_failed_announcement_is_logged_and_the_message_kept(monkeypatch, caplog):
    room, author = await sync_to_async(RoomFactory)(), await sync_to_async(UserFactory)()

    async def redis_down(**event):
        raise ConnectionError("Redis is unreachable")

    monkeypatch.setattr(services, "room_broadcast", redis_down)
    with caplog.at_level(logging.ERROR, logger="chat.services"):
        message = await services.message_send(room=room, author=author, body="hi")

    assert await Message.objects.filter(pk=message.pk).aexists()
    assert f"announcing message {message.pk} in room {room.slug} failed" in caplog.text


@pytest.mark.django_db(transaction=True)
async def test_sends_past_the_rate_limit_are_refused_and_not_saved(announced, settings):
    settings.CHAT_RATE_LIMIT_MESSAGES = 2
    room, author = await sync_to_async(RoomFactory)(), await sync_to_async(UserFactory)()

    for body in ("one", "two"):
        await services.message_send(room=room, author=author, body=body)
    with pytest.raises(RateLimited):
        await services.message_send(room=room, author=author, body="three")

    assert await Message.objects.acount() == 2


@pytest.mark.django_db(transaction=True)
async def test_surrounding_whitespace_is_trimmed_and_inner_lines_kept(announced):
    room, author = await sync_to_async(RoomFactory)(), await sync_to_async(UserFactory)()

    body = "\n  line one\nline two  \n"

    message = await services.message_send(room=room, author=author, body=body)

    assert message.body == "line one\nline two"


@pytest.mark.parametrize("body", ["", " ", "\n\t  \n"])
def test_empty_bodies_are_refused(body):
    with pytest.raises(EmptyBody):
        services.message_body_clean(body=body)


def test_the_length_limit_is_4000_characters(settings):
    assert services.message_body_clean(body="字" * 4000) == "字" * 4000
    with pytest.raises(BodyTooLong):
        services.message_body_clean(body="字" * 4001)
