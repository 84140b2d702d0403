"""Names that look alike are one name: the look-alike key (chat/names.py, Profile.name_key)."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from chat import identity, services
from chat.errors import NicknameTaken
from chat.models import Profile
from chat.names import InvisibleCharacters, name_key
from tests.look_alikes import INVISIBLE, LOOK_ALIKES

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.mark.parametrize(("taken", "look_alike"), LOOK_ALIKES)
def test_a_look_alike_of_a_taken_name_is_taken(taken, look_alike):
    identity.guest_create(nickname=taken)

    assert identity.nickname_taken(nickname=look_alike)
    with pytest.raises(NicknameTaken):
        identity.guest_create(nickname=look_alike)
    with pytest.raises(NicknameTaken):
        identity.account_create(username=look_alike, password="Pl3nty-of-entropy")
    assert User.objects.count() == 1


@pytest.mark.parametrize(("taken", "look_alike"), LOOK_ALIKES)
def test_the_database_refuses_a_look_alike_that_slipped_past_the_check(
    taken, look_alike, monkeypatch
):
    """Two joins at once both pass the check; the unique key decides, as "taken"."""
    identity.guest_create(nickname=taken)
    monkeypatch.setattr(identity, "nickname_taken", lambda **kwargs: False)

    with pytest.raises(NicknameTaken):
        identity.guest_create(nickname=look_alike)
    with pytest.raises(NicknameTaken):
        identity.account_create(username=look_alike, password="Pl3nty-of-entropy")
    assert list(User.objects.values_list("username", flat=True)) == [taken]


def test_different_names_stay_different():
    names = [
        "王小明",
        "王小红",
        "alice",
        "alicia",
        "émile",
        "emile",
        "user0A1B2C3D",
        "user0A1B2C3E",
    ]
    for name in names:
        identity.guest_create(nickname=name)
    assert len({name_key(name) for name in names}) == len(names)


def test_a_chinese_name_is_a_name_like_any_other():
    guest = identity.guest_create(nickname="王小明")
    assert guest.username == "王小明"
    assert identity.nickname_taken(nickname="王小明")
    assert not identity.nickname_taken(nickname="王小")


@pytest.mark.parametrize("name", INVISIBLE)
def test_a_name_with_invisible_characters_is_refused(name):
    with pytest.raises(InvisibleCharacters):
        identity.guest_create(nickname=name)
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "title", ["Tea\u200b House", "\u202eesuoH aeT", "\u3164", "Tea\x00House", "Tea\u2066House"]
)
def test_a_room_title_with_invisible_characters_is_refused(title, alice):
    with pytest.raises(InvisibleCharacters):
        services.room_create(creator=alice, title=title)


def test_room_titles_keep_spaces_chinese_and_emoji(alice):
    for title in ("Tea House", "茶馆 二楼", "Love ❤\ufe0f"):
        assert services.room_create(creator=alice, title=title).title == title


def test_a_renamed_user_is_known_by_the_new_name_only():
    user = identity.guest_create(nickname="before")

    user.username = "after"
    user.save()

    assert identity.nickname_taken(nickname="аfter")  # Cyrillic а
    assert not identity.nickname_taken(nickname="before")
    identity.guest_create(nickname="before")


def test_users_made_outside_the_services_have_a_key_too():
    User.objects.create_superuser("root", password="x" * 12)
    User.objects.create_user("staff")  # the admin's "add user" and createsuperuser do this

    for look_alike in ("rооt", "ｓｔａｆｆ"):  # Cyrillic о; fullwidth
        with pytest.raises(NicknameTaken):
            identity.guest_create(nickname=look_alike)


def test_a_guest_whose_name_already_looked_taken_cannot_become_an_account():
    """Migration 0005 numbers the key of the later of two old look-alikes."""
    identity.guest_create(nickname="admin")
    impostor = identity.guest_create(nickname="someone")
    User.objects.filter(pk=impostor.pk).update(username="аdmin")
    Profile.objects.filter(user=impostor).update(name_key=name_key("admin") + "\x1f2")
    impostor.refresh_from_db()

    with pytest.raises(NicknameTaken):
        identity.guest_upgrade(user=impostor, password="Pl3nty-of-entropy")
    impostor.refresh_from_db()
    assert not impostor.has_usable_password()


@pytest.mark.django_db(transaction=True)
def test_two_look_alikes_joining_at_the_same_moment_get_one_name(monkeypatch):
    """A real race on PostgreSQL: both pass the check, the second insert waits for the
    first to commit and is refused by the unique key."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: no two transactions overlap")
    checked = threading.Barrier(2, timeout=10)
    check = identity.nickname_taken

    def check_then_wait(**kwargs):
        taken = check(**kwargs)
        checked.wait()
        return taken

    monkeypatch.setattr(identity, "nickname_taken", check_then_wait)
    outcomes = {}

    def join(name):
        try:
            identity.guest_create(nickname=name)
            outcomes[name] = "joined"
        except NicknameTaken:
            outcomes[name] = "taken"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=join, args=(name,)) for name in ("admin", "аdmin")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(outcomes.values()) == ["joined", "taken"]
    assert User.objects.count() == 1
