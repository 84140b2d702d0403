import re

import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError
from django.http import HttpRequest

from chat import identity
from chat.errors import NicknameTaken
from chat.models import Message
from tests.factories import MessageFactory

pytestmark = pytest.mark.django_db


def test_suggested_guest_names_are_an_adjective_and_an_animal():
    names = {identity.guest_name_suggest() for _ in range(50)}
    assert all(re.fullmatch(r"(?:[A-Z][a-z]+){2}", name) for name in names)
    assert len(names) > 25  # 400 pairs: rarely the same twice


def test_a_guest_has_no_password_an_avatar_and_the_guest_flag():
    guest = identity.guest_create(nickname="小明", avatar="a7")
    assert guest.username == "小明"
    assert not guest.has_usable_password()
    assert (guest.profile.avatar, guest.profile.is_guest) == ("a7", True)


def test_nicknames_are_unique_whatever_their_case():
    identity.guest_create(nickname="Alice")
    with pytest.raises(NicknameTaken):
        identity.guest_create(nickname="aLICE")


def test_the_database_itself_refuses_a_name_differing_only_in_case():
    from django.contrib.auth import get_user_model

    get_user_model().objects.create(username="Bob")
    with pytest.raises(IntegrityError):
        get_user_model().objects.create(username="BOB")


def test_an_upgraded_guest_keeps_its_name_and_history_and_can_log_in():
    guest = identity.guest_create(nickname="keeper")
    MessageFactory(author=guest, body="before the upgrade")

    identity.guest_upgrade(user=guest, password="a long enough passphrase")

    # django-axes checks every authentication against its request.
    login = {"username": "keeper", "password": "a long enough passphrase"}
    assert authenticate(HttpRequest(), **login) == guest
    guest.profile.refresh_from_db()
    assert guest.profile.is_guest is False
    assert list(Message.objects.filter(author=guest).values_list("body", flat=True)) == [
        "before the upgrade"
    ]


def test_users_made_elsewhere_get_a_registered_profile():
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("boss", password="x" * 12)
    assert admin.profile.is_guest is False
