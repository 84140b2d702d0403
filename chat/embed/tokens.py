"""A host site's sign-in token (docs/embed.md): a JWT signed with HS256 and its integration's
secret, valid for at most ten minutes, naming the host's member (``sub``) and their nickname.

The integration is found by the token's ``iss`` before the signature is checked (it says
which secret checks it); nothing else of the token is believed until the signature holds.
"""

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import jwt
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator
from django.utils import timezone
from django.utils.translation import gettext
from jwt.exceptions import InvalidSubjectError

from chat.avatars import AVATAR_KEYS
from chat.embed.errors import (
    ClaimInvalid,
    IntegrationUnknown,
    NameInvalid,
    TokenExpired,
    TokenInvalid,
    TokenNotYetValid,
    TokenTooLongLived,
)
from chat.identity import NICKNAME_MAX_LENGTH, nickname_validate
from chat.models import Integration
from chat.models.integrations import AVATAR_URL_MAX_LENGTH, LOCAL_HOSTS, SUB_MAX_LENGTH

ALGORITHM = "HS256"  # the only one: never "none", never a public-key one
REQUIRED_CLAIMS = ["iss", "sub", "name", "exp"]
LIFETIME_MAX = timedelta(minutes=10)
# Clocks differ a little: nbf and iat may be this far ahead of ours, exp this far behind.
LEEWAY = timedelta(seconds=30)
TOKEN_MAX_LENGTH = 4096  # far more than the claims need; a bigger one is not parsed


@dataclass(frozen=True)
class SignInClaims:
    integration: Integration
    sub: str
    name: str
    avatar: str | None  # one of the shipped avatars' keys; None: not said, or a URL
    avatar_url: str  # the host's https picture, or ""
    moderator: bool  # as the token says: the integration decides whether it counts
    expires: datetime


def sign_in_claims(*, token: str, now: datetime | None = None) -> SignInClaims:
    """The claims of ``token``, checked: signature, times, and each claim's form.

    Raises TokenInvalid, IntegrationUnknown, TokenExpired, TokenNotYetValid,
    TokenTooLongLived, ClaimInvalid or NameInvalid (chat/embed/errors.py).
    """
    now = now or timezone.now()
    integration = _integration(token)
    payload = _verified(token, integration)
    expires = _times_check(payload, now)
    avatar, avatar_url = _avatar(payload.get("avatar"))
    return SignInClaims(
        integration=integration,
        sub=_sub(payload["sub"]),
        name=_name(payload["name"]),
        avatar=avatar,
        avatar_url=avatar_url,
        moderator=_moderator(payload.get("moderator")),
        expires=expires,
    )


def _integration(token) -> Integration:
    if not isinstance(token, str) or not token.strip():
        raise TokenInvalid(gettext("No sign-in token was sent."))
    if len(token) > TOKEN_MAX_LENGTH:
        raise TokenInvalid()
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise TokenInvalid() from error
    if header.get("alg") != ALGORITHM:
        raise TokenInvalid(gettext("A sign-in token must be signed with HS256."))
    issuer = unverified.get("iss")
    if not isinstance(issuer, str) or not issuer:
        raise _missing("iss")
    integration = Integration.objects.filter(public_id=issuer, active=True).first()
    if integration is None:
        raise IntegrationUnknown()
    return integration


def _verified(token: str, integration: Integration) -> dict:
    try:
        return jwt.decode(
            token,
            integration.secret,
            algorithms=[ALGORITHM],
            issuer=integration.public_id,
            options={
                "require": REQUIRED_CLAIMS,
                # The times are checked against ``now`` by _times_check.
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "verify_aud": False,  # the secret is this site's alone: no audience to tell
            },
        )
    except jwt.MissingRequiredClaimError as error:
        raise _missing(error.claim) from error
    except InvalidSubjectError as error:
        raise _sub_invalid() from error
    except jwt.PyJWTError as error:
        raise TokenInvalid() from error


def _missing(claim: str) -> ClaimInvalid:
    return ClaimInvalid(gettext("The sign-in token has no “%(claim)s” claim.") % {"claim": claim})


def _moment(payload: dict, claim: str) -> float | None:
    value = payload.get(claim)
    if value is None:
        return None
    # Python's JSON reads NaN and Infinity too: no time is either.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ClaimInvalid(
            gettext("“%(claim)s” must be a time in seconds since 1970 (a number).")
            % {"claim": claim}
        )
    return float(value)


def _times_check(payload: dict, now: datetime) -> datetime:
    """When the token expires; refused when it has, is not valid yet, or lives too long."""
    moment, leeway = now.timestamp(), LEEWAY.total_seconds()
    expires, not_before, issued = (_moment(payload, name) for name in ("exp", "nbf", "iat"))
    if expires <= moment - leeway:
        raise TokenExpired()
    for start in (not_before, issued):
        if start is not None and start > moment + leeway:
            raise TokenNotYetValid()
    # Counted from when it was made, as its own clock says; without iat, from now (and the
    # leeway: the host's clock may be a little ahead of ours).
    lifetime = LIFETIME_MAX.total_seconds()
    if issued is not None:
        too_long = expires - issued > lifetime
    else:
        too_long = expires - moment > lifetime + leeway
    if too_long:
        raise TokenTooLongLived(minutes=int(lifetime // 60))
    return datetime.fromtimestamp(expires, tz=UTC)


def _sub_invalid() -> ClaimInvalid:
    return ClaimInvalid(
        gettext("“sub” must be text of 1 to %(max)d characters.") % {"max": SUB_MAX_LENGTH}
    )


def _sub(value: str) -> str:
    if not value or len(value) > SUB_MAX_LENGTH:  # a str: PyJWT checked it
        raise _sub_invalid()
    return value


def _name(value) -> str:
    """A nickname, by the rules of choosing one at /join/ (chat/identity.py)."""
    if not isinstance(value, str) or not value.strip():
        raise NameInvalid(gettext("The sign-in token's “name” must be a nickname, not empty."))
    name = value.strip()
    try:
        MaxLengthValidator(NICKNAME_MAX_LENGTH)(name)
        nickname_validate(name)
    except ValidationError as error:
        raise NameInvalid(
            gettext("The sign-in token's “name” cannot be a nickname here: %(reason)s")
            % {"reason": " ".join(error.messages)}
        ) from error
    return name


def _avatar(value) -> tuple[str | None, str]:
    """(a shipped avatar's key, "") or (None, an https URL); (None, "") when not said."""
    if value is None:
        return None, ""
    if value in AVATAR_KEYS:
        return value, ""
    if isinstance(value, str) and len(value) <= AVATAR_URL_MAX_LENGTH:
        # https, as the host's pages are; plain http only on a developer's machine.
        try:
            local = urlsplit(value).hostname in {host.strip("[]") for host in LOCAL_HOSTS}
        except ValueError:
            local = False
        try:
            URLValidator(schemes=["https", "http"] if local else ["https"])(value)
        except ValidationError:
            pass
        else:
            return None, value
    raise ClaimInvalid(
        gettext(
            "“avatar” must be one of this site's avatar keys (%(first)s to %(last)s) "
            "or an https URL."
        )
        % {"first": AVATAR_KEYS[0], "last": AVATAR_KEYS[-1]}
    )


def _moderator(value) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ClaimInvalid(gettext("“%(field)s” must be true or false.") % {"field": "moderator"})
    return value
