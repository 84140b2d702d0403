"""Bad input gets an error frame; the connection stays usable afterwards."""

import pytest

from chat.models import Message
from tests.sockets import joined, next_of_type

pytestmark = pytest.mark.django_db(transaction=True)

BAD_FRAMES = [
    ("not json at all", "invalid_json"),
    ("[" * 30_000 + "]" * 30_000, "invalid_json"),
    ('"a string"', "invalid_frame"),
    ("[1, 2]", "invalid_frame"),
    ("{}", "unknown_type"),
    ('{"type": "nope"}', "unknown_type"),
    ('{"type": ["message.send"]}', "unknown_type"),
    ('{"type": "chat.frame", "text": "spoofed"}', "unknown_type"),
    ('{"type": "message.send"}', "invalid_field"),
    ('{"type": "message.send", "body": 42}', "invalid_field"),
    ('{"type": "message.send", "body": {"html": "<b>"}}', "invalid_field"),
    ('{"type": "message.send", "body": "hi", "client_msg_id": 7}', "invalid_field"),
    (
        '{"type": "message.send", "body": "hi", "client_msg_id": "' + "x" * 65 + '"}',
        "invalid_field",
    ),
    ('{"type": "history", "before_id": "12"}', "invalid_field"),
    ('{"type": "history", "before_id": true}', "invalid_field"),
    ('{"type": "history", "before_id": -1}', "invalid_field"),
    ('{"type": "history", "before_id": 5, "after_id": 1}', "invalid_field"),
    ('{"type": "history", "limit": 0}', "invalid_field"),
    ('{"type": "history", "limit": 101}', "invalid_field"),
]


@pytest.mark.parametrize(("text", "code"), BAD_FRAMES)
async def test_a_bad_text_frame_gets_an_error_and_the_socket_still_works(user, lobby, text, code):
    socket, _ = await joined(user)

    await socket.send_to(text_data=text)

    error = await next_of_type(socket, "error")
    assert error["code"] == code
    assert error["detail"]
    await socket.send_json_to({"type": "message.send", "body": "still here"})
    assert (await next_of_type(socket, "message"))["message"]["body"] == "still here"
    await socket.disconnect()


async def test_a_binary_frame_gets_an_error_and_the_socket_still_works(user, lobby):
    socket, _ = await joined(user)

    await socket.send_to(bytes_data=b"\x00\xff\x00")

    assert (await next_of_type(socket, "error"))["code"] == "binary_unsupported"
    await socket.send_json_to({"type": "ping"})
    assert await next_of_type(socket, "pong") == {"type": "pong"}
    await socket.disconnect()


async def test_a_server_failure_is_reported_and_the_socket_survives(user, lobby, monkeypatch):
    from chat import services

    async def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(services, "message_send", broken)
    socket, _ = await joined(user)

    await socket.send_json_to({"type": "message.send", "body": "x", "client_msg_id": "k"})

    error = await next_of_type(socket, "error")
    assert error["code"] == "server_error"
    assert await Message.objects.acount() == 0
    await socket.send_json_to({"type": "ping"})
    await next_of_type(socket, "pong")
    await socket.disconnect()


async def test_error_details_follow_the_browser_language(user, lobby):
    socket, _ = await joined(user, language="zh-CN,zh;q=0.9,en;q=0.5")

    await socket.send_json_to({"type": "message.send", "body": "   "})

    error = await next_of_type(socket, "error")
    assert error["code"] == "empty_body"
    assert error["detail"] == "消息不能为空。"
    await socket.disconnect()
