"""The page across a server restart: it says so, reconnects by itself, and loses nothing."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Person, unique_name
from tests.servers import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def restartable_server():
    server = LiveServer()
    server.start()
    yield server
    server.close()


def test_messages_survive_a_server_restart(browser, restartable_server):
    alice = Person(browser, restartable_server.url, unique_name("alice")).join()
    bob = Person(browser, restartable_server.url, unique_name("bob")).join()
    a, b = alice.page, bob.page
    expect(a.locator("#online-count")).to_have_text("2")
    alice.send("before the restart")
    expect(b.locator("#messages .message", has_text="before the restart")).to_have_count(1)

    restartable_server.stop()
    expect(a.locator("#connection-state")).to_have_attribute("data-state", "reconnecting")
    expect(b.locator("#connection-state")).to_have_attribute("data-state", "reconnecting")
    alice.send("typed while the server was down")
    pending = a.locator("#messages .message.mine.pending", has_text="typed while")
    expect(pending).to_have_count(1)
    restartable_server.start()

    for page in (a, b):
        expect(page.locator("#connection-state")).to_have_attribute(
            "data-state", "online", timeout=20_000
        )
    expect(
        a.locator("#messages .message.mine:not(.pending)", has_text="typed while")
    ).to_have_count(1)
    expect(b.locator("#messages .message", has_text="typed while")).to_have_count(1)
    bob.send("after the restart")
    expect(a.locator("#messages .message", has_text="after the restart")).to_have_count(1)
    for page in (a, b):
        bodies = page.locator("#messages .message .body").all_text_contents()
        assert bodies == [
            "before the restart",
            "typed while the server was down",
            "after the restart",
        ]
    alice.close()
    bob.close()


def test_a_refused_message_shows_as_failed_with_retry(people):
    erin = people("erin").join()
    page = erin.page
    for number in range(21):  # one over the limit of 20 in 10 s
        erin.send(f"burst {number}")

    failed = page.locator("#messages .message.mine.failed")
    expect(failed).to_have_count(1)
    expect(failed.locator("button", has_text="Retry")).to_be_visible()
    expect(page.locator("#messages .message.mine:not(.pending):not(.failed)")).to_have_count(20)
