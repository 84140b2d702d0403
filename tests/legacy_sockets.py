"""Talking to the legacy endpoint the way the PHP room's page does: no cookie, just JSON."""

import json

from channels.testing import WebsocketCommunicator

from chatsite.asgi import application
from tests.sockets import SITE_ORIGIN

SITE = "http://localhost:8000"  # what absolute avatar URLs start with for these sockets


def legacy_socket(path: str = "/", *, origin=SITE_ORIGIN, app=application):
    """A communicator on the legacy endpoint at ``path``, not yet connected."""
    headers = [(b"host", b"localhost:8000")]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    return WebsocketCommunicator(app, path, headers=headers)


async def shaken(path: str = "/"):
    """A connected legacy socket whose handShake has been read."""
    communicator = legacy_socket(path)
    connected, _ = await communicator.connect()
    assert connected
    hand_shake = await communicator.receive_json_from()
    assert hand_shake["type"] == "handShake"
    return communicator


async def next_legacy(communicator, frame_type: str, timeout: float = 2) -> dict:
    """The next frame of ``frame_type``, skipping others."""
    while True:
        frame = json.loads(await communicator.receive_from(timeout))
        if frame["type"] == frame_type:
            return frame


async def logged_in(name: str, headerimg: str = "img/a7.jpg", *, path: str = "/"):
    """A legacy socket logged in as ``name``; returns (communicator, its own login frame)."""
    communicator = await shaken(path)
    await communicator.send_json_to({"type": "login", "msg": name, "headerimg": headerimg})
    login = await communicator.receive_json_from()
    assert login["type"] == "login" and login["msg"] == name, login
    return communicator, login


def names(frame: dict) -> list[str]:
    return [entry["username"] for entry in frame["user_list"]]
