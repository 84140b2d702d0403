"""Who may open the room socket, and what they are told when they do."""

import pytest

from chat.realtime.consumer import CLOSE_NOT_AUTHENTICATED, CLOSE_ROOM_NOT_FOUND
from tests.sockets import joined, socket_for

pytestmark = pytest.mark.django_db(transaction=True)


async def test_anonymous_visitor_is_closed_with_4401():
    communicator = await socket_for(None)
    connected, _ = await communicator.connect()
    assert connected  # accepted, so the close code reaches the browser
    closed = await communicator.receive_output()
    assert closed == {"type": "websocket.close", "code": CLOSE_NOT_AUTHENTICATED}


async def test_foreign_origin_is_refused(user):
    communicator = await socket_for(user, origin="http://evil.example")
    connected, _ = await communicator.connect()
    assert not connected


async def test_missing_origin_is_refused(user):
    communicator = await socket_for(user, origin=None)
    connected, _ = await communicator.connect()
    assert not connected


async def test_unknown_room_is_closed_with_4404(user):
    communicator = await socket_for(user, slug="no-such-room")
    connected, _ = await communicator.connect()
    assert connected
    closed = await communicator.receive_output()
    assert closed == {"type": "websocket.close", "code": CLOSE_ROOM_NOT_FOUND}


async def test_welcome_names_me_the_room_and_who_is_online(user, lobby):
    communicator, welcome = await joined(user)
    assert welcome["me"]["name"] == user.username
    assert welcome["me"]["avatar"].endswith(".svg")
    assert welcome["room"] == {"slug": "lobby", "title": "Lobby", "kind": "public"}
    assert [entry["user"]["id"] for entry in welcome["online"]] == [user.pk]
    assert welcome["count"] == 1
    await communicator.disconnect()
