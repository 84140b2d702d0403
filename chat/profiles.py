"""Changing who one is after joining: the name, the avatar, and an account's e-mail address.

A rename follows the rules of joining (unique whatever the case, look-alikes refused, no
invisible characters); the profile's look-alike key follows the new name on save
(chat/signals.py name_key_on_rename). Open pages keep the old name until they reload.
"""

from django.db import IntegrityError, transaction

from chat.avatars import AVATAR_KEYS
from chat.errors import NicknameTaken
from chat.identity import User, nickname_taken
from chat.models import Profile
from chat.names import text_visible_check


def user_rename(*, user: User, nickname: str) -> None:
    """Give ``user`` the name ``nickname``.

    NicknameTaken when someone else has it or one a reader cannot tell from it, including a
    join or rename that took it a moment ago; InvisibleCharacters for text nobody could read.
    """
    text_visible_check(text=nickname)
    if nickname_taken(nickname=nickname, user=user):
        raise NicknameTaken()
    previous = user.username
    user.username = nickname
    try:
        with transaction.atomic():
            user.save(update_fields=["username"])  # and the profile's name_key, by signal
    except IntegrityError as error:
        # Lost a race: the unique LOWER(username) or name_key refused the second one.
        user.username = previous
        raise NicknameTaken() from error


def profile_avatar_change(*, user: User, avatar: str) -> None:
    """Wear another of the shipped avatars (chat/avatars.py)."""
    if avatar not in AVATAR_KEYS:
        raise ValueError(f"not a shipped avatar: {avatar!r}")
    Profile.objects.filter(user=user).update(avatar=avatar)
    user.profile.avatar = avatar


def account_email_set(*, user: User, email: str) -> None:
    """The address a password reset is sent to ("" for none). Only an account has one: a
    guest has no password to reset (it sets one first, /accounts/upgrade/)."""
    if user.profile.is_guest:
        raise ValueError("a guest has no e-mail address")
    user.email = User.objects.normalize_email(email.strip())
    user.save(update_fields=["email"])
