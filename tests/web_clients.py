"""A browser's requests, by hand: guest login over HTTP, the room socket, reading frames.

Used by the tests that run the app as real processes (tests/deploy/,
tests/test_cluster_script.py, the browser tests' crowds).
"""

import asyncio
import http.client
import json
import re
import secrets
import urllib.parse
import weakref
from collections import deque
from dataclasses import dataclass, field

from websockets.asyncio.client import ClientConnection, connect

from tests.frames import frames_in

HTTP_TIMEOUT_SECONDS = 10
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Guest:
    """A guest's browser: its nickname and cookies, and how it reaches the site."""

    name: str
    base_url: str  # where the connection goes, e.g. http://127.0.0.1:8000
    host: str  # the Host it names (with the port unless it is the scheme's default)
    https: bool = False  # says X-Forwarded-Proto: https, as a TLS proxy in front would
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return f"{'https' if self.https else 'http'}://{self.host}"

    def headers(self) -> dict[str, str]:
        headers = {"Host": self.host}
        if self.https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers


def http_request(
    guest: Guest, method: str, path: str, body: str | None = None, headers: dict | None = None
) -> tuple[int, http.client.HTTPMessage, str]:
    """One request, no redirects followed, cookies remembered (Secure ones too: the test's
    "TLS" is the X-Forwarded-Proto header)."""
    url = urllib.parse.urlsplit(guest.base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=HTTP_TIMEOUT_SECONDS)
    try:
        connection.request(method, path, body=body, headers={**guest.headers(), **(headers or {})})
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
    finally:
        connection.close()
    for cookie in response.headers.get_all("Set-Cookie") or []:
        name, _, value = cookie.split(";", 1)[0].partition("=")
        guest.cookies[name.strip()] = value.strip()
    return response.status, response.headers, text


def guest_login(
    base_url: str, *, name: str | None = None, host: str | None = None, https: bool = False
) -> Guest:
    """Join as a guest through /join/, as the form does: csrftoken cookie, token, Referer."""
    guest = Guest(
        name=name or f"g{secrets.token_hex(5)}",
        base_url=base_url,
        host=host or urllib.parse.urlsplit(base_url).netloc,
        https=https,
    )
    status, _, page = http_request(guest, "GET", "/join/")
    token = _CSRF_INPUT.search(page)
    assert status == 200 and token and "csrftoken" in guest.cookies, f"GET /join/: {status}"
    form = {"nickname": guest.name, "avatar": "a3", "csrfmiddlewaretoken": token.group(1)}
    status, _, page = http_request(
        guest,
        "POST",
        "/join/",
        body=urllib.parse.urlencode(form),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"{guest.origin}/join/",
            "Origin": guest.origin,
        },
    )
    assert status == 302 and "sessionid" in guest.cookies, f"POST /join/: {status}\n{page[:500]}"
    return guest


async def room_socket(
    guest: Guest, *, base_url: str | None = None, room: str = "lobby", after_id: int | None = None
) -> ClientConnection:
    """The room page's WebSocket, with the guest's cookies and its page's Origin; ``base_url``
    reaches another worker with the same session."""
    target = urllib.parse.urlsplit(base_url or guest.base_url)
    host = guest.host if base_url is None else target.netloc
    query = "" if after_id is None else f"?after_id={after_id}"
    headers = {key: value for key, value in guest.headers().items() if key != "Host"}
    return await connect(
        f"ws://{host}/ws/chat/{room}/{query}",
        origin=f"{'https' if guest.https else 'http'}://{host}",
        additional_headers=headers,
        proxy=None,
        open_timeout=HTTP_TIMEOUT_SECONDS,
        # The TCP connection goes to the server; the Host header names ``host``.
        host=target.hostname,
        port=target.port,
    )


# The events of a presence.batch not yet handed out, per socket.
_batched: "weakref.WeakKeyDictionary[ClientConnection, deque]" = weakref.WeakKeyDictionary()


async def next_frame(socket: ClientConnection) -> dict:
    """The next frame, with a ``presence.batch`` taken apart into its events, as the page does."""
    batched = _batched.setdefault(socket, deque())
    if not batched:
        batched.extend(frames_in(await socket.recv()))
    return batched.popleft()


async def frame_of(socket: ClientConnection, kind: str, *, timeout: float = 10, **match) -> dict:
    """The next frame of type ``kind`` (whose fields equal ``match``), skipping others."""
    async with asyncio.timeout(timeout):
        while True:
            frame = await next_frame(socket)
            if frame["type"] == kind and all(frame.get(k) == v for k, v in match.items()):
                return frame


async def frames_until(socket: ClientConnection, kind: str, *, timeout: float = 10) -> list[dict]:
    """Every frame up to and including the first of type ``kind``."""
    frames: list[dict] = []
    async with asyncio.timeout(timeout):
        while not frames or frames[-1]["type"] != kind:
            frames.append(await next_frame(socket))
    return frames


async def send_message(
    socket: ClientConnection, body: str, *, skipped: list[dict] | None = None
) -> dict:
    """Send ``body`` and return its ack (or the error that refused it); the frames that came
    before it go to ``skipped``."""
    client_msg_id = f"c-{secrets.token_hex(6)}"
    await socket.send(
        json.dumps({"type": "message.send", "body": body, "client_msg_id": client_msg_id})
    )
    async with asyncio.timeout(10):
        while True:
            frame = await next_frame(socket)
            if frame["type"] in {"ack", "error"} and frame.get("client_msg_id") == client_msg_id:
                return frame
            if skipped is not None:
                skipped.append(frame)
