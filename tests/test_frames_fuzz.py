"""Arbitrary JSON, text and bytes at both protocols' parsers and at live sockets: never an
unhandled exception, never a 1011 or any close, always a documented answer, and the socket
still usable afterwards."""

import json
import logging

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from chat.errors import ChatError
from chat.legacy.protocol import Login, Say, legacy_frame_parse
from chat.realtime.protocol import FetchHistory, Ping, SendMessage, client_frame_parse
from chat.text import is_text
from tests.legacy_sockets import logged_in
from tests.sockets import joined

# The codes docs/protocol.md lists for `error` frames (server_error is not among the
# answers a bad frame may get: it means the server failed).
DOCUMENTED_CODES = {
    "invalid_json",
    "invalid_frame",
    "unknown_type",
    "invalid_field",
    "binary_unsupported",
    "empty_body",
    "body_too_long",
    "rate_limited",
    "reply_not_found",
    "not_found",
    "forbidden",
    "edit_window_passed",
    "invalid_emoji",
    "too_many_reactions",
}
FIELDS = [
    "body",
    "client_msg_id",
    "before_id",
    "after_id",
    "around_id",
    "limit",
    "msg",
    "headerimg",
    "id",
    "message_id",
    "emoji",
    "reply_to",
]
TYPES = [
    "message.send",
    "message.edit",
    "message.delete",
    "reaction.add",
    "reaction.remove",
    "history",
    "ping",
    "login",
    "user",
    "chat.frame",
    "websocket.close",
]

# Text with everything, lone surrogates included (hypothesis leaves them out by default).
any_text = st.text(st.characters(exclude_categories=()), max_size=40)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | any_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
    max_leaves=8,
)
frames = st.fixed_dictionaries(
    {"type": st.sampled_from(TYPES) | json_values},
    optional={name: json_values for name in FIELDS},
)


def as_text(frame: dict) -> str:
    # ensure_ascii writes lone surrogates as \ud800 escapes, as a hostile client would.
    return json.dumps(frame, ensure_ascii=True)


client_frames = frames.map(as_text) | any_text | st.just("[" * 20_000)
binary_frames = st.binary(max_size=64)


def commands_are_text(command) -> None:
    for value in vars(command).values():
        if isinstance(value, str):
            assert is_text(value)


@pytest.mark.parametrize(
    ("parse", "commands"),
    [
        (client_frame_parse, (SendMessage, FetchHistory, Ping)),
        (legacy_frame_parse, (Login, Say)),
    ],
)
@given(text=client_frames, binary=st.none() | binary_frames)
def test_a_parser_returns_a_command_or_a_documented_error(parse, commands, text, binary):
    try:
        command = parse(text=text, binary=binary)
    except ChatError as error:
        assert error.code
        assert str(error.detail)
        return
    assert isinstance(command, commands)
    commands_are_text(command)


async def send_raw(socket, frame: str | bytes) -> None:
    # Around WebsocketCommunicator.send_to, which refuses an empty frame a client may send.
    key = "bytes" if isinstance(frame, bytes) else "text"
    await socket.send_input({"type": "websocket.receive", key: frame})


async def answers_until(socket, wanted) -> list[dict]:
    """Every frame up to the first that ``wanted`` accepts, however long the server takes
    (the fuzz's own frames may still be answered first)."""
    frames_seen = []
    while not frames_seen or not wanted(frames_seen[-1]):
        output = await socket.receive_output(timeout=10)
        assert output["type"] == "websocket.send", f"the socket was closed: {output}"
        frames_seen.append(json.loads(output["text"]))
    return frames_seen


async def answers_until_quiet(socket) -> list[dict]:
    frames_seen = []
    while not await socket.receive_nothing(timeout=0.05):
        output = await socket.receive_output()
        assert output["type"] == "websocket.send", f"the socket was closed: {output}"
        frames_seen.append(json.loads(output["text"]))
    return frames_seen


@pytest.fixture
def no_rate_limit(settings):
    """Many examples send as one user: the rate limit is not what these tests are about."""
    settings.CHAT_RATE_LIMIT_MESSAGES = 1_000_000


live = hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db(transaction=True)
@live
@given(sent=st.lists(client_frames | binary_frames, min_size=1, max_size=4))
async def test_the_room_socket_answers_anything_and_stays_usable(
    user, lobby, caplog, no_rate_limit, sent
):
    caplog.clear()
    socket, _ = await joined(user)
    try:
        for frame in sent:
            await send_raw(socket, frame)
            for answer in await answers_until_quiet(socket):
                if answer["type"] == "error":
                    assert answer["code"] in DOCUMENTED_CODES, answer

        await socket.send_json_to({"type": "ping"})
        for answer in await answers_until(socket, lambda frame: frame == {"type": "pong"}):
            if answer["type"] == "error":
                assert answer["code"] in DOCUMENTED_CODES, answer
    finally:
        await socket.disconnect()
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.django_db(transaction=True)
@live
@given(sent=st.lists(client_frames | binary_frames, min_size=1, max_size=4))
async def test_the_old_pages_socket_answers_anything_and_stays_usable(
    lobby, caplog, no_rate_limit, sent
):
    caplog.clear()
    socket, _ = await logged_in("fuzzer")
    try:
        for frame in sent:
            await send_raw(socket, frame)
            for answer in await answers_until_quiet(socket):
                assert "went wrong on the server" not in str(answer.get("msg")), answer

        await socket.send_json_to({"type": "user", "msg": "still here"})
        for answer in await answers_until(socket, lambda frame: frame.get("msg") == "still here"):
            assert "went wrong on the server" not in str(answer.get("msg")), answer
    finally:
        await socket.disconnect()
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
