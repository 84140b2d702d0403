"""What stands before both socket endpoints: the Origin check and the routes."""

import pytest
from channels.testing import WebsocketCommunicator

from chat.sockets.close_codes import CLOSE_NOT_FOUND
from chatsite.asgi import application
from tests.legacy_sockets import legacy_socket
from tests.sockets import joined, socket_for

pytestmark = pytest.mark.django_db(transaction=True)

# The tests' sockets reach the site as ws://localhost:8000 (tests/sockets.py).
LOOK_ALIKE_ORIGINS = [
    "http://localhost:1",  # another port
    "http://localhost",  # port 80 is another port too
    "ftp://localhost:8000",  # another scheme
    "https://localhost:8000",  # not how this socket reached the site
    "http://user@localhost:8000",  # no Origin carries credentials
    "http://localhost:8000/path",
    "http://localhost:notaport",
    "http://[::1",
]


@pytest.mark.parametrize("origin", LOOK_ALIKE_ORIGINS)
async def test_an_origin_that_only_shares_the_host_name_is_refused(user, origin):
    communicator = await socket_for(user, origin=origin)
    connected, _ = await communicator.connect()
    assert not connected


@pytest.mark.parametrize("origin", LOOK_ALIKE_ORIGINS)
async def test_the_old_page_from_a_look_alike_origin_is_refused(lobby, origin):
    connected, _ = await legacy_socket("/", origin=origin).connect()
    assert not connected


async def test_the_sites_own_origin_is_welcome(user, lobby):
    socket, welcome = await joined(user, origin="http://localhost:8000")
    assert welcome["me"]["id"] == user.pk
    await socket.disconnect()


async def test_a_trusted_origin_may_open_sockets_on_both_endpoints(user, lobby, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.example.com", "https://*.example.org"]

    for origin in ("https://www.example.com", "https://shop.example.org"):
        socket, _ = await joined(user, origin=origin)
        await socket.disconnect()
        legacy = legacy_socket("/", origin=origin)
        assert (await legacy.connect())[0]
        await legacy.disconnect()
    for origin in ("http://www.example.com", "https://www.example.com:8443", "https://example.net"):
        assert not (await (await socket_for(user, origin=origin)).connect())[0]


@pytest.mark.parametrize(
    "path", ["/ws/chat/lobby", "/ws/chat/../x/", "/ws/nothing/", "/ws/chat/lobby/extra/", "/x"]
)
async def test_an_unknown_socket_path_is_closed_with_a_documented_code(user, lobby, path):
    communicator = WebsocketCommunicator(
        application,
        path,
        headers=[(b"host", b"localhost:8000"), (b"origin", b"http://localhost:8000")],
    )
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_output() == {
        "type": "websocket.close",
        "code": CLOSE_NOT_FOUND,
    }
