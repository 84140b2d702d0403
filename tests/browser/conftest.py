"""Browser tests: Debian's Chromium driven by Playwright against a real daphne process."""

import os
import secrets
from pathlib import Path

import pytest

from tests.servers import live_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def base_url():
    with live_server() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def unique_name(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(3)}"


class Person:
    """One person in their own browser context (own cookies), with one page."""

    def __init__(self, browser, base_url: str, name: str):
        self.base_url = base_url
        self.name = name
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def join(self, avatar: str = "a3", room: str = "lobby") -> "Person":
        from playwright.sync_api import expect

        self.page.goto(f"{self.base_url}/join/?next=/chat/{room}/")
        self.page.fill("#id_nickname", self.name)
        self.page.locator(f"label.avatar-option:has(input[value={avatar}])").click()
        expect(self.page.locator(f"input[name=avatar][value={avatar}]")).to_be_checked()
        self.page.locator("form.stacked-form button[type=submit]").click()
        self.page.wait_for_url(f"**/chat/{room}/")
        expect(self.page.locator("#connection-state")).to_have_attribute("data-state", "online")
        return self

    def create_room(self, title: str) -> str:
        """A room of this person's own, from the room list's form, and its page open; its
        slug (unique, so that each test starts with an empty room)."""
        from playwright.sync_api import expect

        slug = unique_name("room").replace("_", "-")
        self.page.goto(f"{self.base_url}/")
        self.page.fill("#id_title", title)
        self.page.fill("#id_slug", slug)
        # By the form, not the button's words: the page may be in Chinese.
        self.page.locator("form:has(#id_title) button[type=submit]").click()
        self.page.wait_for_url(f"**/chat/{slug}/")
        expect(self.page.locator("#connection-state")).to_have_attribute("data-state", "online")
        return slug

    def send(self, text: str) -> None:
        self.page.fill("#message-input", text)
        self.page.press("#message-input", "Enter")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def people(browser, base_url):
    """Make people on demand: ``alice = people("alice")``; all are closed afterwards."""
    made: list[Person] = []

    def make(prefix: str) -> Person:
        person = Person(browser, base_url, unique_name(prefix))
        made.append(person)
        return person

    yield make
    for person in made:
        person.close()
