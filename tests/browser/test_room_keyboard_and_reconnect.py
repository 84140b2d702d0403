"""The room page's rough edges, in a real browser: the composer has focus when a room opens,
"Load older messages" works from the keyboard, a lost connection comes back soon and says when,
an overlong message is refused in place, a refused one can be edited, retried or discarded,
and screen readers hear each new message once."""

import re
import secrets
import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Person, unique_name
from tests.browser.visitor import Visitor
from tests.servers import LiveServer

pytestmark = pytest.mark.browser

PAGE_SIZE = 10  # history pages of this module's server: three pages hold 25 messages
PHONE = {"width": 360, "height": 740}
COUNTDOWN = re.compile(r"^Reconnecting in (\d+) s…$")

# The room has shown what it holds (its newest page, or that it is empty).
LOADED = "#history-start:visible, #empty-room:visible, #load-older:visible"
NEXT_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


@pytest.fixture(scope="module")
def server():
    with LiveServer(
        env={"CHAT_HISTORY_PAGE_SIZE": str(PAGE_SIZE), "CHAT_RATE_LIMIT_MESSAGES": "1000"}
    ) as server:
        yield server


@pytest.fixture(scope="module")
def base_url(server):
    return server.url


def room_create(owner: Person, title: str) -> str:
    """A room of the owner's own, so that each test starts with an empty one; its slug."""
    slug = unique_name("room").replace("_", "-")
    page = owner.page
    page.goto(f"{owner.base_url}/")
    page.fill("#id_title", title)
    page.fill("#id_slug", slug)
    page.get_by_role("button", name="Create room").click()
    page.wait_for_url(f"**/chat/{slug}/")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")
    return slug


def mine(page: Page):
    return page.locator("#messages .message.mine")


def confirmed(page: Page):
    return page.locator("#messages .message[data-id]")


def history_requests(page: Page) -> list[str]:
    """The `history` frames with a `before_id` that the page sends from now on."""
    sent: list[str] = []

    def watch(ws) -> None:
        ws.on(
            "framesent", lambda payload: sent.append(payload) if '"before_id"' in payload else None
        )

    page.on("websocket", watch)
    return sent


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement?.id || document.activeElement?.tagName")


# --- 1. the composer has focus when the room opens ------------------------------------------


def test_the_composer_has_focus_when_the_room_opens(people):
    page = people("typist").join().page
    expect(page.locator(LOADED).first).to_be_visible()
    expect(page.locator("#message-input")).to_be_focused()
    page.keyboard.type("typed at once")
    page.keyboard.press("Enter")
    expect(mine(page).filter(has_text="typed at once")).not_to_contain_class("pending")


def test_a_touch_phone_does_not_get_its_keyboard_pushed_up(browser, base_url):
    phone = Visitor(browser, base_url, "phone", viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = phone.join().page
        expect(page.locator(LOADED).first).to_be_attached()
        page.evaluate(NEXT_FRAMES)
        assert focused_id(page) == "BODY"
    finally:
        phone.close()


def test_the_composer_does_not_take_focus_from_an_open_dialog(people):
    reader = people("reader")
    # The reader opened a dialog before the room was ready (here: at once, by script).
    reader.context.add_init_script("""
        document.addEventListener("DOMContentLoaded", () => {
          if (location.pathname.startsWith("/chat/")) {
            document.getElementById("message-dialog").showModal();
          }
        });
    """)
    page = reader.join().page
    expect(page.locator(LOADED).first).to_be_attached()
    page.evaluate(NEXT_FRAMES)
    assert page.evaluate(
        "document.getElementById('message-dialog').contains(document.activeElement)"
    )
    expect(page.locator("#message-input")).not_to_be_focused()


# --- 2. "Load older messages" from the keyboard ---------------------------------------------


def room_with_history(people, count: int = 25):
    """A room holding ``count`` messages, freshly opened: only the newest page is shown. The
    owner, and the list of "older messages" requests their page sends."""
    owner = people("history")
    owner.join()
    room_create(owner, "History room")
    page = owner.page
    # Three lines each: one page is more than the list shows, so that it scrolls.
    for number in range(count):
        owner.send(f"message number {number:02d}\nwith a second line\nand a third one")
    expect(page.locator("#messages .message.mine:not(.pending)")).to_have_count(count)
    requests = history_requests(page)
    page.reload()
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")
    expect(confirmed(page)).to_have_count(PAGE_SIZE)
    scroller = page.locator("#message-scroller")
    assert scroller.evaluate("node => node.scrollHeight > node.clientHeight + 100")
    return owner, requests


def test_tabbing_to_load_older_does_not_load_and_the_button_keeps_focus(people):
    owner, requests = room_with_history(people)
    page = owner.page
    load_older = page.locator("#load-older")
    expect(load_older).to_be_visible()

    # Tab from the message list to the button: it scrolls into view, and nothing loads.
    page.locator("#message-scroller").focus()
    page.keyboard.press("Tab")
    expect(load_older).to_be_focused()
    page.evaluate(NEXT_FRAMES)
    page.evaluate(NEXT_FRAMES)
    assert requests == []
    expect(confirmed(page)).to_have_count(PAGE_SIZE)
    expect(load_older).not_to_have_attribute("aria-disabled", "true")

    # The button loads a page; more remain, so it keeps the focus, in view.
    page.keyboard.press("Enter")
    expect(confirmed(page)).to_have_count(2 * PAGE_SIZE)
    expect(load_older).to_be_focused()
    expect(load_older).to_be_in_viewport()
    expect(load_older).not_to_have_attribute("aria-disabled", "true")
    # Below it, the page it brought, oldest first.
    first = page.locator("#messages .message[data-id] .body").first
    expect(first).to_contain_text("message number 05")
    expect(first).to_be_in_viewport()

    # The last page: the button gives way to the note that this is the beginning, focused.
    page.keyboard.press("Enter")
    expect(confirmed(page)).to_have_count(25)
    expect(load_older).to_be_hidden()
    expect(page.locator("#history-start")).to_be_focused()
    assert focused_id(page) != "BODY"
    assert len(requests) == 2


def test_scrolling_to_the_top_still_loads_older_messages(people):
    owner, requests = room_with_history(people)
    page = owner.page
    page.locator("#message-scroller").hover()
    page.mouse.wheel(0, -5000)
    expect(confirmed(page)).to_have_count(2 * PAGE_SIZE)
    assert len(requests) == 1


# --- 3. reconnecting: soon, with a countdown and "Reconnect now" ----------------------------


@pytest.fixture
def restartable_server():
    server = LiveServer()
    server.start()
    yield server
    server.close()


def pause_clock(page: Page) -> None:
    """Stop the page's clock where it is: its timers run from now on only when a test says."""
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 0.01)  # seconds, for Python


def read_countdown(page: Page) -> int:
    """The seconds the banner says are left before the next attempt (once it says so)."""
    countdown = page.locator("#offline-banner .offline-countdown")
    expect(countdown).to_have_text(COUNTDOWN)
    return int(COUNTDOWN.match(countdown.text_content()).group(1))


def next_attempt(page: Page, seconds: int) -> None:
    """Let the page's clock run out the wait: its next attempt starts (and, server down, fails)."""
    with page.expect_websocket():
        page.clock.run_for(seconds * 1000)


def test_reconnecting_is_soon_counted_down_and_can_be_hurried(browser, restartable_server):
    alice = Person(browser, restartable_server.url, unique_name("alice"))
    alice.page.clock.install()
    alice.join()
    page = alice.page
    state = page.locator("#connection-state")
    banner = page.locator("#offline-banner")
    scroller_box = page.locator("#message-scroller").bounding_box()
    # From here on the page's timers run only when the test says.
    pause_clock(page)

    restartable_server.stop()
    expect(state).to_have_attribute("data-state", "reconnecting")
    # A quick first retry, without a banner for what may be a blip.
    first = read_countdown(page)
    assert first == 1
    expect(banner).to_be_hidden()
    next_attempt(page, first)

    # Then the banner, over the messages: the list does not move.
    waits = [read_countdown(page)]
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Connection lost.")
    expect(banner.get_by_role("button", name="Reconnect now")).to_be_visible()
    assert page.locator("#message-scroller").bounding_box() == scroller_box

    # The waits grow, but never past what suits a chat, however long the server stays away.
    for _ in range(7):
        next_attempt(page, waits[-1])
        waits.append(read_countdown(page))
    assert max(waits) <= 8, waits
    assert waits[-1] >= 4, waits  # it did back off
    # The countdown counts down.
    page.clock.run_for(1000)
    expect(banner.locator(".offline-countdown")).to_have_text(f"Reconnecting in {waits[-1] - 1} s…")

    # The server is back: the page is online again within one (capped) wait.
    restartable_server.start()
    page.clock.run_for(8000)
    expect(state).to_have_attribute("data-state", "online")
    expect(banner).to_be_hidden()

    # Down again: "Reconnect now" does not wait out the countdown.
    restartable_server.stop()
    expect(state).to_have_attribute("data-state", "reconnecting")
    next_attempt(page, read_countdown(page))
    read_countdown(page)
    expect(banner).to_be_visible()
    restartable_server.start()
    banner.get_by_role("button", name="Reconnect now").focus()
    page.keyboard.press("Enter")
    expect(state).to_have_attribute("data-state", "online")
    expect(banner).to_be_hidden()
    # Focus was on the banner's button: it goes to the composer, not to <body>.
    expect(page.locator("#message-input")).to_be_focused()
    alice.send("back without waiting")
    expect(mine(page).filter(has_text="back without waiting")).not_to_contain_class("pending")
    alice.close()


# --- 4. the composer's limit, and what can be done with a refused message -------------------


def test_an_overlong_message_is_refused_in_place_with_its_text_kept(people):
    page = people("long").join().page
    box = page.locator("#message-input")
    counter = page.locator("#composer-count")
    error = page.locator("#composer-error")

    box.fill("x" * 3599)
    expect(counter).to_be_hidden()
    box.fill("x" * 3600)  # 90 % of the limit: the counter shows
    expect(counter).to_be_visible()
    expect(counter).to_have_text("3,600 / 4,000 characters")
    expect(counter).not_to_contain_class("is-over")

    too_long = "y" * 4100
    box.fill(too_long)
    expect(counter).to_have_text("4,100 / 4,000 characters")
    expect(counter).to_contain_class("is-over")
    expect(box).to_have_attribute("aria-invalid", "true")
    box.press("Enter")
    expect(error).to_be_visible()
    expect(error).to_have_text(
        "This message is too long: at most 4,000 characters. Shorten it to send it."
    )
    expect(box).to_have_value(too_long)  # kept, not cleared
    expect(box).to_be_focused()
    expect(mine(page)).to_have_count(0)  # no bubble that could never be sent

    # Shortened to the limit, counted as the server counts (😀 is one character), it goes.
    at_limit = "z" * 3999 + "😀"
    box.fill(at_limit)
    expect(error).to_be_hidden()
    expect(counter).to_have_text("4,000 / 4,000 characters")
    expect(box).not_to_have_attribute("aria-invalid", "true")
    box.press("Enter")
    sent = mine(page)
    expect(sent).to_have_count(1)
    expect(sent).not_to_contain_class("pending")
    expect(sent).not_to_contain_class("failed")
    assert sent.locator(".body").text_content() == at_limit
    expect(box).to_have_value("")
    expect(counter).to_be_hidden()


def test_a_refused_message_can_be_edited_or_discarded_but_not_retried(people, server):
    word = f"zzr{secrets.token_hex(3)}"
    server.shell(f"from chat.models import WordFilter; WordFilter.objects.create(pattern={word!r})")
    person = people("refused").join()
    page = person.page
    box = page.locator("#message-input")

    person.send(f"this has {word} in it")
    failed = page.locator("#messages .message.mine.failed")
    expect(failed).to_have_count(1)
    expect(failed.locator(".status-detail")).to_contain_text("not allowed here")
    # The filter would refuse it again: no Retry, but Edit and Discard.
    expect(failed.get_by_role("button", name="Retry")).to_be_hidden()
    expect(failed.get_by_role("button", name="Edit")).to_be_visible()
    expect(failed.get_by_role("button", name="Discard")).to_be_visible()

    # Edit: the text goes back into the composer (before a draft typed since), the bubble goes.
    box.fill("a draft")
    failed.get_by_role("button", name="Edit").click()
    expect(failed).to_have_count(0)
    expect(box).to_have_value(f"this has {word} in it\na draft")
    expect(box).to_be_focused()
    box.fill("this has nothing wrong in it")
    box.press("Enter")
    expect(mine(page).filter(has_text="nothing wrong")).not_to_contain_class("pending")

    # Discard: the bubble goes; focus from its button goes to the composer, not <body>.
    person.send(f"another {word}")
    expect(failed).to_have_count(1)
    failed.get_by_role("button", name="Discard").focus()
    page.keyboard.press("Enter")
    expect(failed).to_have_count(0)
    expect(mine(page).filter(has_text="another")).to_have_count(0)
    expect(box).to_be_focused()


@pytest.fixture
def strict_server():
    """Three messages in 3 s per person: a burst of four is refused with `retry_after`."""
    with LiveServer(
        env={"CHAT_RATE_LIMIT_MESSAGES": "3", "CHAT_RATE_LIMIT_SECONDS": "3"}
    ) as server:
        yield server


def test_too_fast_counts_down_to_an_enabled_retry(browser, strict_server):
    person = Person(browser, strict_server.url, unique_name("fast"))
    person.page.clock.install()
    person.join()
    page = person.page
    for number in range(4):
        person.send(f"burst {number}")
    failed = page.locator("#messages .message.mine.failed")
    expect(failed).to_have_count(1)
    refused_at = time.monotonic()
    pause_clock(page)

    detail = failed.locator(".status-detail")
    pattern = re.compile(r"^You are sending too fast\. Try again in (\d+) s\.$")
    expect(detail).to_have_text(pattern)
    seconds = int(pattern.match(detail.text_content()).group(1))
    assert 1 <= seconds <= 3
    retry = failed.get_by_role("button", name="Retry")
    expect(retry).to_be_visible()
    expect(retry).to_have_attribute("aria-disabled", "true")
    # Too early: it keeps its focus (aria-disabled, not disabled) and does nothing.
    retry.focus()
    page.keyboard.press("Enter")
    expect(retry).to_be_focused()
    expect(failed).to_have_count(1)

    # It ticks down, second by second, to an enabled Retry.
    for left in range(seconds - 1, 0, -1):
        page.clock.run_for(1000)
        expect(detail).to_have_text(f"You are sending too fast. Try again in {left} s.")
    page.clock.run_for(1000)
    expect(detail).to_have_text("You can try again now.")
    expect(retry).not_to_have_attribute("aria-disabled", "true")

    # The server's own window is in real time: past it, the retry goes through.
    page.wait_for_timeout(max(0.0, seconds + 0.3 - (time.monotonic() - refused_at)) * 1000)
    retry.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#messages .message.mine:not(.pending):not(.failed)")).to_have_count(4)
    expect(page.locator("#message-input")).to_be_focused()
    person.close()


# --- new messages for screen readers ----------------------------------------------------------


def test_screen_readers_hear_each_new_message_once_and_not_the_history(people):
    bob = people("bob").join()
    slug = room_create(bob, "Quiet room")
    for text in ("one", "two", "three"):
        bob.send(f"history {text}")
    expect(bob.page.locator("#messages .message.mine:not(.pending)")).to_have_count(3)

    alice = people("alice").join(room=slug)
    page = alice.page
    messages = page.locator("#messages")
    expect(confirmed(page)).to_have_count(3)
    announcer = page.locator("#announcer p")
    # The list itself is no live region: loading history says nothing.
    assert messages.get_attribute("aria-live") in (None, "off")
    assert messages.get_attribute("role") != "log"
    expect(page.locator("#announcer")).to_have_attribute("aria-live", "polite")
    expect(announcer).to_have_count(0)

    bob.send("hello")
    expect(confirmed(page)).to_have_count(4)
    expect(announcer).to_have_count(1)
    expect(announcer).to_have_text(f"{bob.name}: hello")

    alice.send("my own")  # one's own message is not read back
    expect(page.locator("#messages .message.mine:not(.pending)")).to_have_count(1)
    bob.send("and again")
    expect(announcer).to_have_count(2)
    expect(announcer.nth(1)).to_have_text(f"{bob.name}: and again")
