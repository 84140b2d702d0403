import pytest

from chat.models import Message, Reaction
from chat.payloads import message_payload
from chat.selectors import messages_page
from tests.factories import MessageFactory, RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def room_with_ten():
    room = RoomFactory()
    ids = [MessageFactory(room=room).pk for _ in range(10)]
    MessageFactory()  # another room's message never shows up
    return room, ids


def test_the_newest_page_ends_at_the_newest_message(room_with_ten):
    room, ids = room_with_ten
    page, has_more = messages_page(room=room, limit=4)
    assert [m.pk for m in page] == ids[6:]
    assert has_more


def test_before_id_pages_backwards(room_with_ten):
    room, ids = room_with_ten
    page, has_more = messages_page(room=room, before_id=ids[3], limit=4)
    assert [m.pk for m in page] == ids[:3]
    assert not has_more


def test_after_id_pages_forwards(room_with_ten):
    room, ids = room_with_ten
    page, has_more = messages_page(room=room, after_id=ids[4], limit=5)
    assert [m.pk for m in page] == ids[5:]
    assert not has_more


def test_a_page_costs_three_queries_however_many_messages_it_holds(
    room_with_ten, django_assert_num_queries
):
    """The messages (with authors, rooms and the messages they reply to), their reactions,
    their mentions: none per message."""
    room, ids = room_with_ten
    messages = list(Message.objects.filter(pk__in=ids).order_by("id"))
    Reaction.objects.create(message=messages[0], user=messages[1].author, emoji="👍")
    Message.objects.filter(pk=ids[2]).update(reply_to=messages[1])
    with django_assert_num_queries(3):
        page, _ = messages_page(room=room, limit=50)
        payloads = [message_payload(m) for m in page]
    assert payloads[0]["reactions"][0]["emoji"] == "👍"
    assert payloads[2]["reply_to"]["id"] == ids[1]
