"""People: guests, password accounts, and turning one into the other."""

import secrets

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from chat.avatars import DEFAULT_AVATAR
from chat.errors import NicknameTaken
from chat.models import Profile

User = get_user_model()
NICKNAME_MAX_LENGTH = 32
LEGACY = "legacy"  # Profile.source of guests made by the PHP room's page (chat/legacy/consumer.py)


def guest_name_suggest() -> str:
    """A name in the PHP room's style: ``user`` and eight hex digits."""
    return f"user{secrets.token_hex(4).upper()}"


def nickname_taken(*, nickname: str) -> bool:
    return User.objects.filter(username__iexact=nickname).exists()


def guest_create(*, nickname: str, avatar: str = DEFAULT_AVATAR, source: str = "web"):
    """A new guest: a user without a usable password, known by its nickname.

    ``source`` "legacy" marks a guest of the PHP room's page (see legacy_guest_login).
    """
    if nickname_taken(nickname=nickname):
        raise NicknameTaken()
    try:
        with transaction.atomic():
            user = User(username=nickname)
            user.set_unusable_password()
            user.save()
            profile_set(user=user, avatar=avatar, is_guest=True, source=source)
    except IntegrityError as error:  # lost a race with another join of the same name
        raise NicknameTaken() from error
    return user


def profile_set(*, user, avatar: str, is_guest: bool, source: str = "web") -> Profile:
    user.profile, _ = Profile.objects.update_or_create(
        user=user, defaults={"avatar": avatar, "is_guest": is_guest, "source": source}
    )
    return user.profile


def legacy_guest_find(*, nickname: str):
    """The legacy page's guest called ``nickname``, or None when nobody has that name.

    Raises NicknameTaken when the name belongs to an account made on this site: the
    legacy page sends no password or cookie, so it must not speak for such a user.
    """
    user = User.objects.select_related("profile").filter(username__iexact=nickname).first()
    if user is None:
        return None
    # The old protocol proves nothing about who is typing: only a name that never was more
    # than a legacy guest may be taken again. One with a password belongs to someone.
    if getattr(getattr(user, "profile", None), "source", None) != LEGACY:
        raise NicknameTaken()
    if user.has_usable_password():
        raise NicknameTaken()
    return user


def legacy_guest_login(*, nickname: str, avatar: str):
    """The legacy guest ``nickname`` wearing ``avatar``: made now, or the same one again.

    The old page logs in again with the same name after a dropped connection, so a
    legacy name is reused; whether it is online elsewhere is the caller's check.
    """
    user = legacy_guest_find(nickname=nickname)
    if user is None:
        return guest_create(nickname=nickname, avatar=avatar, source=LEGACY)
    Profile.objects.filter(user=user).update(avatar=avatar)
    user.profile.avatar = avatar
    return user


def guest_upgrade(*, user, password: str) -> None:
    """Give a guest a password: same user row, so name and history stay."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        Profile.objects.filter(user=user).update(is_guest=False)
