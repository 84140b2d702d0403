"""Opening the room socket the way a browser does: session cookie, Origin, Host."""

import weakref
from collections import deque

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from chatsite.asgi import application
from tests.frames import frames_in

SITE_ORIGIN = "http://localhost:8000"


@sync_to_async
def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def socket_for(user=None, *, slug="lobby", origin=SITE_ORIGIN, language=None):
    """A communicator on /ws/chat/<slug>/ for ``user`` (None: anonymous), not yet connected."""
    headers = [(b"host", b"localhost:8000")]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    if user is not None:
        headers.append(
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={await session_cookie(user)}".encode())
        )
    if language is not None:
        headers.append((b"accept-language", language.encode()))
    return WebsocketCommunicator(application, f"/ws/chat/{slug}/", headers=headers)


async def joined(user, **kwargs):
    """A connected socket whose welcome has been read; returns (communicator, welcome)."""
    communicator = await socket_for(user, **kwargs)
    connected, _ = await communicator.connect()
    assert connected
    welcome = await communicator.receive_json_from()
    assert welcome["type"] == "welcome"
    return communicator, welcome


# The events of a presence.batch not yet handed out, per communicator.
_batched: "weakref.WeakKeyDictionary[WebsocketCommunicator, deque]" = weakref.WeakKeyDictionary()


async def next_frame(communicator, timeout: float = 2) -> dict:
    """The next frame, with a ``presence.batch`` taken apart into its events, as the page does."""
    batched = _batched.setdefault(communicator, deque())
    if not batched:
        batched.extend(frames_in(await communicator.receive_from(timeout)))
    return batched.popleft()


async def next_of_type(communicator, frame_type: str, timeout: float = 2) -> dict:
    """The next frame of ``frame_type``, skipping others (presence lines interleave)."""
    while True:
        frame = await next_frame(communicator, timeout)
        if frame["type"] == frame_type:
            return frame


async def drain(communicator) -> list[dict]:
    """Every frame waiting now, without waiting for more."""
    frames = list(_batched.pop(communicator, ()))
    while not await communicator.receive_nothing(timeout=0.05):
        frames.extend(frames_in(await communicator.receive_from()))
    return frames


async def next_presence(communicator, frame_type: str, name: str, timeout: float = 2) -> dict:
    """The next presence.joined / presence.left about the user called ``name``."""
    while True:
        frame = await next_of_type(communicator, frame_type, timeout)
        if frame["user"]["name"] == name:
            return frame


async def close_code(socket, timeout: float = 3) -> int:
    """The code the server closes ``socket`` with, after any frames before it."""
    while True:
        output = await socket.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output["code"]
