"""A moderator over HTTP and sockets that note when each frame came, for timing moderation
across processes.

A ``Tap`` reads its socket all the time in a background task, so a frame's time is when it
reached the test, not when the test got round to reading it: the time from a moderator's
HTTP response to its effect on another process's socket can then be measured.
"""

import asyncio
import contextlib
import json
import re
import secrets
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.chat_signal import Signal
from tests.frames import frames_in
from tests.servers import PROJECT_ROOT, LiveServer
from tests.web_clients import HTTP_TIMEOUT_SECONDS, Guest, http_request, room_socket

TIMEOUT = 10
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Staff with "Can moderate every room", as an administrator makes one in the admin.
_MAKE_MODERATOR = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
user = get_user_model().objects.create_user({name!r}, password={password!r}, is_staff=True)
user.user_permissions.add(
    Permission.objects.get(content_type__app_label="chat", codename="moderate_rooms")
)
"""


class Tap:
    """One socket and everything it heard: ``heard`` is (monotonic time, frame), a
    ``presence.batch`` taken apart into its events; ``closed_at`` and ``close_code``."""

    def __init__(self, socket: ClientConnection, label: str) -> None:
        self.socket, self.label = socket, label
        self.heard: list[tuple[float, dict]] = []
        self.closed_at: float | None = None
        self.close_code: int | None = None
        self.signal = Signal()
        self._reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        try:
            async for text in self.socket:
                at = time.monotonic()
                self.heard.extend((at, frame) for frame in frames_in(text))
                self.signal.notify()
        except ConnectionClosed:
            pass
        finally:
            self.closed_at = time.monotonic()
            self.close_code = self.socket.close_code
            self.signal.notify()

    def describe(self) -> str:
        kinds = [frame["type"] for _, frame in self.heard]
        state = "open" if self.closed_at is None else f"closed with {self.close_code}"
        return f"{self.label}: {state}, heard {len(kinds)} frames (last: {kinds[-8:]})"

    async def until(self, predicate: Callable[["Tap"], bool], *, what: str, timeout=TIMEOUT):
        await self.signal.wait_for(
            lambda: predicate(self), timeout=timeout, what=lambda: f"{what}; {self.describe()}"
        )

    async def first(
        self, predicate: Callable[[dict], bool], *, what: str, timeout=TIMEOUT
    ) -> tuple[float, dict]:
        """The first frame heard, before or after this call, for which ``predicate`` holds;
        an AssertionError if the socket closes without it."""

        def found():
            return next(((at, frame) for at, frame in self.heard if predicate(frame)), None)

        await self.until(lambda tap: found() or tap.closed_at, what=what, timeout=timeout)
        if found() is None:
            raise AssertionError(f"closed before {what}; {self.describe()}")
        return found()

    async def closed(self, *, what: str, timeout=TIMEOUT) -> float:
        await self.until(lambda tap: tap.closed_at is not None, what=what, timeout=timeout)
        return self.closed_at

    async def send(self, frame: dict) -> None:
        await self.socket.send(json.dumps(frame))

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.socket.close(), timeout=5)
        await self._reader


async def room_page(guest: Guest, server: LiveServer, *, label: str, **query) -> Tap:
    """The room page's socket of ``guest`` on ``server`` (``after_id=`` as the page sends it)."""
    return Tap(await room_socket(guest, base_url=server.url, **query), label)


async def old_page(server: LiveServer, *, path: str = "/", label: str) -> Tap:
    """The PHP room's socket on ``server``: no cookie; it logs in with a ``login`` frame."""
    socket = await connect(
        f"ws://127.0.0.1:{server.port}{path}",
        origin=server.url,
        proxy=None,
        open_timeout=HTTP_TIMEOUT_SECONDS,
    )
    return Tap(socket, label)


def online_ids(tap: Tap) -> dict[str, int]:
    """Name -> user id of everyone a room page shows online, from what its socket heard."""
    online: dict[str, int] = {}
    for _, frame in tap.heard:
        if frame["type"] == "welcome":
            online = {entry["user"]["name"]: entry["user"]["id"] for entry in frame["online"]}
        elif frame["type"] == "presence.joined":
            online[frame["user"]["name"]] = frame["user"]["id"]
        elif frame["type"] == "presence.left":
            online.pop(frame["user"]["name"], None)
    return online


def moderator_make(server: LiveServer) -> tuple[str, str]:
    """A staff user allowed to moderate every room, in the database ``server`` uses;
    (username, password)."""
    name, password = f"mod{secrets.token_hex(3)}", secrets.token_urlsafe(12)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            _MAKE_MODERATOR.format(name=name, password=password),
        ],
        cwd=PROJECT_ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return name, password


def moderator_login(server: LiveServer, name: str, password: str) -> Guest:
    """Log in at /accounts/login/ as a browser does, then open the lobby's page: the
    session and a ``csrftoken`` cookie for the moderation requests."""
    browser = Guest(name=name, base_url=server.url, host=f"127.0.0.1:{server.port}")
    status, _, page = http_request(browser, "GET", "/accounts/login/")
    token = _CSRF_INPUT.search(page)
    assert status == 200 and token, f"GET /accounts/login/: {status}"
    form = {"username": name, "password": password, "csrfmiddlewaretoken": token.group(1)}
    status, _, page = http_request(
        browser,
        "POST",
        "/accounts/login/",
        body=urllib.parse.urlencode(form),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"{browser.origin}/accounts/login/",
            "Origin": browser.origin,
        },
    )
    assert status == 302 and "sessionid" in browser.cookies, f"login: {status}\n{page[:500]}"
    status, _, _ = http_request(browser, "GET", "/chat/lobby/")
    assert status == 200 and "csrftoken" in browser.cookies, f"GET /chat/lobby/: {status}"
    return browser


def moderation_post(browser: Guest, path: str, fields: dict) -> tuple[int, dict, float, float]:
    """POST ``fields`` as JSON with the CSRF header, as the room page's moderation menu does;
    (status, answer, monotonic time sent, monotonic time the whole answer was read)."""
    headers = {
        "Content-Type": "application/json",
        "X-CSRFToken": browser.cookies["csrftoken"],
        "Origin": browser.origin,
        "Referer": f"{browser.origin}/chat/lobby/",
    }
    sent = time.monotonic()
    status, _, text = http_request(browser, "POST", path, body=json.dumps(fields), headers=headers)
    answered = time.monotonic()
    try:
        answer = json.loads(text)
    except ValueError:
        answer = {"not json": text[:500]}
    return status, answer, sent, answered
