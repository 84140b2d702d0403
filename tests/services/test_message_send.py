import pytest

from chat import services
from chat.errors import BodyTooLong, EmptyBody
from chat.models import Message
from tests.factories import RoomFactory, UserFactory


@pytest.fixture
def announced(monkeypatch):
    frames = []
    monkeypatch.setattr(
        services,
        "room_broadcast_sync",
        lambda *, room, text, seq: frames.append((room.slug, text)),
    )
    return frames


@pytest.mark.django_db
def test_a_message_is_announced_only_after_its_transaction_commits(
    announced, django_capture_on_commit_callbacks
):
    room, author = RoomFactory(), UserFactory()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = services.message_send(room=room, author=author, body="hi")
        assert announced == []

    assert len(callbacks) == 1
    assert announced[0][0] == room.slug
    assert f'"id": {message.pk}' in announced[0][1]


@pytest.mark.django_db
def test_a_rolled_back_message_is_never_announced(announced, django_capture_on_commit_callbacks):
    from django.db import transaction

    room, author = RoomFactory(), UserFactory()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.message_send(room=room, author=author, body="hi")
        raise RuntimeError("rollback")

    assert announced == []
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_the_same_client_msg_id_gives_the_same_message(
    announced, django_capture_on_commit_callbacks
):
    room, author = RoomFactory(), UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        first = services.message_send(room=room, author=author, body="a", client_msg_id="k")
        again = services.message_send(room=room, author=author, body="a", client_msg_id="k")

    assert first.pk == again.pk
    assert Message.objects.count() == 1
    assert len(announced) == 1


@pytest.mark.django_db
def test_client_msg_ids_are_per_author(announced):
    room = RoomFactory()

    one = services.message_send(room=room, author=UserFactory(), body="a", client_msg_id="k")
    two = services.message_send(room=room, author=UserFactory(), body="b", client_msg_id="k")

    assert one.pk != two.pk


@pytest.mark.django_db
def test_surrounding_whitespace_is_trimmed_and_inner_lines_kept(announced):
    message = services.message_send(
        room=RoomFactory(), author=UserFactory(), body="\n  line one\nline two  \n"
    )

    assert message.body == "line one\nline two"


@pytest.mark.parametrize("body", ["", " ", "\n\t  \n"])
def test_empty_bodies_are_refused(body):
    with pytest.raises(EmptyBody):
        services.message_body_clean(body=body)


def test_the_length_limit_is_4000_characters(settings):
    assert services.message_body_clean(body="字" * 4000) == "字" * 4000
    with pytest.raises(BodyTooLong):
        services.message_body_clean(body="字" * 4001)
