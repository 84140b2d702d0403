"""Bench-only shortcut: guest users and logged-in sessions written straight to the database.

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=... \\
        python -m bench.users --count 5000 --rooms 50 --out /tmp/sessions.json

Logging 5000 guests in through POST /join/ takes minutes; this writes the same rows
(a user with an unusable password and a guest Profile, and a database session holding
what ``django.contrib.auth.login`` stores) in a few bulk inserts. Users ``bench00000``...
are made once and reused; each call makes fresh sessions. The WebSocket connect that
follows is the real one, so connect time is still measured end to end.
"""

import argparse
import json
import os
from datetime import timedelta


def sessions_create(*, count: int, prefix: str = "bench") -> list[str]:
    """Session keys of ``count`` logged-in guests, in user order."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from chat.models import Profile
    from chat.names import name_key

    User = get_user_model()
    names = [f"{prefix}{index:05d}" for index in range(count)]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    new_users = []
    for name in names:
        if name not in existing:
            user = User(username=name)
            user.set_unusable_password()
            new_users.append(user)
    User.objects.bulk_create(new_users, batch_size=1000)
    users = {user.username: user for user in User.objects.filter(username__in=names)}
    with_profile = set(
        Profile.objects.filter(user__in=users.values()).values_list("user_id", flat=True)
    )
    Profile.objects.bulk_create(
        [
            # bulk_create skips save(), which keeps the look-alike key (unique): set it here.
            Profile(user=user, is_guest=True, name_key=name_key(user.get_username()))
            for user in users.values()
            if user.pk not in with_profile
        ],
        batch_size=1000,
    )
    store = SessionStore()
    expire = timezone.now() + timedelta(days=1)
    keys, rows = [], []
    for name in names:
        user = users[name]
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        keys.append(key)
    Session.objects.bulk_create(rows, batch_size=1000)
    return keys


def rooms_create(*, count: int, prefix: str = "bench") -> list[str]:
    """Slugs of ``count`` rooms ``bench-r00``..., made when missing."""
    from chat.models import Room

    slugs = [f"{prefix}-r{index:02d}" for index in range(count)]
    existing = set(Room.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    Room.objects.bulk_create(
        [Room(slug=slug, title=slug) for slug in slugs if slug not in existing]
    )
    return slugs


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Create bench guests and sessions in the database."
    )
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--rooms", type=int, default=1)
    parser.add_argument("--prefix", default="bench")
    parser.add_argument("--out", required=True, help="JSON file: {sessions: [...], rooms: [...]}")
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    made = {
        "sessions": sessions_create(count=arguments.count, prefix=arguments.prefix),
        "rooms": rooms_create(count=arguments.rooms, prefix=arguments.prefix),
    }
    with open(arguments.out, "w") as out:
        json.dump(made, out)


if __name__ == "__main__":
    main()
