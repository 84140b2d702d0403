"""Joining as a guest, signing up, logging in and out, and turning a guest into an account."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from chat import identity

pytestmark = pytest.mark.django_db


def test_the_join_form_suggests_a_friendly_name_and_offers_the_avatars(client):
    page = client.get("/join/").content.decode()
    assert re.search(r'name="nickname"[^>]*value="(?:[A-Z][a-z]+){2}"', page) or re.search(
        r'value="(?:[A-Z][a-z]+){2}"[^>]*name="nickname"', page
    )
    for number in range(1, 13):
        assert f"avatars/a{number}.svg" in page


def test_joining_as_a_guest_logs_in_and_enters_the_lobby(client, lobby):
    response = client.post("/join/", {"nickname": "newcomer", "avatar": "a5"})

    assert response.status_code == 302
    assert response["Location"] == "/chat/lobby/"
    guest = get_user_model().objects.get(username="newcomer")
    assert (guest.profile.avatar, guest.profile.is_guest) == ("a5", True)
    assert client.get("/chat/lobby/").status_code == 200


def test_joining_goes_back_to_the_room_that_sent_you(client, other_room):
    response = client.post(
        "/join/?next=/chat/other/", {"nickname": "n1", "avatar": "a1", "next": "/chat/other/"}
    )
    assert response["Location"] == "/chat/other/"


def test_joining_never_redirects_off_site(client, lobby):
    response = client.post(
        "/join/", {"nickname": "n2", "avatar": "a1", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/chat/lobby/"


def test_a_taken_nickname_is_a_form_error_in_any_case(client):
    identity.guest_create(nickname="Taken")

    response = client.post("/join/", {"nickname": "tAKEN", "avatar": "a1"})

    assert response.status_code == 200
    assert "nickname" in response.context["form"].errors
    assert "is taken" in response.content.decode()
    assert get_user_model().objects.filter(username__iexact="taken").count() == 1


def test_a_nickname_with_markup_is_refused(client):
    response = client.post("/join/", {"nickname": "<b>x</b>", "avatar": "a1"})
    assert "nickname" in response.context["form"].errors


def test_signing_up_makes_a_registered_account_and_logs_in(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "carol",
            "password1": "Pl3nty-of-entropy",
            "password2": "Pl3nty-of-entropy",
            "avatar": "a3",
        },
    )

    assert response.status_code == 302
    carol = get_user_model().objects.get(username="carol")
    assert (carol.profile.is_guest, carol.profile.avatar) == (False, "a3")
    assert client.get("/").context["user"] == carol


def test_signing_up_with_a_guests_name_in_another_case_is_refused(client):
    identity.guest_create(nickname="dave")
    response = client.post(
        "/accounts/signup/",
        {
            "username": "DAVE",
            "password1": "Pl3nty-of-entropy",
            "password2": "Pl3nty-of-entropy",
            "avatar": "a3",
        },
    )
    assert "username" in response.context["form"].errors


def test_login_and_logout(client, alice):
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert client.get("/").context["user"] == alice

    assert client.post("/accounts/logout/").status_code == 302
    assert not client.get("/").context["user"].is_authenticated


def test_forms_are_csrf_protected(alice):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/join/", {"nickname": "x1", "avatar": "a1"}).status_code == 403
    assert (
        strict.post("/accounts/login/", {"username": "alice", "password": "x"}).status_code == 403
    )


def test_a_guest_sets_a_password_and_keeps_its_name(client):
    guest = identity.guest_create(nickname="upgrader")
    client.force_login(guest)

    response = client.post(
        "/accounts/upgrade/",
        {"new_password1": "Pl3nty-of-entropy", "new_password2": "Pl3nty-of-entropy"},
    )

    assert response.status_code == 302
    guest.refresh_from_db()
    assert guest.username == "upgrader"
    assert guest.profile.is_guest is False
    assert client.get("/").context["user"] == guest, "the upgrading session stays logged in"
    client.logout()
    # django-axes checks every authentication against its request.
    assert client.login(request=HttpRequest(), username="upgrader", password="Pl3nty-of-entropy")
