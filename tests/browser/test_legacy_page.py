"""The old PHP room's kind of page, in a real browser, talking to a user of the new room page.

static/legacy/index.html speaks only the legacy protocol (docs/legacy.md) to ws://<host>/.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORT
from tests.servers import live_server

pytestmark = pytest.mark.browser

HOSTILE = "<b onclick=alert(1)>bold</b><img src=legacy onerror=alert(2)>"


class LegacyVisitor:
    """Someone on the legacy page, in a browser context of their own."""

    def __init__(self, browser, base_url: str):
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.page.on(
            "dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss())
        )
        self.page.goto(f"{base_url}/static/legacy/index.html")
        expect(self.page.locator("#status")).to_have_attribute("data-state", "online")
        self.name = self.page.locator("#me").text_content()

    def send(self, text: str) -> None:
        self.page.fill("#input", text)
        self.page.press("#input", "Enter")


@pytest.fixture(scope="module")
def base_url():
    """A server of this module's own: what is said here stays out of other tests' lobby."""
    with live_server() as url:
        yield url


@pytest.fixture
def visitor(browser, base_url):
    made = LegacyVisitor(browser, base_url)
    yield made
    made.context.close()


def test_a_legacy_page_and_the_room_page_talk_both_ways(people, visitor, base_url):
    bob = people("bob").join(avatar="a3")
    old, new = visitor.page, bob.page
    assert visitor.name.startswith("user") and len(visitor.name) == 12

    expect(
        new.locator("#online-list li[data-user-id] .name", has_text=visitor.name)
    ).to_be_visible()
    expect(old.locator("#users li .name", has_text=bob.name)).to_be_visible()
    expect(old.locator("#online-count")).to_have_text("2")

    bob.send("hello, old page")
    heard = old.locator("#messages li.message", has_text="hello, old page")
    expect(heard.locator(".author")).to_have_text(bob.name)
    expect(heard.locator("img.avatar")).to_have_attribute(
        "src", f"{base_url}/static/avatars/a3.svg"
    )

    visitor.send("hello from the old page")
    answer = new.locator("#messages .message", has_text="hello from the old page")
    expect(answer).to_have_count(1)
    expect(answer.locator(".author")).to_have_text(visitor.name)
    expect(
        old.locator("#messages li.message.mine", has_text="hello from the old page")
    ).to_have_count(1)

    visitor.send(HOSTILE)
    for page in (old, new):
        body = page.locator("#messages .body", has_text=HOSTILE)
        expect(body).to_have_count(1)
        assert body.text_content() == HOSTILE
        expect(page.locator('#messages img[src="legacy"], #messages b')).to_have_count(0)
    assert visitor.dialogs == [] and bob.dialogs == []


def test_the_legacy_page_reconnects_with_the_same_name(people, visitor):
    carol = people("carol").join()
    name = visitor.name
    expect(carol.page.locator("#online-list li[data-user-id] .name", has_text=name)).to_be_visible()

    visitor.page.evaluate("window.legacyChat.socket().close()")

    expect(visitor.page.locator("#status")).to_have_attribute("data-state", "reconnecting")
    expect(visitor.page.locator("#status")).to_have_attribute("data-state", "online")
    assert visitor.page.locator("#me").text_content() == name
    visitor.send("back again")
    answer = carol.page.locator("#messages .message", has_text="back again")
    expect(answer.locator(".author")).to_have_text(name)

    visitor.context.close()
    expect(carol.page.locator("#online-list li[data-user-id]", has_text=name)).to_have_count(0)
    expect(carol.page.locator("#online-count")).to_have_text("1")
