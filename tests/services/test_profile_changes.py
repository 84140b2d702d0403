"""Changing one's avatar (one of the shipped ones) and an account's e-mail address."""

import pytest

from chat import identity, profiles

pytestmark = pytest.mark.django_db


def test_the_avatar_changes_to_a_shipped_one():
    guest = identity.guest_create(nickname="painter", avatar="a1")

    profiles.profile_avatar_change(user=guest, avatar="a9")

    assert guest.profile.avatar == "a9"
    guest.profile.refresh_from_db()
    assert guest.profile.avatar == "a9"


def test_an_avatar_that_is_not_shipped_is_refused():
    guest = identity.guest_create(nickname="painter", avatar="a1")
    with pytest.raises(ValueError):
        profiles.profile_avatar_change(user=guest, avatar="../../etc/passwd")
    guest.profile.refresh_from_db()
    assert guest.profile.avatar == "a1"


def test_an_account_sets_and_clears_its_email():
    account = identity.account_create(username="writer", password="a long pass phrase")

    profiles.account_email_set(user=account, email="Writer@EXAMPLE.com")
    account.refresh_from_db()
    assert account.email == "Writer@example.com"  # the domain is not case-sensitive

    profiles.account_email_set(user=account, email="")
    account.refresh_from_db()
    assert account.email == ""


def test_a_guest_has_no_email():
    guest = identity.guest_create(nickname="drifter")
    with pytest.raises(ValueError):
        profiles.account_email_set(user=guest, email="drifter@example.com")
