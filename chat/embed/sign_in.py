"""A sign-in handed over by a host site, as the HTTP edge asks for it (docs/embed.md): the
address's allowance, the token, the page it comes from, then the member's user."""

from datetime import datetime

from django.conf import settings

from chat.embed.accounts import embed_user
from chat.embed.errors import OriginRefused, SignInRateLimited
from chat.embed.tokens import sign_in_claims
from chat.limits import address_bucket, allowance_take
from chat.models import Integration

SIGN_IN_WINDOW_SECONDS = 3600.0


def sign_in_allowance_take(*, address: str | None) -> None:
    """Count one sign-in against its client's address (an IPv6 /64) over the past hour, good
    token or not; SignInRateLimited past CHAT_EMBED_SIGN_INS_PER_ADDRESS_PER_HOUR."""
    wait = allowance_take(
        key=f"embed-sign-ins:address:{address_bucket(address)}",
        limit=settings.CHAT_EMBED_SIGN_INS_PER_ADDRESS_PER_HOUR,
        window=SIGN_IN_WINDOW_SECONDS,
    )
    if wait is not None:
        raise SignInRateLimited(wait)


def sign_in_origin_check(*, integration: Integration, origin: str | None, own_origin: str) -> None:
    """OriginRefused unless the page that sent the token is one of the integration's allowed
    origins, or this site's own. No Origin at all is a program, not a browser (every browser
    sends one with a cross-site POST): it has no visitor's cookies to abuse."""
    if origin is None or origin == own_origin or origin in integration.origins:
        return
    raise OriginRefused()


def embed_sign_in(
    *,
    token: str,
    origin: str | None,
    own_origin: str,
    address: str | None,
    now: datetime | None = None,
):
    """The user ``token`` signs in; a ChatError (chat/embed/errors.py, or BannedFromSite)
    says why not."""
    sign_in_allowance_take(address=address)
    claims = sign_in_claims(token=token, now=now)
    sign_in_origin_check(integration=claims.integration, origin=origin, own_origin=own_origin)
    return embed_user(claims=claims)
