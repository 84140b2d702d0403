"""The room list counts the people in each room other than its reader: the page the reader
just left may still hold its socket (the browser closes it once this page has arrived), and
a reader of the list is not in a room in that tab."""

import pytest
from asgiref.sync import async_to_sync

from chat.payloads import user_payload
from chat.presence.tracker import presence_store
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def online(user, room: str, channel: str) -> None:
    async_to_sync(presence_store().join)(room=room, user=user_payload(user), channel_name=channel)


def counts(response) -> dict[str, int]:
    return {room.slug: room.online_count for room in response.context["rooms"]}


def test_the_reader_is_not_counted_in_the_room_they_just_left(client, lobby):
    reader = UserFactory()
    online(reader, "lobby", "their-closing-socket")
    client.force_login(reader)

    assert counts(client.get("/"))["lobby"] == 0


def test_everyone_else_is_counted(client, lobby, other_room):
    reader, first, second = UserFactory(), UserFactory(), UserFactory()
    online(reader, "lobby", "r1")
    online(first, "lobby", "f1")
    online(first, "lobby", "f2")  # two tabs count once
    online(second, "other", "s1")
    client.force_login(reader)

    assert counts(client.get("/")) == {"lobby": 1, "other": 1}
    page = client.get("/").content.decode()
    assert page.count("1 online") == 2


def test_a_visitor_who_is_not_logged_in_sees_everyone(client, lobby):
    online(UserFactory(), "lobby", "x1")
    assert counts(client.get("/"))["lobby"] == 1


def test_with_redis_too(client, lobby, redis_settings):
    reader, other = UserFactory(), UserFactory()
    online(reader, "lobby", "r1")
    online(other, "lobby", "o1")
    client.force_login(reader)

    assert counts(client.get("/"))["lobby"] == 1
