"""A browser and an address as a ban holds them: keyed hashes, never the plain values.

The keys are HMACs under the site's SECRET_KEY, so the database holds no address, and a
leaked table cannot be matched against addresses without the key. An IPv6 address is held
by its /64 (chat.limits.address_bucket), the block one home or server is given.
"""

import re
import secrets

from django.core import signing
from django.utils.crypto import salted_hmac

from chat.limits import address_bucket
from chat.models import Profile

# The browser's id: random, in a long-lived cookie set on the first visit (chat/web/browsers.py),
# signed so that a client cannot choose one (and so another browser's ban).
BROWSER_COOKIE = "chat_browser"
_SALT = "chat.browser"
_ID = re.compile(r"[A-Za-z0-9_-]{22}")  # what secrets.token_urlsafe(16) makes


def browser_new() -> str:
    return secrets.token_urlsafe(16)


def browser_cookie_value(browser: str) -> str:
    return signing.get_cookie_signer(salt=BROWSER_COOKIE + _SALT).sign(browser)


def browser_from_cookie(value: str | None) -> str | None:
    """The browser id a cookie value carries, or None for none, a forged or an old one."""
    if not value:
        return None
    try:
        browser = signing.get_cookie_signer(salt=BROWSER_COOKIE + _SALT).unsign(value)
    except signing.BadSignature:
        return None
    return browser if _ID.fullmatch(browser) else None


def browser_from_scope(scope) -> str | None:
    """The browser id of a WebSocket's handshake (Channels' CookieMiddleware fills cookies)."""
    return browser_from_cookie((scope.get("cookies") or {}).get(BROWSER_COOKIE))


def address_from_scope(scope) -> str | None:
    client = scope.get("client") or (None,)
    return client[0]


def browser_key(browser: str | None) -> str:
    if not browser:
        return ""
    return salted_hmac("chat.moderation.browser", browser, algorithm="sha256").hexdigest()


def address_key(address: str | None) -> str:
    bucket = address_bucket(address)
    if bucket == "unknown":
        return ""  # no address (a Unix socket): nothing to hold
    return salted_hmac("chat.moderation.address", bucket, algorithm="sha256").hexdigest()


def device_seen(*, user, browser: str | None, address: str | None) -> None:
    """Remember where ``user`` was last seen, for a ban to hold; written only on a change."""
    keys = {"browser_key": browser_key(browser), "address_key": address_key(address)}
    keys = {name: value for name, value in keys.items() if value}
    profile = getattr(user, "profile", None)
    if not keys or (profile and all(getattr(profile, k) == v for k, v in keys.items())):
        return
    Profile.objects.filter(user_id=user.pk).update(**keys)
    if profile is not None:
        for name, value in keys.items():
            setattr(profile, name, value)
