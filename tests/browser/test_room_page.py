"""The room page in a real browser: two people, presence, messages, history, safety."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.servers import live_server

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
# The README's picture is refreshed on request only, so a test run leaves the tree clean.
SCREENSHOT = ROOT / (
    "docs/screenshot.png" if os.environ.get("UPDATE_SCREENSHOT") else "test-artifacts/room.png"
)
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def base_url():
    """A server of this module's own: its lobby holds only these tests' messages."""
    with live_server() as url:
        yield url


def test_two_people_chat_and_see_each_other(people):
    alice = people("alice").join(avatar="a2")
    bob = people("bob").join(avatar="a7")
    a, b = alice.page, bob.page

    for page, other in ((a, bob), (b, alice)):
        expect(
            page.locator("#online-list li[data-user-id] .name", has_text=other.name)
        ).to_be_visible()
        expect(page.locator("#online-count")).to_have_text("2")

    alice.send("hello bob")
    received = b.locator("#messages .message", has_text="hello bob")
    expect(received).to_have_count(1)
    expect(received).not_to_contain_class("mine")
    expect(received.locator(".author")).to_have_text(alice.name)
    sent = a.locator("#messages .message", has_text="hello bob")
    expect(sent).to_have_count(1)
    expect(sent).to_contain_class("mine")
    expect(sent).not_to_contain_class("pending")  # confirmed by the server
    bob.send("Hi Alice! Try sending some HTML:")

    bob.send(HOSTILE)
    body = a.locator("#messages .message .body", has_text=HOSTILE)
    expect(body).to_have_count(1)
    assert body.text_content() == HOSTILE
    expect(a.locator('#messages img[src="x"]')).to_have_count(0)
    expect(b.locator("#messages .message.mine .body", has_text=HOSTILE)).to_have_count(1)
    expect(b.locator('#messages img[src="x"]')).to_have_count(0)
    assert alice.dialogs == [] and bob.dialogs == []

    alice.send("Nice to meet you 👋\nThis one has two lines.")
    expect(a.locator("#messages .message.mine:not(.pending)")).to_have_count(2)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    a.screenshot(path=str(SCREENSHOT), animations="disabled")

    b.close()
    expect(a.locator("#messages .system-line", has_text=f"{bob.name} joined")).to_have_count(1)
    expect(a.locator("#messages .system-line", has_text=f"{bob.name} left")).to_have_count(1)
    expect(a.locator("#online-count")).to_have_text("1")
    expect(a.locator("#online-list li[data-user-id]", has_text=bob.name)).to_have_count(0)
    assert alice.dialogs == []


def test_blank_message_is_not_sent(people):
    carol = people("carol").join()
    page = carol.page
    mine = page.locator("#messages .message.mine")

    page.fill("#message-input", "   ")
    expect(page.locator("#send")).to_be_disabled()
    page.press("#message-input", "Enter")
    carol.send("not blank")

    expect(mine.filter(has_text="not blank")).not_to_contain_class("pending")
    expect(mine).to_have_count(1)
    expect(page.locator("#message-input")).to_have_value("")


def test_shift_enter_adds_a_line_instead_of_sending(people):
    dave = people("dave").join()
    page = dave.page
    page.fill("#message-input", "first line")
    page.press("#message-input", "Shift+Enter")
    page.type("#message-input", "second line")
    expect(page.locator("#messages .message.mine")).to_have_count(0)
    page.press("#message-input", "Enter")
    body = page.locator("#messages .message.mine .body")
    expect(body).to_have_count(1)
    assert body.text_content() == "first line\nsecond line"


def test_reload_shows_earlier_messages_in_order(people):
    erin = people("erin").join()
    page = erin.page
    texts = [f"{erin.name} says {word}" for word in ("one", "two", "three")]
    for text in texts:
        erin.send(text)
    expect(page.locator("#messages .message.mine:not(.pending) .body")).to_have_text(texts)

    page.reload()
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")
    expect(page.locator("#messages .message.mine .body")).to_have_text(texts)
    ids = page.locator("#messages .message[data-id]").evaluate_all(
        "nodes => nodes.map(node => Number(node.dataset.id))"
    )
    assert ids == sorted(ids) and len(ids) == len(set(ids))
