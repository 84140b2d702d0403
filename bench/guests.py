"""Guests logged in over HTTP, through POST /join/ as a browser does (``--login http``)."""

import http.cookiejar
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def guest_join(http_url: str, nickname: str) -> str:
    """POST /join/ as a browser does; returns the session key."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    join_url = f"{http_url}/join/"
    with opener.open(join_url, timeout=30) as response:
        token = _CSRF_INPUT.search(response.read().decode())
    if token is None:
        raise RuntimeError(f"no CSRF token on {join_url}")
    form = urllib.parse.urlencode(
        {"nickname": nickname, "avatar": "a1", "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(join_url, data=form, headers={"Referer": join_url})
    try:
        opener.open(request, timeout=30).close()
    except urllib.error.HTTPError as error:
        if error.code != 302:
            raise
    for cookie in jar:
        if cookie.name == "sessionid":
            return cookie.value
    raise RuntimeError(f"joining as {nickname} gave no session")


def guests_join(http_urls: list[str], count: int, concurrency: int = 8) -> tuple[list[str], float]:
    """``count`` guests logged in over HTTP with bounded concurrency; (sessions, seconds)."""
    prefix = f"b{secrets.token_hex(3)}"
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        sessions = list(
            pool.map(
                lambda index: guest_join(http_urls[index % len(http_urls)], f"{prefix}u{index}"),
                range(count),
            )
        )
    return sessions, time.perf_counter() - started
