"""Frames a hostile or careless client sends: each gets a documented error, never a 1011, and
the socket stays usable (issue: survive the public)."""

import pytest

from chat.models import Message
from tests.legacy_sockets import logged_in, next_legacy
from tests.sockets import joined, next_of_type, socket_for

pytestmark = pytest.mark.django_db(transaction=True)

# JSON text with escapes that decode to lone surrogates: valid JSON, not encodable text.
LONE_SURROGATE_FRAMES = [
    r'{"type": "message.send", "body": "\ud800 x"}',
    r'{"type": "message.send", "body": "ok \udfff"}',
    r'{"type": "message.send", "body": "hi", "client_msg_id": "\ud800"}',
]


async def still_usable(socket) -> None:
    await socket.send_json_to({"type": "message.send", "body": "still here"})
    assert (await next_of_type(socket, "message"))["message"]["body"] == "still here"


@pytest.mark.parametrize("text", LONE_SURROGATE_FRAMES)
async def test_a_lone_surrogate_is_an_invalid_field_and_the_socket_stays_open(user, lobby, text):
    socket, _ = await joined(user)

    await socket.send_to(text_data=text)

    error = await next_of_type(socket, "error")
    assert error["code"] == "invalid_field"
    await still_usable(socket)
    assert await Message.objects.acount() == 1
    await socket.disconnect()


async def test_a_lone_surrogate_on_the_old_page_is_refused_in_its_words(lobby):
    socket, _ = await logged_in("mallory")

    await socket.send_to(text_data=r'{"type": "user", "msg": "\ud800"}')

    error = await next_legacy(socket, "system")
    assert "went wrong on the server" not in error["msg"]
    await socket.send_json_to({"type": "user", "msg": "still here"})
    assert (await next_legacy(socket, "user"))["msg"] == "still here"
    await socket.disconnect()


@pytest.mark.parametrize(
    "body",
    [
        "\u200b\u200c\u200d",  # zero-width space, non-joiner, joiner
        "\u202e\u2066\u200f",  # bidi controls
        "\x01\x02\x7f",  # C0 controls and DEL
        "\U000e0041\U000e0042",  # tag characters
        " \u200b \n\t\ufeff ",
    ],
)
async def test_a_body_of_invisible_characters_is_empty(user, lobby, body):
    socket, _ = await joined(user)

    await socket.send_json_to({"type": "message.send", "body": body, "client_msg_id": "m-1"})

    error = await next_of_type(socket, "error")
    assert (error["code"], error["client_msg_id"]) == ("empty_body", "m-1")
    assert await Message.objects.acount() == 0
    await socket.disconnect()


async def test_control_characters_other_than_newline_and_tab_are_dropped_from_a_body(user, lobby):
    socket, _ = await joined(user)

    await socket.send_json_to({"type": "message.send", "body": "a\x00b\x1b[31mc\nd\te\x7f"})

    message = (await next_of_type(socket, "message"))["message"]
    assert message["body"] == "ab[31mc\nd\te"
    await socket.disconnect()


@pytest.mark.parametrize(
    "text",
    [
        '{"type": "message.send", "body": 12, "client_msg_id": "m-1"}',
        '{"type": "message.send", "client_msg_id": "m-1"}',
        r'{"type": "message.send", "body": "\ud800", "client_msg_id": "m-1"}',
    ],
)
async def test_invalid_field_names_the_pending_message_it_refuses(user, lobby, text):
    socket, _ = await joined(user)

    await socket.send_to(text_data=text)

    error = await next_of_type(socket, "error")
    assert (error["code"], error.get("client_msg_id")) == ("invalid_field", "m-1")
    await socket.disconnect()


@pytest.mark.parametrize(
    "history",
    [
        {"before_id": 2**63},
        {"after_id": 10**30},
    ],
)
async def test_history_ids_beyond_any_message_are_invalid_fields(user, lobby, history):
    socket, _ = await joined(user)

    await socket.send_json_to({"type": "history", **history})

    assert (await next_of_type(socket, "error"))["code"] == "invalid_field"
    await still_usable(socket)
    await socket.disconnect()


@pytest.mark.parametrize("after_id", ["%C2%B2", "%D9%A3", "1" * 5000, "9" * 40, "-1", "1e3"])
async def test_a_junk_after_id_is_ignored(user, lobby, after_id):
    socket = await socket_for(user)
    socket.scope["query_string"] = f"after_id={after_id}".encode()
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from())["type"] == "welcome"

    synced = await next_of_type(socket, "synced")
    assert synced["complete"] is True
    await still_usable(socket)
    await socket.disconnect()
