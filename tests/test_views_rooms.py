import pytest
from asgiref.sync import async_to_sync

from chat.models import Room
from chat.payloads import user_payload
from chat.presence.tracker import presence_store

pytestmark = pytest.mark.django_db


def test_the_room_list_shows_rooms_with_their_online_counts(client, lobby, other_room, alice, bob):
    for user in (alice, bob):
        async_to_sync(presence_store().join)(
            room="lobby", user=user_payload(user), channel_name=f"c{user.pk}"
        )

    response = client.get("/")

    counts = {room.slug: room.online_count for room in response.context["rooms"]}
    assert counts == {"lobby": 2, "other": 0}
    page = response.content.decode()
    assert 'href="/chat/lobby/"' in page and 'href="/chat/other/"' in page


def test_a_logged_in_user_creates_a_room(client, alice):
    client.force_login(alice)

    response = client.post("/rooms/new/", {"title": "Tea House", "slug": ""})

    room = Room.objects.get(title="Tea House")
    assert (room.slug, room.creator) == ("tea-house", alice)
    assert response["Location"] == "/chat/tea-house/"


def test_a_room_with_a_chinese_title_gets_a_usable_address(client, alice):
    client.force_login(alice)
    client.post("/rooms/new/", {"title": "茶馆", "slug": ""})
    room = Room.objects.get(title="茶馆")
    assert room.slug.startswith("room-")
    assert client.get(f"/chat/{room.slug}/").status_code == 200


def test_a_taken_room_address_is_a_form_error(client, alice, lobby):
    client.force_login(alice)
    response = client.post("/rooms/new/", {"title": "Another lobby", "slug": "lobby"})
    assert "slug" in response.context["form"].errors
    assert Room.objects.count() == 1


def test_anonymous_visitors_cannot_create_rooms(client):
    response = client.post("/rooms/new/", {"title": "Nope"})
    assert response.status_code == 302
    assert not Room.objects.filter(title="Nope").exists()


def test_the_room_page_sends_visitors_to_the_join_form(client, lobby):
    response = client.get("/chat/lobby/")
    assert response.status_code == 302
    assert response["Location"] == "/join/?next=/chat/lobby/"


def test_an_unknown_room_is_404(client, alice):
    client.force_login(alice)
    assert client.get("/chat/nowhere/").status_code == 404


def test_a_hostile_room_title_is_escaped(client, alice):
    Room.objects.create(slug="x", title="<script>alert(1)</script>")
    client.force_login(alice)
    for url in ("/", "/chat/x/"):
        page = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_lobby_exists_after_migrate():
    assert Room.objects.filter(slug="lobby").exists()
