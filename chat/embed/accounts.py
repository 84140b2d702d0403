"""The chat user a host site's member is (docs/embed.md, "Accounts").

One user per (integration, ``sub``), made on the first sign-in: found by the host's id for
the member, never by name, so a token cannot speak for a local account or for another
site's member. The user takes the token's name when nobody else has it (or one that looks
like it); otherwise the first free "name_2", "name_3", …, which it keeps until the name
itself is free again. Each sign-in renames them if the host did.
"""

import secrets

from django.db import IntegrityError, transaction

from chat import identity, profiles
from chat.avatars import DEFAULT_AVATAR
from chat.embed.errors import AccountDisabled
from chat.embed.pictures import member_picture_clear, member_picture_set
from chat.embed.tokens import SignInClaims
from chat.errors import NicknameTaken
from chat.identity import NICKNAME_MAX_LENGTH, nickname_taken
from chat.models import ExternalAccount
from chat.moderation.sanctions import ban_check
from chat.names import name_key

NUMBERS_TRIED = 50  # "name_2" to "name_50"; then random numbers
SAVES_TRIED = 5  # a name taken between the check and the save: the next free one


def embed_user(*, claims: SignInClaims):
    """The user ``claims`` sign in: made now, or the one of that (integration, sub), renamed
    and re-dressed as the token says. Refused (code "banned") when that user was turned off
    in the admin or is banned from the whole site, however valid the token."""
    account = _account(claims)
    if account is None:
        try:
            user = _member_create(claims)
        except IntegrityError:
            # The same member's other sign-in made the account a moment ago.
            account = _account(claims)
            if account is None:
                raise
        else:
            if claims.avatar_url:
                member_picture_set(user=user, url=claims.avatar_url, integration=claims.integration)
            return user
    return _member_update(account, claims)


def _account(claims: SignInClaims) -> ExternalAccount | None:
    return (
        ExternalAccount.objects.select_related("user__profile")
        .filter(integration=claims.integration, sub=claims.sub)
        .first()
    )


def _moderator(claims: SignInClaims) -> bool:
    return claims.moderator and claims.integration.users_may_moderate


def _member_create(claims: SignInClaims):
    for _attempt in range(SAVES_TRIED):
        try:
            with transaction.atomic():
                user = identity.embed_member_create(
                    nickname=_name_for(desired=claims.name),
                    avatar=claims.avatar or DEFAULT_AVATAR,
                )
                ExternalAccount.objects.create(
                    integration=claims.integration,
                    sub=claims.sub,
                    user=user,
                    avatar_url=claims.avatar_url,
                    moderator=_moderator(claims),
                )
        except NicknameTaken:
            continue
        return user
    raise NicknameTaken()


def _member_update(account: ExternalAccount, claims: SignInClaims):
    user = account.user
    if not user.is_active:
        raise AccountDisabled()
    ban_check(room=None, user=user)  # BannedFromSite, code "banned"
    for _attempt in range(SAVES_TRIED):
        name = _name_for(desired=claims.name, user=user)
        if name == user.get_username():
            break
        try:
            profiles.user_rename(user=user, nickname=name)
            break
        except NicknameTaken:
            continue  # taken a moment ago; past the tries, the old name stays
    if claims.avatar is not None:  # one of the shipped avatars
        wear, picture = claims.avatar, ""
        member_picture_clear(user=user)
    elif claims.avatar_url:  # the host's picture, worn over the default (chat/embed/pictures.py)
        wear, picture = DEFAULT_AVATAR, claims.avatar_url
        if picture != account.avatar_url or not user.profile.picture:
            member_picture_set(user=user, url=picture, integration=claims.integration)
    else:  # not said: as it was
        wear, picture = user.profile.avatar, account.avatar_url
    if wear != user.profile.avatar:
        profiles.profile_avatar_change(user=user, avatar=wear)
    fields = {"avatar_url": picture, "moderator": _moderator(claims)}
    changed = [field for field, value in fields.items() if getattr(account, field) != value]
    if changed:
        for field in changed:
            setattr(account, field, fields[field])
        account.save(update_fields=changed)
    return user


def _numbered(name: str, number: int) -> str:
    suffix = f"_{number}"
    return name[: NICKNAME_MAX_LENGTH - len(suffix)] + suffix


def _name_for(*, desired: str, user=None) -> str:
    """``desired`` when nobody but ``user`` has it or a look-alike of it; else the numbered
    form ``user`` already has, or the first free one."""
    if not nickname_taken(nickname=desired, user=user):
        return desired
    if user is not None:
        current = user.get_username()
        head, _sep, number = current.rpartition("_")
        if head and number.isdigit() and number[0] != "0":
            same = _numbered(desired, int(number))
            if name_key(same) == name_key(current):
                return same
    for number in range(2, NUMBERS_TRIED + 1):
        name = _numbered(desired, number)
        if not nickname_taken(nickname=name, user=user):
            return name
    while True:
        name = _numbered(desired, NUMBERS_TRIED + 1 + secrets.randbelow(10**6))
        if not nickname_taken(nickname=name, user=user):
            return name
