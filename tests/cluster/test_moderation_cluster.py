"""Moderation given on one process takes effect on another's sockets, through the Redis
they share: a ban closes the user's sockets on both endpoints, and a deleted message leaves
both endpoints' pages, within a second of the moderator's HTTP answer (the product's
promise; the times are printed, see `pytest -s`)."""

import asyncio
import secrets

import pytest

from chat.sockets.close_codes import CLOSE_BANNED
from tests.cluster.moderation_clients import (
    Tap,
    moderation_post,
    moderator_login,
    moderator_make,
    old_page,
    online_ids,
    room_page,
)
from tests.web_clients import Guest, guest_login

pytestmark = pytest.mark.cluster

PROMISE_SECONDS = 1.0
BAN = {"duration": "1h", "reason": "spam"}
BANNED_HERE = "A moderator banned you from this room"  # then "until …. Reason: spam"
REMOVED = "A moderator removed a message."


@pytest.fixture
async def taps():
    """Every socket a test opens, closed at its end."""
    opened: list[Tap] = []
    yield opened
    await asyncio.gather(*(tap.close() for tap in opened))


def of_type(kind: str, **fields):
    return lambda frame: frame["type"] == kind and all(frame.get(k) == v for k, v in fields.items())


async def moderator_on(server) -> Guest:
    """A site moderator's browser, logged in on ``server``."""
    name, password = await asyncio.to_thread(moderator_make, server)
    return await asyncio.to_thread(moderator_login, server, name, password)


async def page_on(taps, guest: Guest, server, label: str, **query) -> Tap:
    """A room page that has got its welcome and ``synced``."""
    tap = await room_page(guest, server, label=label, **query)
    taps.append(tap)
    await tap.first(of_type("synced"), what=f"{label}: synced")
    return tap


async def old_page_on(taps, server, name: str, *, path: str, label: str) -> Tap:
    """The PHP room's page, logged in as ``name`` (or refused: then the test reads why)."""
    tap = await old_page(server, path=path, label=label)
    taps.append(tap)
    await tap.first(of_type("handShake"), what=f"{label}: handShake")
    await tap.send({"type": "login", "msg": name, "headerimg": "img/a2.jpg"})
    return tap


def took(what: str, sent: float, answered: float, at: float, record_property) -> float:
    """Seconds from the POST's response to ``at``. Negative when the effect came first: the
    view announces after its commit, before it answers (chat/moderation/live.py)."""
    seconds = at - answered
    print(
        f"  {what}: {seconds * 1000:+.1f} ms after the POST's response "
        f"({(at - sent) * 1000:.1f} ms after it was sent)"
    )
    record_property(f"{what} (s after the response)", round(seconds, 4))
    return seconds


async def test_a_ban_on_one_process_closes_the_users_sockets_on_the_other_at_once(
    cluster, taps, record_property
):
    first, second = cluster(2)
    moderator = await moderator_on(first)
    troll = await asyncio.to_thread(guest_login, second.url, name=f"troll{secrets.token_hex(3)}")
    troll_page = await page_on(taps, troll, second, "the troll's room page on B")
    old_name = f"oldtroll{secrets.token_hex(3)}"
    old_troll = await old_page_on(taps, second, old_name, path="/", label="old-page troll on B")
    await old_troll.first(of_type("login", msg=old_name), what="the old-page troll is in")
    watch = await page_on(taps, moderator, first, "the moderator's room page on A")
    await watch.until(
        lambda tap: {troll.name, old_name} <= online_ids(tap).keys(),
        what="the moderator sees both trolls online",
    )
    ids = online_ids(watch)
    print(f"\nban given on process A (port {first.port}), felt on process B (port {second.port})")

    # The room page: an `error` frame "banned", then the close 4403.
    status, answer, sent, answered = await asyncio.to_thread(
        moderation_post, moderator, f"/chat/lobby/people/{ids[troll.name]}/ban/", BAN
    )
    assert status == 200 and answer.get("ok") is True and "sanction" in answer, (status, answer)
    error_at, error = await troll_page.first(of_type("error", code="banned"), what="banned")
    closed_at = await troll_page.closed(what="the troll's page closed")
    print(f"  POST .../ban/ (room page's user) answered in {(answered - sent) * 1000:.1f} ms")
    error_took = took("room page: error banned", sent, answered, error_at, record_property)
    close_took = took("room page: closed 4403", sent, answered, closed_at, record_property)
    assert troll_page.close_code == CLOSE_BANNED, troll_page.describe()
    assert (error["room"], error["reason"]) == ("lobby", "spam") and error["until"], error
    assert troll_page.heard[-1][1] is error, "the error frame is the last before the close"
    assert max(error_took, close_took) <= PROMISE_SECONDS, (error_took, close_took)

    # The old page: a system line saying so, then the close 4403.
    status, answer, sent, answered = await asyncio.to_thread(
        moderation_post, moderator, f"/chat/lobby/people/{ids[old_name]}/ban/", BAN
    )
    assert status == 200 and answer.get("ok") is True, (status, answer)
    line_at, line = await old_troll.first(
        lambda frame: frame["type"] == "system" and frame["msg"].startswith(BANNED_HERE),
        what="the old page's ban line",
    )
    closed_at = await old_troll.closed(what="the old page closed")
    print(f"  POST .../ban/ (old page's user) answered in {(answered - sent) * 1000:.1f} ms")
    line_took = took("old page: system line", sent, answered, line_at, record_property)
    close_took = took("old page: closed 4403", sent, answered, closed_at, record_property)
    assert old_troll.close_code == CLOSE_BANNED, old_troll.describe()
    assert line["msg"].endswith("Reason: spam"), line
    assert max(line_took, close_took) <= PROMISE_SECONDS, (line_took, close_took)

    # Coming back to B is refused, on both endpoints.
    again = await room_page(troll, second, label="the troll back on B")
    taps.append(again)
    await again.first(of_type("error", code="banned"), what="the troll refused")
    await again.closed(what="the troll's new socket closed")
    assert again.close_code == CLOSE_BANNED, again.describe()
    assert [frame["type"] for _, frame in again.heard] == ["error"]
    old_again = await old_page_on(taps, second, old_name, path="/", label="old troll back on B")
    await old_again.first(
        lambda frame: frame["type"] == "system" and frame["msg"].startswith(BANNED_HERE),
        what="the old-page troll refused",
    )
    await old_again.closed(what="the old-page troll's new socket closed")
    assert old_again.close_code == CLOSE_BANNED, old_again.describe()
    assert [frame["type"] for _, frame in old_again.heard] == ["handShake", "system"]

    # The moderator, on the same address as the trolls, stays, and sees them gone.
    await watch.until(
        lambda tap: not {troll.name, old_name} & online_ids(tap).keys(),
        what="the moderator sees both trolls leave",
    )
    assert watch.closed_at is None, watch.describe()


async def test_a_message_deleted_on_one_process_leaves_the_pages_on_the_other_at_once(
    cluster, taps, record_property
):
    first, second = cluster(2)
    moderator = await moderator_on(first)
    author, reader = await asyncio.gather(
        asyncio.to_thread(guest_login, first.url), asyncio.to_thread(guest_login, second.url)
    )
    author_page = await page_on(taps, author, first, "the author's room page on A")
    reader_page = await page_on(taps, reader, second, "the reader's room page on B")
    old_name = f"oldreader{secrets.token_hex(3)}"
    old_reader = await old_page_on(
        taps, second, old_name, path="/ws/legacy/lobby/", label="old-page reader on B"
    )
    await old_reader.first(of_type("login", msg=old_name), what="the old-page reader is in")

    body = f"buy cheap pills {secrets.token_hex(3)}"
    await author_page.send({"type": "message.send", "body": body, "client_msg_id": "spam-1"})
    _, ack = await author_page.first(of_type("ack", client_msg_id="spam-1"), what="the ack")
    message_id = ack["id"]
    await reader_page.first(
        lambda frame: frame["type"] == "message" and frame["message"]["id"] == message_id,
        what="the reader has the message",
    )
    await old_reader.first(of_type("user", msg=body), what="the old-page reader has it")
    print(f"\ndeletion on process A (port {first.port}), felt on process B (port {second.port})")

    status, answer, sent, answered = await asyncio.to_thread(
        moderation_post, moderator, f"/chat/lobby/messages/{message_id}/delete/", {"reason": "x"}
    )
    assert (status, answer) == (200, {"ok": True})
    deleted_at, deleted = await reader_page.first(of_type("message.deleted"), what="deleted")
    line_at, _ = await old_reader.first(of_type("system", msg=REMOVED), what="the old page's line")
    print(f"  POST .../delete/ answered in {(answered - sent) * 1000:.1f} ms")
    deleted_took = took("room page: message.deleted", sent, answered, deleted_at, record_property)
    line_took = took("old page: system line", sent, answered, line_at, record_property)
    assert deleted == {"type": "message.deleted", "room": "lobby", "ids": [message_id]}
    assert max(deleted_took, line_took) <= PROMISE_SECONDS, (deleted_took, line_took)
    await author_page.first(of_type("message.deleted", ids=[message_id]), what="the author too")

    # B's history no longer has it: asked on the open page, or replayed to one coming back.
    await reader_page.send({"type": "history"})
    _, history = await reader_page.first(of_type("history"), what="the reader's history")
    assert message_id not in [message["id"] for message in history["messages"]], history
    back = await page_on(taps, reader, second, "the reader back on B", after_id=message_id - 1)
    _, welcome = await back.first(of_type("welcome"), what="the welcome")
    assert message_id in welcome["deleted"], welcome
    assert not [frame for _, frame in back.heard if frame["type"] == "message"], back.describe()
