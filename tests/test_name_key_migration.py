"""Migration 0005/0006: every existing user gets a look-alike key, old collisions included."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chat.names import COLLISION_MARK, name_key

BEFORE = [("chat", "0004_room_message_seq")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def before_name_keys(transactional_db):
    """The schema as it was before name keys; migrated to the newest again afterwards."""
    apps = _migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())


def test_existing_users_get_keys_and_the_later_of_two_look_alikes_is_numbered(
    before_name_keys,
):
    User = before_name_keys.get_model("auth", "User")
    Profile = before_name_keys.get_model("chat", "Profile")
    first = User.objects.create(username="admin")
    Profile.objects.create(user=first, is_guest=False)
    for name in ("аdmin", "ａｄｍｉｎ", "王小明"):  # Cyrillic а, fullwidth: old look-alikes
        Profile.objects.create(user=User.objects.create(username=name), source="legacy")
    no_profile = User.objects.create(username="loaded")  # as loaddata leaves a user

    apps = _migrate([("chat", "0006_profile_name_key_unique")])

    keys = dict(apps.get_model("chat", "Profile").objects.values_list("user__username", "name_key"))
    assert keys == {
        "admin": name_key("admin"),
        "аdmin": f"{name_key('admin')}{COLLISION_MARK}2",
        "ａｄｍｉｎ": f"{name_key('admin')}{COLLISION_MARK}3",
        "王小明": "王小明",
        "loaded": name_key("loaded"),
    }
    made = apps.get_model("chat", "Profile").objects.get(user_id=no_profile.pk)
    assert (made.is_guest, made.source) == (False, "web")


def test_after_the_migration_new_look_alikes_are_refused(before_name_keys):
    User = before_name_keys.get_model("auth", "User")
    Profile = before_name_keys.get_model("chat", "Profile")
    Profile.objects.create(user=User.objects.create(username="Émile"), is_guest=False)
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())

    from chat import identity
    from chat.errors import NicknameTaken

    with pytest.raises(NicknameTaken):
        identity.guest_create(nickname="émile")
