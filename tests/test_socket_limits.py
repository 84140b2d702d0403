"""Bounds on sockets that are cheap to open: per client address, and the old page's login
deadline."""

import pytest

from chat.sockets.close_codes import CLOSE_LOGIN_TIMEOUT, CLOSE_TOO_MANY_CONNECTIONS
from tests.legacy_sockets import legacy_socket, logged_in, next_legacy
from tests.sockets import socket_for

pytestmark = pytest.mark.django_db(transaction=True)


def from_address(communicator, address: str):
    communicator.scope["client"] = (address, 40000)
    return communicator


async def close_code(communicator) -> int:
    while True:
        output = await communicator.receive_output(timeout=2)
        if output["type"] == "websocket.close":
            return output["code"]


async def opened(communicator) -> bool:
    connected, _ = await communicator.connect()
    assert connected
    first = await communicator.receive_output(timeout=2)
    return first["type"] == "websocket.send"


@pytest.fixture
def three_per_address(settings):
    settings.CHAT_MAX_SOCKETS_PER_ADDRESS = 3
    settings.CHAT_MAX_CONNECTIONS_PER_USER = 100


async def test_one_address_holds_a_bounded_number_of_sockets_on_both_endpoints(
    user, lobby, three_per_address
):
    held = [from_address(legacy_socket("/"), "203.0.113.7") for _ in range(2)]
    held.append(from_address(await socket_for(user), "203.0.113.7"))
    for communicator in held:
        assert await opened(communicator)

    refused = from_address(legacy_socket("/"), "203.0.113.7")
    assert (await refused.connect())[0]
    assert await close_code(refused) == CLOSE_TOO_MANY_CONNECTIONS
    also_refused = from_address(await socket_for(user), "203.0.113.7")
    assert (await also_refused.connect())[0]
    assert await close_code(also_refused) == CLOSE_TOO_MANY_CONNECTIONS

    elsewhere = from_address(legacy_socket("/"), "198.51.100.1")
    assert await opened(elsewhere)
    await held[0].disconnect()
    again = from_address(legacy_socket("/"), "203.0.113.7")
    assert await opened(again), "a closed socket gives its place back"
    for communicator in [*held[1:], elsewhere, again]:
        await communicator.disconnect()


async def test_an_ipv6_client_counts_by_its_64_bit_prefix(lobby, three_per_address):
    held = [from_address(legacy_socket("/"), f"2001:db8:1:2::{n}") for n in range(3)]
    for communicator in held:
        assert await opened(communicator)
    refused = from_address(legacy_socket("/"), "2001:db8:1:2:ffff::1")
    assert (await refused.connect())[0]
    assert await close_code(refused) == CLOSE_TOO_MANY_CONNECTIONS
    for communicator in held:
        await communicator.disconnect()


async def test_an_old_page_socket_that_never_logs_in_is_closed_at_the_deadline(lobby, settings):
    settings.CHAT_LEGACY_LOGIN_SECONDS = 0.2
    socket = legacy_socket("/")
    await socket.connect()
    assert (await next_legacy(socket, "handShake"))["msg"]

    notice = await next_legacy(socket, "system")
    assert notice["msg"]
    assert await close_code(socket) == CLOSE_LOGIN_TIMEOUT


async def test_an_old_page_socket_that_logged_in_in_time_stays(lobby, settings):
    settings.CHAT_LEGACY_LOGIN_SECONDS = 0.2
    socket, _ = await logged_in("punctual")

    assert await socket.receive_nothing(timeout=0.4)
    await socket.send_json_to({"type": "user", "msg": "still here"})
    assert (await next_legacy(socket, "user"))["msg"] == "still here"
    await socket.disconnect()
