"""A crowd arriving at once: one line about it, not one line per person."""

import contextlib
import re

import pytest
from playwright.sync_api import expect
from websockets.sync.client import connect

from tests.web_clients import guest_login

pytestmark = pytest.mark.browser

CROWD = 6


def room_socket_sync(base_url: str):
    """A guest's room socket, without asyncio (the page's Playwright owns this thread)."""
    guest = guest_login(base_url)
    headers = {key: value for key, value in guest.headers().items() if key != "Host"}
    return connect(
        f"ws://{guest.host}/ws/chat/lobby/",
        origin=guest.origin,
        additional_headers=headers,
        proxy=None,
    )


def test_a_crowd_joining_and_leaving_at_once_is_one_line_each_way(people, base_url):
    gina = people("gina").join()
    page = gina.page
    online_before = int(page.locator("#online-count").text_content())

    with contextlib.ExitStack() as crowd:
        for _ in range(CROWD):
            crowd.enter_context(room_socket_sync(base_url))
        crowd_is_in(page, online_before)
    # Leaving the block closed the crowd's sockets, one right after another.

    expect(page.locator("#online-count")).to_have_text(str(online_before))
    expect(
        page.locator("#messages .system-line", has_text=re.compile(r"\d+ people left"))
    ).to_have_count(1)
    assert gina.dialogs == []


def crowd_is_in(page, online_before: int) -> None:
    expect(page.locator("#online-count")).to_have_text(str(online_before + CROWD))
    summary = page.locator("#messages .system-line", has_text=re.compile(r"\d+ people joined"))
    expect(summary).to_have_count(1)
    summarised = int(summary.text_content().split()[0])
    # The line's text, not the whole line: that holds its time too.
    singles = page.locator(
        "#messages .system-line .system-text", has_text=re.compile(r"^g\w+ joined$")
    )
    assert summarised + singles.count() == CROWD
    assert summarised > 3, "a burst of more than three is one line"
