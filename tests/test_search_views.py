"""The search endpoints: JSON for signed-in users, a room's or every room's results with their
room and neighbours, a clear error with a stable code for every refusal."""

import pytest
from django.test import Client

from chat.models import Room
from tests.factories import MessageFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_room_search_answers_messages_with_their_room_and_neighbours(alice, lobby):
    MessageFactory(room=lobby, body="before")
    match = MessageFactory(room=lobby, author=alice, body="你好世界")
    MessageFactory(room=lobby, body="after")

    response = client_for(alice).get("/chat/lobby/search/", {"q": "世界"})

    assert response.status_code == 200
    body = response.json()
    assert (body["ok"], body["query"], body["has_more"], body["next_before_id"]) == (
        True,
        "世界",
        False,
        None,
    )
    (result,) = body["results"]
    assert result["message"]["id"] == match.pk
    assert result["message"]["author"]["name"] == "alice"
    assert result["message"]["room"] == "lobby"
    assert (result["room"]["slug"], result["room"]["title"]) == ("lobby", "Lobby")
    assert result["context"]["before"]["body"] == "before"
    assert result["context"]["after"]["body"] == "after"
    assert set(result["context"]["after"]) == {"id", "author", "body", "created"}


def test_every_room_is_searched_without_a_room_and_pages_go_on_with_before_id(
    alice, lobby, other_room
):
    MessageFactory(room=lobby, body="lunch here")
    MessageFactory(room=other_room, body="lunch there")
    client = client_for(alice)

    first = client.get("/search/", {"q": "LUNCH", "limit": "1"}).json()
    assert [r["room"]["slug"] for r in first["results"]] == ["other"]
    assert first["has_more"] is True
    second = client.get(
        "/search/", {"q": "lunch", "limit": "1", "before_id": first["next_before_id"]}
    ).json()
    assert [r["message"]["body"] for r in second["results"]] == ["lunch here"]
    assert second["has_more"] is False


def test_a_visitor_who_is_not_logged_in_gets_401_not_a_login_page(lobby):
    for path in ("/chat/lobby/search/", "/search/"):
        response = Client().get(path, {"q": "hello"})
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


def test_a_missing_room_is_a_json_404(alice):
    response = client_for(alice).get("/chat/nowhere/search/", {"q": "hello"})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_private_room_of_others_is_a_404_as_if_it_were_not_there(alice):
    RoomFactory(slug="club", title="Club", kind=Room.PRIVATE)

    response = client_for(alice).get("/chat/club/search/", {"q": "hello"})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "a"},
        {"q": "x" * 101},
        {"q": "hi", "limit": "0"},
        {"q": "hi", "limit": "51"},
        {"q": "hi", "before_id": "-1"},
        {"q": "hi", "before_id": "1e3"},
        {"q": "hi", "before_id": str(2**63)},
    ],
)
def test_bad_fields_are_a_400_that_says_why(alice, lobby, params):
    response = client_for(alice).get("/chat/lobby/search/", params)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["detail"]


def test_only_get(alice, lobby):
    assert client_for(alice).post("/search/", {"q": "hello"}).status_code == 405


def test_too_many_searches_are_a_429_with_retry_after(alice, bob, lobby, settings):
    settings.CHAT_SEARCH_RATE_LIMIT_QUERIES = 3
    settings.CHAT_SEARCH_RATE_LIMIT_SECONDS = 60
    client = client_for(alice)
    for _ in range(3):
        assert client.get("/search/", {"q": "hello"}).status_code == 200

    refused = client.get("/chat/lobby/search/", {"q": "hello"})

    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "rate_limited"
    assert 0 < error["retry_after"] <= 60
    assert "searching too fast" in error["detail"]
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Per user: someone else may search.
    assert client_for(bob).get("/search/", {"q": "hello"}).status_code == 200


def test_a_refused_query_does_not_count(alice, lobby, settings):
    settings.CHAT_SEARCH_RATE_LIMIT_QUERIES = 1
    client = client_for(alice)
    for _ in range(3):
        assert client.get("/search/", {"q": "a"}).status_code == 400

    assert client.get("/search/", {"q": "ok"}).status_code == 200


def test_what_a_reader_may_not_see_is_not_in_the_answer(alice, lobby):
    author = UserFactory(username="author")
    MessageFactory(room=lobby, author=author, body="held words", held=True)

    answer = client_for(alice).get("/chat/lobby/search/", {"q": "held"}).json()

    assert answer["results"] == []
