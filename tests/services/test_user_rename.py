"""Renaming: the same rules as joining (unique whatever the case, look-alikes refused, no
invisible characters), and the look-alike key follows the new name."""

import pytest
from django.db import IntegrityError

from chat import identity, profiles
from chat.errors import NicknameTaken
from chat.names import InvisibleCharacters, name_key

pytestmark = pytest.mark.django_db


def test_a_rename_takes_the_new_name_and_its_key():
    guest = identity.guest_create(nickname="oldname")

    profiles.user_rename(user=guest, nickname="新名字")

    guest.refresh_from_db()
    guest.profile.refresh_from_db()
    assert guest.username == "新名字"
    assert guest.profile.name_key == name_key("新名字")
    assert not identity.nickname_taken(nickname="oldname")  # the old name is free again
    assert identity.nickname_taken(nickname="新名字")


def test_a_name_someone_has_is_refused_in_any_case(alice):
    guest = identity.guest_create(nickname="someone")
    with pytest.raises(NicknameTaken):
        profiles.user_rename(user=guest, nickname="ALICE")
    guest.refresh_from_db()
    assert guest.username == "someone"


def test_a_look_alike_of_someones_name_is_refused(alice):
    guest = identity.guest_create(nickname="someone")
    with pytest.raises(NicknameTaken):
        profiles.user_rename(user=guest, nickname="\u0430lice")  # a Cyrillic а


def test_ones_own_name_in_another_case_is_fine():
    guest = identity.guest_create(nickname="quiet")
    profiles.user_rename(user=guest, nickname="Quiet")
    guest.refresh_from_db()
    assert guest.username == "Quiet"


def test_invisible_characters_are_refused():
    guest = identity.guest_create(nickname="someone")
    with pytest.raises(InvisibleCharacters):
        profiles.user_rename(user=guest, nickname="some\u200bone")


def test_a_rename_racing_another_to_the_same_name_loses_cleanly(monkeypatch):
    guest = identity.guest_create(nickname="racer")
    identity.guest_create(nickname="prize")
    # The check passed before the other took the name: the unique index refuses the save.
    monkeypatch.setattr(profiles, "nickname_taken", lambda **kwargs: False)
    with pytest.raises(NicknameTaken):
        profiles.user_rename(user=guest, nickname="PRIZE")
    assert guest.username == "racer"
    guest.refresh_from_db()
    assert guest.username == "racer"


def test_the_database_refuses_what_the_service_refuses(alice):
    # Not a service rule, but the floor under it.
    alice.username = "ALICE2"
    alice.save()
    with pytest.raises(IntegrityError):
        identity.User.objects.create(username="alice2")
