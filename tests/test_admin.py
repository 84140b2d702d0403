"""Moderators read the message history in the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict

from chat import identity
from chat.admin import ChatUserChangeForm
from tests.factories import MessageFactory, RoomFactory

pytestmark = pytest.mark.django_db
LONG = "registered words" + " long" * 40


@pytest.fixture
def moderator(client):
    admin = get_user_model().objects.create_superuser("moderator", password="x" * 12)
    client.force_login(admin)
    return admin


@pytest.fixture
def history(lobby, alice):
    guest = identity.guest_create(nickname="drifter")
    MessageFactory(room=lobby, author=alice, body=LONG)
    MessageFactory(room=lobby, author=guest, body="guest words")
    MessageFactory(room=RoomFactory(slug="tea", title="Tea"), author=alice, body="tea words")


def bodies(response) -> list[str]:
    return sorted(message.body for message in response.context["cl"].result_list)


def test_the_message_list_shows_room_author_time_and_an_excerpt(client, moderator, history):
    response = client.get("/admin/chat/message/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "guest words" in page and "drifter" in page and "Lobby" in page
    assert "long long" in page and LONG not in page  # an excerpt, not the whole body


def test_messages_filter_by_room_and_author_kind(client, moderator, history, lobby):
    by_room = client.get("/admin/chat/message/", {"room__id__exact": lobby.pk})
    guests = client.get("/admin/chat/message/", {"author_kind": "guest"})
    registered = client.get("/admin/chat/message/", {"author_kind": "registered"})
    assert bodies(by_room) == ["guest words", LONG]
    assert bodies(guests) == ["guest words"]
    assert bodies(registered) == [LONG, "tea words"]


def test_messages_search_body_and_author(client, moderator, history):
    assert bodies(client.get("/admin/chat/message/", {"q": "tea words"})) == ["tea words"]
    assert bodies(client.get("/admin/chat/message/", {"q": "drifter"})) == ["guest words"]


def test_messages_have_a_date_hierarchy(client, moderator, history):
    assert client.get("/admin/chat/message/").context["cl"].date_hierarchy == "created"


def test_rooms_show_their_message_count(client, moderator, history):
    response = client.get("/admin/chat/room/")
    counts = {room.slug: room.message_count for room in response.context["cl"].result_list}
    assert counts == {"lobby": 2, "tea": 1}


def test_the_admin_refuses_a_new_user_whose_name_looks_like_a_taken_one(client, moderator, alice):
    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "\u0430lice",  # a Cyrillic а
            "usable_password": "true",
            "password1": "a long pass phrase",
            "password2": "a long pass phrase",
        },
    )
    assert response.status_code == 200
    assert "looks the same" in response.content.decode()
    assert not get_user_model().objects.filter(username="\u0430lice").exists()


def test_the_admin_refuses_renaming_a_user_to_a_look_alike(moderator, alice, bob):
    form = ChatUserChangeForm(
        instance=bob,
        data={**model_to_dict(bob), "username": "ＡＬＩＣＥ", "date_joined": "2026-01-01"},
    )
    assert not form.is_valid()
    assert form.errors["username"] == ["Another user has this name, or one that looks the same."]
