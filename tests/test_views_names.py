"""Look-alike and invisible names on the pages: /join/, sign-up, the guest upgrade, rooms."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from chat import identity
from chat.models import Profile, Room
from chat.names import name_key
from chat.web import forms
from tests.look_alikes import INVISIBLE, LOOK_ALIKES

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "Pl3nty-of-entropy"
INVISIBLE_EN = "Invisible and control characters"
INVISIBLE_ZH = "不允许使用不可见字符和控制字符"


def join(client, nickname, **headers):
    return client.post("/join/", {"nickname": nickname, "avatar": "a1"}, **headers)


def sign_up(client, username, **headers):
    data = {"username": username, "password1": PASSWORD, "password2": PASSWORD, "avatar": "a3"}
    return client.post("/accounts/signup/", data, **headers)


@pytest.mark.parametrize(("taken", "look_alike"), LOOK_ALIKES)
def test_joining_with_a_look_alike_of_a_taken_name_is_refused(client, taken, look_alike):
    identity.guest_create(nickname=taken)

    response = join(client, look_alike)

    assert response.status_code == 200
    assert response.context["form"].has_error("nickname", "nickname_taken")
    assert "is taken" in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.parametrize(("taken", "look_alike"), LOOK_ALIKES)
def test_signing_up_with_a_look_alike_of_a_taken_name_is_refused(client, taken, look_alike):
    identity.guest_create(nickname=taken)

    response = sign_up(client, look_alike)

    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert User.objects.count() == 1


def test_a_look_alike_that_slips_past_the_forms_is_taken_not_a_server_error(client, monkeypatch):
    """Two people submitting look-alikes at once: the database's unique key decides."""
    identity.guest_create(nickname="admin")
    monkeypatch.setattr(forms, "nickname_taken", lambda **kwargs: False)
    monkeypatch.setattr(identity, "nickname_taken", lambda **kwargs: False)

    joined = join(client, "аdmin")
    signed_up = sign_up(client, "аdmin")  # Cyrillic а: Django's own check misses it

    for response, field in ((joined, "nickname"), (signed_up, "username")):
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert "taken" in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.parametrize("name", INVISIBLE)
def test_names_with_invisible_characters_are_refused_with_a_clear_reason(client, name):
    for response, field in ((join(client, name), "nickname"), (sign_up(client, name), "username")):
        assert response.status_code == 200
        assert response.context["form"].has_error(field, "invisible_characters")
        assert INVISIBLE_EN in response.content.decode()
    assert not User.objects.exists()


def test_the_invisible_characters_reason_is_translated(client):
    response = join(client, "ad\u200bmin", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert INVISIBLE_ZH in response.content.decode()


def test_a_chinese_name_joins_and_signs_up(client):
    assert join(client, "王小明").status_code == 302
    client.logout()
    assert sign_up(client, "李小红").status_code == 302
    assert set(User.objects.values_list("username", flat=True)) == {"王小明", "李小红"}


def test_a_guest_whose_name_looked_taken_before_keys_cannot_upgrade(client):
    identity.guest_create(nickname="admin")
    impostor = identity.guest_create(nickname="someone")
    User.objects.filter(pk=impostor.pk).update(username="аdmin")  # as migration 0005 found it
    Profile.objects.filter(user=impostor).update(name_key=name_key("admin") + "\x1f2")
    client.force_login(User.objects.get(pk=impostor.pk))

    response = client.post(
        "/accounts/upgrade/", {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )

    assert response.status_code == 200
    assert "looks like another user" in response.content.decode()
    assert not User.objects.get(pk=impostor.pk).has_usable_password()


def test_an_ordinary_guest_still_upgrades(client):
    client.force_login(identity.guest_create(nickname="王小明"))
    response = client.post(
        "/accounts/upgrade/", {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "title", ["Tea\u200b House", "\u202eesuoH aeT", "\u3164", "Tea\u2066House", "Tea\x00House"]
)
def test_a_room_title_with_invisible_characters_is_a_form_error(client, alice, title):
    client.force_login(alice)

    response = client.post("/rooms/new/", {"title": title, "slug": ""})

    assert response.status_code == 200
    assert response.context["form"].has_error("title", "invisible_characters")
    with translation.override("en"):
        assert INVISIBLE_EN in response.content.decode()
    assert not Room.objects.filter(creator=alice).exists()
