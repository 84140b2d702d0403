"""Limits against abuse, each answered with an error frame or a documented close code."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from chat.models import Message
from chat.realtime.consumer import CLOSE_NOT_AUTHENTICATED, CLOSE_TOO_MANY_CONNECTIONS
from chat.sockets.close_codes import CLOSE_FRAME_TOO_BIG
from tests.sockets import joined, next_of_type, socket_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("layer")]


async def send(socket, body: str) -> dict:
    """The answer to one message.send: its ack or its error."""
    await socket.send_json_to({"type": "message.send", "body": body, "client_msg_id": body})
    while True:
        frame = await socket.receive_json_from(timeout=3)
        if frame["type"] in {"ack", "error"}:
            return frame


async def test_the_21st_message_in_10_seconds_is_refused_across_tabs(alice, lobby):
    first_tab, _ = await joined(alice)
    second_tab, _ = await joined(alice)

    answers = [await send(first_tab if n % 2 else second_tab, f"m{n}") for n in range(20)]
    over = await send(first_tab, "one too many")

    assert {answer["type"] for answer in answers} == {"ack"}
    assert over["code"] == "rate_limited"
    assert over["client_msg_id"] == "one too many"
    assert 0 < over["retry_after"] <= 10
    assert await Message.objects.acount() == 20
    assert not await Message.objects.filter(body="one too many").aexists()
    await first_tab.disconnect()
    await second_tab.disconnect()


async def test_history_pages_past_the_allowance_are_refused_across_tabs(alice, lobby, settings):
    settings.CHAT_HISTORY_RATE_LIMIT_PAGES = 4
    first_tab, _ = await joined(alice)
    second_tab, _ = await joined(alice)

    for n in range(4):
        tab = first_tab if n % 2 else second_tab
        await tab.send_json_to({"type": "history"})
        assert (await next_of_type(tab, "history"))["messages"] == []
    await first_tab.send_json_to({"type": "history"})

    refused = await next_of_type(first_tab, "error")
    assert refused["code"] == "rate_limited" and 0 < refused["retry_after"] <= 10
    assert "history" in refused["detail"]
    await first_tab.send_json_to({"type": "message.send", "body": "sending still works"})
    assert (await next_of_type(first_tab, "ack"))["id"]
    await first_tab.disconnect()
    await second_tab.disconnect()


async def test_a_resend_of_a_saved_message_is_not_counted_again(alice, lobby, settings):
    settings.CHAT_RATE_LIMIT_MESSAGES = 1
    socket, _ = await joined(alice)

    first = await send(socket, "hello")
    again = await send(socket, "hello")

    assert (first["type"], again["type"], again["id"]) == ("ack", "ack", first["id"])
    await socket.disconnect()


async def test_a_frame_over_64_kib_closes_the_socket_with_4009(alice, lobby):
    socket, _ = await joined(alice)

    await socket.send_to(text_data='{"type":"message.send","body":"' + "x" * 65_536 + '"}')

    while (output := await socket.receive_output(timeout=2))["type"] != "websocket.close":
        pass
    assert output["code"] == CLOSE_FRAME_TOO_BIG
    assert await Message.objects.acount() == 0


async def test_connections_per_user_are_capped(alice, lobby, settings):
    settings.CHAT_MAX_CONNECTIONS_PER_USER = 2
    tabs = [(await joined(alice))[0] for _ in range(2)]

    third = await socket_for(alice)
    connected, _ = await third.connect()

    assert connected
    while (output := await third.receive_output(timeout=2))["type"] != "websocket.close":
        pass
    assert output["code"] == CLOSE_TOO_MANY_CONNECTIONS
    for tab in tabs:
        await tab.disconnect()


async def test_logging_out_closes_the_users_sockets(alice, bob, lobby):
    alice_tabs = [(await joined(alice))[0] for _ in range(2)]
    bob_socket, _ = await joined(bob)
    browser = Client()
    await sync_to_async(browser.force_login)(alice)

    await sync_to_async(browser.post)("/accounts/logout/")

    for tab in alice_tabs:
        while (output := await tab.receive_output(timeout=2))["type"] != "websocket.close":
            pass
        assert output["code"] == CLOSE_NOT_AUTHENTICATED
        await tab.disconnect()  # as the server does once the close handshake is done
    assert (await next_of_type(bob_socket, "presence.left"))["user"]["name"] == "alice"
    await bob_socket.send_json_to({"type": "ping"})
    assert await next_of_type(bob_socket, "pong")
    await bob_socket.disconnect()


async def test_thirty_sockets_opened_at_once_by_one_user_are_capped_at_ten(alice, lobby):
    """The count and the entry are one step: opened together, they cannot all pass the count
    before any of them entered."""
    sockets = [await socket_for(alice) for _ in range(30)]
    await asyncio.gather(*(socket.connect() for socket in sockets))

    firsts = await asyncio.gather(*(socket.receive_output(timeout=5) for socket in sockets))

    welcomed = [
        s for s, first in zip(sockets, firsts, strict=True) if first["type"] != "websocket.close"
    ]
    refused = [first for first in firsts if first["type"] == "websocket.close"]
    assert len(welcomed) == 10
    assert {first["code"] for first in refused} == {CLOSE_TOO_MANY_CONNECTIONS}
    for socket in welcomed:
        await socket.disconnect()
    again, _ = await joined(alice)  # the refused ones left nothing behind
    await again.disconnect()
