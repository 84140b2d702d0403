"""Guests logged in over HTTP, through GET+POST /join/ as a browser does (``--login http``
and the ``join`` scenario).

When the site asks for a proof of work (CHAT_GUEST_PROOF_OF_WORK: the form carries the
ALTCHA widget), the guest fetches a challenge from /join/challenge/ and solves it here, as
the widget does in the browser: that CPU is then the generator's.
"""

import http.cookiejar
import json
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import altcha

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_WIDGET = "<altcha-widget"
HTTP_TIMEOUT_SECONDS = 30


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _solved(opener, http_url: str) -> str:
    """The widget's hidden field: a fresh challenge of the site and its solution."""
    with opener.open(f"{http_url}/join/challenge/", timeout=HTTP_TIMEOUT_SECONDS) as response:
        challenge = altcha.Challenge.from_dict(json.loads(response.read()))
    return altcha.Payload(challenge, altcha.solve_challenge(challenge)).to_base64()


def guest_join(http_url: str, nickname: str) -> str:
    """GET /join/, then POST it as a browser does; returns the session key."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}),  # loopback only, whatever the environment says
        urllib.request.HTTPCookieProcessor(jar),
        _NoRedirect,
    )
    join_url = f"{http_url}/join/"
    with opener.open(join_url, timeout=HTTP_TIMEOUT_SECONDS) as response:
        page = response.read().decode()
    token = _CSRF_INPUT.search(page)
    if token is None:
        raise RuntimeError(f"no CSRF token on {join_url}")
    fields = {"nickname": nickname, "avatar": "a1", "csrfmiddlewaretoken": token.group(1)}
    if _WIDGET in page:
        fields["altcha"] = _solved(opener, http_url)
    request = urllib.request.Request(
        join_url, data=urllib.parse.urlencode(fields).encode(), headers={"Referer": join_url}
    )
    try:
        opener.open(request, timeout=HTTP_TIMEOUT_SECONDS).close()
    except urllib.error.HTTPError as error:
        if error.code != 302:
            raise
    for cookie in jar:
        if cookie.name == "sessionid":
            return cookie.value
    raise RuntimeError(f"joining as {nickname} gave no session")


def _failure(error: Exception) -> str:
    """A failed join in a few words, to count alike ones together."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code}"
    if isinstance(error, RuntimeError):
        return "no session"  # the form came back: a refusal (name taken, too many guests)
    return type(error).__name__  # refused, reset or timed out at the socket


def guests_join_counted(
    http_urls: list[str], count: int, concurrency: int = 8
) -> tuple[list[str | None], float, Counter[str], list[float]]:
    """``count`` guests through the form, ``concurrency`` at a time; (session per guest or
    None where it failed, seconds for all, failures by kind, seconds per join)."""
    prefix = f"b{secrets.token_hex(3)}"
    times: list[float] = []
    failures: Counter[str] = Counter()

    def join(index: int) -> str | None:
        started = time.perf_counter()
        try:
            session = guest_join(http_urls[index % len(http_urls)], f"{prefix}u{index}")
        except (OSError, RuntimeError) as error:  # urllib's errors are OSErrors
            failures[_failure(error)] += 1
            return None
        times.append(time.perf_counter() - started)
        return session

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        sessions = list(pool.map(join, range(count)))
    return sessions, time.perf_counter() - started, failures, times


def guests_join(http_urls: list[str], count: int, concurrency: int = 8) -> tuple[list[str], float]:
    """``count`` guests logged in over HTTP with bounded concurrency; (sessions, seconds).
    Any failure is an error: the runs that use this need every one of them."""
    sessions, seconds, failures, _times = guests_join_counted(http_urls, count, concurrency)
    if failures:
        raise RuntimeError(f"{sum(failures.values())} of {count} guests failed to join: {failures}")
    return sessions, seconds
