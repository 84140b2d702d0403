"""Which browser a request comes from: a random id in a signed cookie of its own, set on
the first visit.

The session cannot tell: logging in as a new guest starts a new session. The id counts the
guests a browser makes (chat.limits.guest_allowance_take), and a ban holds it
(chat/moderation/sanctions.py). A client that drops the cookie is a new browser every time,
and then only its address limits and holds it.
"""

from django.conf import settings

from chat.moderation.devices import (
    BROWSER_COOKIE,
    browser_cookie_value,
    browser_from_cookie,
    browser_new,
)

COOKIE = BROWSER_COOKIE
MAX_AGE_SECONDS = 365 * 24 * 3600


def browser_id(request) -> str:
    """The request's browser id, or a new one (then ``browser_remember`` must send it)."""
    known = getattr(request, "chat_browser", None)
    if known is None:
        known = request.chat_browser = (
            browser_from_cookie(request.COOKIES.get(COOKIE)) or browser_new()
        )
    return known


def browser_remember(response, browser: str):
    """``response`` with the browser's id in its cookie, for the next request."""
    response.set_cookie(
        COOKIE,
        browser_cookie_value(browser),
        max_age=MAX_AGE_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


class BrowserCookieMiddleware:
    """Gives every browser its id on the first page it loads, before it joins: a ban then
    holds the browser a guest came from, whatever it does with its session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sent = browser_from_cookie(request.COOKIES.get(COOKIE))
        response = self.get_response(request)
        if sent is None and COOKIE not in response.cookies:
            browser_remember(response, browser_id(request))
        return response
