"""Guests for the test clients: an account made through the /join/ form, over real HTTP."""

import asyncio
import http.cookiejar
import re
import secrets
import urllib.parse
import urllib.request
from dataclasses import dataclass

HTTP_TIMEOUT_SECONDS = 10
SESSION_COOKIE = "sessionid"
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class Guest:
    """A guest account: its nickname and the session cookie of its browser."""

    name: str
    sessionid: str


def _guest_join_blocking(base_url: str, nickname: str, avatar: str) -> Guest:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}),  # loopback only, whatever the environment says
        urllib.request.HTTPCookieProcessor(jar),
    )
    join_url = f"{base_url}/join/"
    with opener.open(join_url, timeout=HTTP_TIMEOUT_SECONDS) as response:
        form_page = response.read().decode()
    token = _CSRF_INPUT.search(form_page)
    if token is None:
        raise AssertionError(f"no csrfmiddlewaretoken in {join_url}:\n{form_page[:2000]}")
    fields = {"nickname": nickname, "avatar": avatar, "csrfmiddlewaretoken": token.group(1)}
    request = urllib.request.Request(
        join_url,
        data=urllib.parse.urlencode(fields).encode(),
        headers={"Referer": join_url},
    )
    with opener.open(request, timeout=HTTP_TIMEOUT_SECONDS) as response:
        answer = response.read().decode(errors="replace")
    cookies = {cookie.name: cookie.value for cookie in jar}
    if SESSION_COOKIE not in cookies:
        raise AssertionError(f"joining as {nickname!r} gave no session:\n{answer[:2000]}")
    return Guest(name=nickname, sessionid=cookies[SESSION_COOKIE])


async def guest_join(base_url: str, nickname: str | None = None, *, avatar: str = "a1") -> Guest:
    """Join as a guest through the /join/ form, as a person does; a random name if none."""
    nickname = nickname or f"t{secrets.token_hex(5)}"
    return await asyncio.to_thread(_guest_join_blocking, base_url, nickname, avatar)
