"""People: guests, password accounts, and turning one into the other."""

import re
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chat.avatars import DEFAULT_AVATAR
from chat.errors import NicknameTaken
from chat.models import Profile
from chat.names import name_key, text_visible_check, visible_validate

User = get_user_model()
NICKNAME_MAX_LENGTH = 32
LEGACY = "legacy"  # Profile.source of guests made by the PHP room's page (chat/legacy/consumer.py)
EMBED = "embed"  # Profile.source of a host site's members, signed in by its tokens (chat/embed/)
# The attribute of a user being made here that tells chat/signals.py what its profile holds.
NEW_PROFILE = "new_profile"
UNKNOWN = object()  # legacy_guest_login: not looked up yet
# The characters of Django's username rule (User.username_validator): \w is a letter or digit
# of any script (王小明 is a nickname) or "_"; and @ . + -.
NICKNAME_CHARACTER = re.compile(r"[\w.@+-]")


def nickname_validate(value: str) -> None:
    """What a chosen nickname may hold (the forms' validator, and a host site's ``name``
    claim): no invisible characters, no spaces, only NICKNAME_CHARACTER."""
    # Invisible characters first: their own message says more than "letters, digits...".
    visible_validate(value)
    refused = [char for char in dict.fromkeys(value) if not NICKNAME_CHARACTER.fullmatch(char)]
    spaces = any(char.isspace() for char in refused)
    shown = " ".join(f"“{char}”" for char in refused if not char.isspace())
    if spaces and shown:
        message = _("A nickname cannot contain spaces or %(characters)s.")
    elif shown:
        message = _("A nickname cannot contain %(characters)s.")
    elif spaces:
        message = _("A nickname cannot contain spaces.")
    else:
        return
    raise ValidationError(message, code="invalid", params={"characters": shown})


class NameLooksTaken(NicknameTaken):
    detail = _(
        "Your nickname looks like another user's, so it cannot become an account. "
        "Join with another nickname to sign up."
    )


# A suggested guest name is an adjective and an animal, written together in the visitor's
# language: "HappyPanda", "快乐的熊猫". Translators: each adjective goes right before an
# animal with nothing between, so a joining word belongs to the adjective (快乐的).
NAME_ADJECTIVES = [
    pgettext_lazy("nickname adjective", "Happy"),
    pgettext_lazy("nickname adjective", "Brave"),
    pgettext_lazy("nickname adjective", "Calm"),
    pgettext_lazy("nickname adjective", "Clever"),
    pgettext_lazy("nickname adjective", "Gentle"),
    pgettext_lazy("nickname adjective", "Jolly"),
    pgettext_lazy("nickname adjective", "Kind"),
    pgettext_lazy("nickname adjective", "Lucky"),
    pgettext_lazy("nickname adjective", "Merry"),
    pgettext_lazy("nickname adjective", "Nimble"),
    pgettext_lazy("nickname adjective", "Quiet"),
    pgettext_lazy("nickname adjective", "Sunny"),
    pgettext_lazy("nickname adjective", "Swift"),
    pgettext_lazy("nickname adjective", "Witty"),
    pgettext_lazy("nickname adjective", "Bright"),
    pgettext_lazy("nickname adjective", "Cheerful"),
    pgettext_lazy("nickname adjective", "Curious"),
    pgettext_lazy("nickname adjective", "Friendly"),
    pgettext_lazy("nickname adjective", "Bold"),
    pgettext_lazy("nickname adjective", "Dreamy"),
]
NAME_ANIMALS = [
    pgettext_lazy("nickname animal", "Panda"),
    pgettext_lazy("nickname animal", "Tiger"),
    pgettext_lazy("nickname animal", "Otter"),
    pgettext_lazy("nickname animal", "Fox"),
    pgettext_lazy("nickname animal", "Rabbit"),
    pgettext_lazy("nickname animal", "Koala"),
    pgettext_lazy("nickname animal", "Dolphin"),
    pgettext_lazy("nickname animal", "Penguin"),
    pgettext_lazy("nickname animal", "Owl"),
    pgettext_lazy("nickname animal", "Squirrel"),
    pgettext_lazy("nickname animal", "Deer"),
    pgettext_lazy("nickname animal", "Hedgehog"),
    pgettext_lazy("nickname animal", "Falcon"),
    pgettext_lazy("nickname animal", "Whale"),
    pgettext_lazy("nickname animal", "Turtle"),
    pgettext_lazy("nickname animal", "Kitten"),
    pgettext_lazy("nickname animal", "Puppy"),
    pgettext_lazy("nickname animal", "Lion"),
    pgettext_lazy("nickname animal", "Crane"),
    pgettext_lazy("nickname animal", "Sparrow"),
]
# Pairs tried before a number is added; with 400 pairs, a number is rarely needed.
SUGGEST_PAIRS_TRIED = 8


def guest_name_suggest() -> str:
    """A free nickname for the join form, in the active language: an adjective and an animal
    ("HappyPanda", "快乐的熊猫"), with a number after it only when the pairs tried are taken
    (by that name or one that looks like it)."""
    for _attempt in range(SUGGEST_PAIRS_TRIED):
        name = _name_pair()
        if not nickname_taken(nickname=name):
            return name
    digits = 2
    while True:
        number = str(secrets.randbelow(9 * 10 ** (digits - 1)) + 10 ** (digits - 1))
        name = _name_pair()[: NICKNAME_MAX_LENGTH - len(number)] + number
        if not nickname_taken(nickname=name):
            return name
        digits = min(digits + 1, 9)


def _name_pair() -> str:
    return f"{secrets.choice(NAME_ADJECTIVES)}{secrets.choice(NAME_ANIMALS)}"


def login_account_find(*, name: str):
    """The account a login form's ``name`` means, or None: the user of exactly that name,
    else the one whose name reads the same (its look-alike key: any case, fullwidth or
    another script's look-alike letters). Names are unique by that key, so it is one user
    at most; the exact name first reaches either of two old look-alikes that migration 0005
    found (the later one's key carries a number)."""
    user = User.objects.filter(username=name).first()
    if user is None:
        user = User.objects.filter(profile__name_key=name_key(name)).first()
    return user


def nickname_taken(*, nickname: str, user=None) -> bool:
    """Whether someone but ``user`` has this name, or one a reader cannot tell from it.

    Names compare by their look-alike key (chat/names.py) on every database; the name
    itself, in any case, covers a user without a profile (loaddata).
    """
    others = User.objects.filter(
        Q(profile__name_key=name_key(nickname)) | Q(username__iexact=nickname)
    )
    if user is not None:
        others = others.exclude(pk=user.pk)
    return others.exists()


def _user_create(*, nickname: str, password: str | None, avatar: str, is_guest: bool, source: str):
    text_visible_check(text=nickname)
    if nickname_taken(nickname=nickname):
        raise NicknameTaken()
    try:
        with transaction.atomic():
            user = User(username=nickname)
            if password is None:
                user.set_unusable_password()  # a guest
            else:
                user.set_password(password)
            # chat/signals.py makes the profile with these, as the user is saved.
            setattr(user, NEW_PROFILE, {"avatar": avatar, "is_guest": is_guest, "source": source})
            user.save()
    except IntegrityError as error:
        # Lost a race with another join of the same name or a look-alike: the unique
        # name_key (or username) refused the second one.
        raise NicknameTaken() from error
    return user


def guest_create(*, nickname: str, avatar: str = DEFAULT_AVATAR, source: str = "web"):
    """A new guest: a user without a usable password, known by its nickname.

    ``source`` "legacy" marks a guest of the PHP room's page (see legacy_guest_login).
    """
    return _user_create(
        nickname=nickname, password=None, avatar=avatar, is_guest=True, source=source
    )


def account_create(*, username: str, password: str, avatar: str = DEFAULT_AVATAR):
    """A registered account (the sign-up page); NicknameTaken when the name or a
    look-alike of it is taken, including by a sign-up at the same moment."""
    return _user_create(
        nickname=username, password=password, avatar=avatar, is_guest=False, source="web"
    )


def embed_member_create(*, nickname: str, avatar: str = DEFAULT_AVATAR):
    """A host site's member (chat/embed/accounts.py): not a guest, yet without a password,
    so that only the host's next token logs them in; NicknameTaken as for a sign-up."""
    return _user_create(
        nickname=nickname, password=None, avatar=avatar, is_guest=False, source=EMBED
    )


def legacy_guest_find(*, nickname: str):
    """The legacy page's guest called ``nickname``, or None when nobody has that name.

    Raises NicknameTaken when the name belongs to an account made on this site: the
    legacy page sends no password or cookie, so it must not speak for such a user.
    """
    user = User.objects.select_related("profile").filter(profile__name_key=name_key(nickname))
    user = user.first()
    if user is None:
        if nickname_taken(nickname=nickname):
            raise NicknameTaken()  # a user without a profile: never a legacy guest
        return None
    # Only the same name, in any case, is the same guest: a look-alike ("аlice" in
    # Cyrillic for "alice") is someone else's name.
    if user.get_username().casefold() != nickname.casefold():
        raise NicknameTaken()
    # The old protocol proves nothing about who is typing: only a name that never was more
    # than a legacy guest may be taken again. One with a password belongs to someone.
    if getattr(getattr(user, "profile", None), "source", None) != LEGACY:
        raise NicknameTaken()
    if user.has_usable_password() or not user.is_active:  # not active: turned away by staff
        raise NicknameTaken()
    return user


def legacy_guest_login(*, nickname: str, avatar: str, found=UNKNOWN):
    """The legacy guest ``nickname`` wearing ``avatar``: made now, or the same one again.

    The old page logs in again with the same name after a dropped connection, so a
    legacy name is reused; whether it is online elsewhere is the caller's check. ``found``:
    what ``legacy_guest_find`` answered for this login a moment ago, not asked again unless
    the name was taken since (by a login of the same name at the same moment, say).
    """
    user = legacy_guest_find(nickname=nickname) if found is UNKNOWN else found
    if user is None:
        try:
            return guest_create(nickname=nickname, avatar=avatar, source=LEGACY)
        except NicknameTaken:
            if found is UNKNOWN or (user := legacy_guest_find(nickname=nickname)) is None:
                raise
    Profile.objects.filter(user=user).update(avatar=avatar)
    user.profile.avatar = avatar
    return user


def guest_upgrade(*, user, password: str) -> None:
    """Give a guest a password: same user row, so name and history stay.

    Refused (NameLooksTaken) for a guest whose name already looked like someone else's
    when names began to be compared by look (migration 0005): an account keeps its name.
    """
    if nickname_taken(nickname=user.get_username(), user=user):
        raise NameLooksTaken()
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        Profile.objects.filter(user=user).update(is_guest=False)
