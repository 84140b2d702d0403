"""History over the socket: the newest page first, older pages by id, catching up after an id."""

import pytest

from tests.factories import MessageFactory
from tests.sockets import joined, next_of_type

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hundred_twenty(lobby, alice):
    return [MessageFactory(room=lobby, author=alice, body=f"m{n}").pk for n in range(120)]


async def test_pages_walk_back_through_the_whole_history(alice, hundred_twenty):
    socket, _ = await joined(alice)

    await socket.send_json_to({"type": "history"})
    newest = await next_of_type(socket, "history")
    await socket.send_json_to({"type": "history", "before_id": newest["messages"][0]["id"]})
    middle = await next_of_type(socket, "history")
    await socket.send_json_to({"type": "history", "before_id": middle["messages"][0]["id"]})
    oldest = await next_of_type(socket, "history")

    assert [m["id"] for m in newest["messages"]] == hundred_twenty[70:]
    assert [m["id"] for m in middle["messages"]] == hundred_twenty[20:70]
    assert [m["id"] for m in oldest["messages"]] == hundred_twenty[:20]
    assert (newest["has_more"], middle["has_more"], oldest["has_more"]) == (True, True, False)
    assert newest["messages"][-1]["body"] == "m119"
    assert newest["messages"][-1]["author"]["name"] == "alice"
    await socket.disconnect()


async def test_after_id_returns_what_came_later_in_order(alice, hundred_twenty):
    socket, _ = await joined(alice)

    await socket.send_json_to({"type": "history", "after_id": hundred_twenty[89], "limit": 20})
    page = await next_of_type(socket, "history")

    assert [m["id"] for m in page["messages"]] == hundred_twenty[90:110]
    assert page["has_more"] is True
    assert page["after_id"] == hundred_twenty[89]
    await socket.disconnect()


async def test_history_of_an_empty_room_is_empty(alice, lobby):
    socket, _ = await joined(alice)

    await socket.send_json_to({"type": "history"})

    assert await next_of_type(socket, "history") == {
        "type": "history",
        "messages": [],
        "has_more": False,
        "before_id": None,
        "after_id": None,
    }
    await socket.disconnect()
