"""Which browser a request comes from: a random id in a cookie of its own.

The session cannot tell: logging in as a new guest starts a new session. The id only counts
the guests a browser makes (chat.limits.guest_allowance_take). A client that drops the cookie
is a new browser every time, and then only its address limits it.
"""

import re
import secrets

from django.conf import settings

COOKIE = "chat_browser"
MAX_AGE_SECONDS = 365 * 24 * 3600
_ID = re.compile(r"[A-Za-z0-9_-]{22}")  # what secrets.token_urlsafe(16) makes


def browser_id(request) -> str:
    """The request's browser id, or a new one (then ``browser_remember`` must send it)."""
    sent = request.COOKIES.get(COOKIE, "")
    # Anything else is made up: a new id, so a client cannot choose long or shared keys.
    return sent if _ID.fullmatch(sent) else secrets.token_urlsafe(16)


def browser_remember(response, browser: str):
    """``response`` with the browser's id in its cookie, for the next request."""
    response.set_cookie(
        COOKIE,
        browser,
        max_age=MAX_AGE_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response
