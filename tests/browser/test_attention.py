"""What draws people back to the room page, in Chromium (static/chat/attention.js): the rooms
list with unread counts and mentions, shared read positions and the "New messages" line, the
tab's title and icon while it is hidden, browser notifications (asked for only on a press,
none for the room in view or a muted one), "is typing", and all of it for axe and on a phone.

Playwright cannot hide a headless tab: HIDDEN makes the page believe it is hidden or shown
(document.visibilityState, document.hidden, the visibilitychange event). RECORDED stands in
for window.Notification and keeps what the page made of it."""

import json
import os
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import (
    assert_accessible_in_both_schemes,
)
from tests.browser.conftest import Person, unique_name
from tests.browser.visitor import Visitor
from tests.servers import LiveServer

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
# The docs' pictures are refreshed on request (UPDATE_SCREENSHOT=1), as the README's are.
PICTURES = ROOT / ("docs" if os.environ.get("UPDATE_SCREENSHOT") else "test-artifacts")
PAGE_SIZE = 3
PHONE = {"width": 360, "height": 740}

HIDDEN = """(() => {
    let hidden = false;
    Object.defineProperty(Document.prototype, "visibilityState", {
        configurable: true, get: () => (hidden ? "hidden" : "visible"),
    });
    Object.defineProperty(Document.prototype, "hidden", { configurable: true, get: () => hidden });
    window.__setHidden = (value) => {
        hidden = value;
        document.dispatchEvent(new Event("visibilitychange"));
    };
})();"""

# Notifications the page makes, and how often it asks for the permission. `permission`: what
# the stand-in says (null: the browser's own answer, as the context granted it).
RECORDED = """((permission) => {
    const Real = window.Notification;
    let state = permission;
    window.__notes = [];
    window.__asked = 0;
    class Recorded {
        constructor(title, options = {}) {
            this.title = title;
            this.options = options;
            this.onclick = null;
            const { body, tag, icon } = options;
            window.__notes.push({ title, body, tag, icon, note: this });
        }
        close() {}
        static get permission() { return state ?? Real.permission; }
        static requestPermission() {
            window.__asked += 1;
            if (state === null) return Real.requestPermission();
            state = window.__answer ?? "denied";
            return Promise.resolve(state);
        }
    }
    window.Notification = Recorded;
})(%s);"""


NOTES = "window.__notes.map(({ title, body, tag, icon }) => ({ title, body, tag, icon }))"

# The message list as the reader sees it: "| day" for a day separator, "-- text" for the "New
# messages" line, the body (with " +" when it continues its author's group) for a message.
SHOWN = """(list) => [...list.children].map((node) => {
    if (node.classList.contains("day-separator")) return `| ${node.textContent}`;
    if (node.classList.contains("unread-divider")) return `-- ${node.textContent}`;
    return node.dataset.body + (node.classList.contains("continued") ? " +" : "");
})"""


@pytest.fixture(scope="module")
def server():
    with LiveServer(
        env={"CHAT_HISTORY_PAGE_SIZE": str(PAGE_SIZE), "CHAT_RATE_LIMIT_MESSAGES": "1000"}
    ) as server:
        yield server


@pytest.fixture(scope="module")
def base_url(server):
    return server.url


def assert_drawer_accessible(page: Page) -> None:
    """axe on the phone's open drawer, light and dark."""
    assert_accessible_in_both_schemes(page, within="#sidebar")


def room_create(owner: Person, title: str) -> str:
    slug = unique_name("room").replace("_", "-")
    page = owner.page
    page.goto(f"{owner.base_url}/")
    page.fill("#id_title", title)
    page.fill("#id_slug", slug)
    page.get_by_role("button", name="Create room").click()
    page.wait_for_url(f"**/chat/{slug}/")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")
    return slug


def visit(page: Page, base_url: str, slug: str) -> None:
    page.goto(f"{base_url}/chat/{slug}/")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")


def entry(page: Page, slug: str):
    return page.locator(f'#room-nav .room-nav-link[data-slug="{slug}"]')


def message(page: Page, text: str):
    return page.locator("#messages .message[data-id]", has_text=text)


def sent(person: Person, text: str) -> None:
    """Send, and wait for the server to have saved it (and so told whom it concerns)."""
    person.send(text)
    expect(message(person.page, text)).not_to_contain_class("pending")


def read_sent(socket) -> None:
    """Wait for the page to tell the server how far it has read (a `read` frame)."""
    socket.wait_for_event(
        "framesent", predicate=lambda data: '"type":"read"' in str(data), timeout=10_000
    )


def my_id(page: Page) -> int:
    return page.evaluate("JSON.parse(document.getElementById('me-id').textContent)")


def direct_open(person: Person, other_id: int) -> str:
    """The conversation of `person` with `other_id` (POST /people/<id>/direct/): its slug."""
    answer = person.page.evaluate(
        """async (id) => {
            const token = document.querySelector("#csrf-token input").value;
            const response = await fetch(`/people/${id}/direct/`, {
                method: "POST", credentials: "same-origin", body: "{}",
                headers: {"X-CSRFToken": token, "Content-Type": "application/json"},
            });
            return response.json();
        }""",
        other_id,
    )
    return answer["slug"]


def test_unread_counts_follow_reading_in_every_tab_and_the_new_line_marks_where(people, base_url):
    bob = people("bob").join(avatar="a5")
    slug = room_create(bob, "Reading room")
    for text in ("one", "two"):
        sent(bob, text)
    alice = people("alice").join(room=slug)
    first = alice.page
    expect(message(first, "two")).to_have_count(1)
    expect(entry(first, slug)).to_have_attribute("aria-current", "page")

    # A second tab of the same person, in another room: the first tab's reading reached it.
    second = alice.context.new_page()
    visit(second, base_url, "lobby")
    expect(entry(second, slug)).to_be_visible(timeout=10_000)
    expect(entry(second, slug).locator(".room-nav-unread")).to_be_hidden()
    expect(entry(second, "lobby")).to_have_attribute("aria-current", "page")
    visit(first, base_url, "lobby")

    sent(bob, "three")
    sent(bob, f"four, @{alice.name}")
    for page in (first, second):
        link = entry(page, slug)
        expect(link.locator(".room-nav-unread")).to_have_text("2", timeout=10_000)
        expect(link.locator(".room-nav-mention")).to_be_visible()
        expect(link).to_contain_text("2 unread messages")
        expect(link).to_contain_text("1 mention of you")
        expect(page).to_have_title(re.compile(r"^\(2\) Lobby · "))

    # Opening it: the line stands before the first message that is new, the day above all.
    entry(first, slug).click()
    first.wait_for_url(f"**/chat/{slug}/")
    expect(first.locator("#connection-state")).to_have_attribute("data-state", "online")
    shown = first.locator("#messages")
    expect(message(first, "four")).to_have_count(1)
    four = f"four, @{alice.name} +"
    assert shown.evaluate(SHOWN) == ["| Today", "two", "-- New messages", "three", four]
    # An older page comes in above it: the line stays where it was, once.
    first.locator("#load-older").click()
    expect(message(first, "one")).to_have_count(1)
    assert shown.evaluate(SHOWN) == ["| Today", "one", "two +", "-- New messages", "three", four]

    # Read here, read there: both tabs' counts go.
    for page in (first, second):
        expect(entry(page, slug).locator(".room-nav-unread")).to_be_hidden(timeout=10_000)
        expect(entry(page, slug).locator(".room-nav-mention")).to_be_hidden()
    expect(second).to_have_title(re.compile(r"^Lobby · "))
    expect(first).to_have_title(re.compile(r"^Reading room · "))

    # The line stays until the reader says something.
    sent(alice, "thanks")
    expect(first.locator("#messages .unread-divider")).to_have_count(0)
    # Without the line between them, Bob's messages make one group again.
    expect(message(first, "three")).to_contain_class("continued")


def test_a_hidden_tab_counts_new_messages_in_its_title_and_icon(people):
    bob = people("bob").join()
    slug = room_create(bob, "Title room")
    alice = people("alice")
    alice.context.add_init_script(HIDDEN)
    alice.join(room=slug)
    page = alice.page
    expect(page).to_have_title(re.compile(r"^Title room · "))
    plain = page.title()
    icon = page.locator('link[rel="icon"]')
    plain_icon = icon.get_attribute("href")
    assert "favicon-unread" not in plain_icon

    page.evaluate("window.__setHidden(true)")
    for text in ("are you there?", "hello?", "anyone?"):
        sent(bob, text)
    expect(message(page, "anyone?")).to_have_count(1)
    expect(page).to_have_title(f"(3) {plain}")
    expect(icon).to_have_attribute("href", re.compile(r"favicon-unread\.svg$"))
    sent(bob, "still nobody")
    expect(page).to_have_title(f"(4) {plain}")

    page.evaluate("window.__setHidden(false)")
    expect(page).to_have_title(plain)
    expect(icon).to_have_attribute("href", plain_icon)


def test_a_mention_notifies_when_the_room_is_not_in_view_and_never_when_muted(
    browser, base_url, people
):
    bob = people("bob").join(avatar="a5")
    slug = room_create(bob, "Notice room")
    elsewhere = room_create(bob, "Other room")
    visit(bob.page, base_url, slug)
    alice = people("alice")
    alice.context.grant_permissions(["notifications"], origin=base_url)
    alice.context.add_init_script(HIDDEN)
    alice.context.add_init_script(RECORDED % "null")
    alice.join(room=slug)
    page = alice.page
    expect(page.locator("#notify-state")).to_have_text("Notifications on")
    expect(page.locator("#notify-enable")).to_be_hidden()
    assert page.evaluate("window.__asked") == 0

    # In view: nothing.
    sent(bob, f"@{alice.name} are you looking?")
    expect(message(page, "are you looking?")).to_have_count(1)
    # Hidden: one, with who, where and what.
    page.evaluate("window.__setHidden(true)")
    sent(bob, f"@{alice.name} ping while you are away")
    page.wait_for_function("() => window.__notes.length > 0")
    notes = page.evaluate(NOTES)
    mention_id = message(page, "ping while you are away").get_attribute("data-id")
    assert notes == [
        {
            "title": f"{bob.name} in Notice room",
            "body": f"@{alice.name} ping while you are away",
            "tag": f"{slug}:{mention_id}",
            "icon": "/static/avatars/a5.svg",
        }
    ]

    # Muted: none, though hidden; the count still shows.
    mute = page.locator("#mute-room")
    expect(mute).to_have_accessible_name("Mute notifications")
    mute.click()
    expect(mute).to_have_attribute("aria-pressed", "true")
    sent(bob, f"@{alice.name} muted ping")
    sent(bob, "after the muted ping")  # the notify of the one before was on its way first
    expect(message(page, "after the muted ping")).to_have_count(1)
    mute.click()
    expect(mute).to_have_attribute("aria-pressed", "false")
    sent(bob, f"@{alice.name} unmuted ping")
    page.wait_for_function("() => window.__notes.length > 1")
    assert [note["body"] for note in page.evaluate(NOTES)] == [
        f"@{alice.name} ping while you are away",
        f"@{alice.name} unmuted ping",
    ]

    # In view again, a mention in another room notifies, and so does a direct message.
    page.evaluate("window.__setHidden(false)")
    visit(bob.page, base_url, elsewhere)
    sent(bob, f"@{alice.name} over here")
    page.wait_for_function("() => window.__notes.length > 2")
    conversation = direct_open(bob, my_id(page))
    visit(bob.page, base_url, conversation)
    sent(bob, "just between us")
    page.wait_for_function("() => window.__notes.length > 3")
    notes = page.evaluate(NOTES)
    assert [(note["title"], note["body"]) for note in notes[2:]] == [
        (f"{bob.name} in Other room", f"@{alice.name} over here"),
        (f"{bob.name} (direct message)", "just between us"),
    ]
    assert len(notes) == 4
    expect(entry(page, conversation)).to_be_visible(timeout=10_000)
    expect(entry(page, conversation).locator(".room-nav-unread")).to_have_text("1")

    # Pressing one opens that room at that message.
    over_here = notes[2]["tag"].split(":")[1]
    page.evaluate("window.__notes[2].note.onclick(new Event('click'))")
    page.wait_for_url(re.compile(rf"/chat/{elsewhere}/\?message={over_here}$"))
    expect(message(page, "over here")).to_have_count(1)


@pytest.mark.parametrize("answer", ["granted", "denied"])
def test_the_permission_is_asked_for_only_when_the_button_is_pressed(people, answer):
    alice = people("alice")
    alice.context.add_init_script(f"window.__answer = {json.dumps(answer)};")
    alice.context.add_init_script(RECORDED % '"default"')
    page = alice.join().page
    enable = page.get_by_role("button", name="Turn on notifications")
    expect(enable).to_be_visible()
    expect(page.locator("#notify-state")).to_have_text("Notifications off")
    page.reload()
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")
    expect(enable).to_be_visible()
    assert page.evaluate("window.__asked") == 0

    enable.click()
    assert page.evaluate("window.__asked") == 1
    if answer == "denied":
        expect(page.locator("#notify-state")).to_have_text(
            "Notifications are blocked in your browser."
        )
        expect(enable).to_be_hidden()
        expect(page.locator("#notify-state")).to_be_focused()  # not lost with the button
        return
    expect(page.locator("#notify-state")).to_have_text("Notifications on")
    turn_off = page.get_by_role("button", name="Turn off notifications")
    expect(turn_off).to_be_focused()
    turn_off.click()
    expect(page.locator("#notify-state")).to_have_text("Notifications off")
    expect(enable).to_be_focused()

    # The sound is off until chosen, and the choice stays.
    sound = page.get_by_label("Play a sound")
    expect(sound).not_to_be_checked()
    sound.check()
    page.reload()
    expect(page.get_by_label("Play a sound")).to_be_checked()
    expect(page.locator("#notify-state")).to_have_text("Notifications off")


def test_typing_shows_who_types_until_they_send_or_stop(people):
    first = people("ann").join()
    slug = room_create(first, "Typing room")
    watcher = people("watch").join(room=slug)
    second = people("cid").join(room=slug)
    line = watcher.page.locator("#typing-line")
    expect(line).to_be_hidden()
    expect(watcher.page.locator("#typing")).to_have_attribute("aria-live", "polite")

    first.page.locator("#message-input").press_sequentially("hel")
    expect(line).to_have_text(f"{first.name} is typing…")
    expect(first.page.locator("#typing-line")).to_be_hidden()  # not one's own
    # Said once: the live region's text changes only when the names do.
    watcher.page.evaluate(
        """() => {
            window.__changes = 0;
            new MutationObserver((records) => { window.__changes += records.length; })
                .observe(document.getElementById("typing"),
                         { childList: true, characterData: true, subtree: true });
        }"""
    )
    second.page.locator("#message-input").press_sequentially("hm")
    expect(line).to_have_text(f"{first.name} and {second.name} are typing…")
    assert watcher.page.evaluate("window.__changes") == 1

    # Ann's message arrives: she is no longer typing, at once (her notice lasts 5 s).
    first.page.press("#message-input", "Enter")
    expect(line).to_have_text(f"{second.name} is typing…", timeout=2000)
    seen = time.monotonic()

    # Cid stops: his line goes about 5 s after his last notice, not before.
    expect(line).to_be_hidden(timeout=10_000)
    waited = time.monotonic() - seen
    assert 1.5 < waited < 8, waited

    # Typing on and on is one notice every few seconds, and one announcement.
    watcher.page.evaluate("window.__changes = 0")
    second.page.locator("#message-input").press_sequentially(" ok then", delay=600)
    expect(line).to_have_text(f"{second.name} is typing…")
    stopped = time.monotonic()
    expect(line).to_be_hidden(timeout=10_000)
    # The notice sent midway (after 3 s) kept the line past the first one's 5 s.
    assert time.monotonic() - stopped > 2.5
    # Shown, then gone: two changes of the region's text, none while it held.
    assert watcher.page.evaluate("window.__changes") == 2


def test_the_list_typing_line_and_notification_controls_pass_axe_and_fit_a_phone(
    browser, base_url, people
):
    bob = people("bob").join(avatar="a5")
    slug = room_create(bob, "Planning")
    sent(bob, "Welcome to Planning.")
    quiet = room_create(bob, "Random")
    sent(bob, "Welcome to Random!")
    alice = Visitor(browser, base_url, "alice")
    alice.context.add_init_script(RECORDED % '"default"')
    try:
        page = alice.page
        with page.expect_websocket() as socket:
            alice.join(avatar="a2", room=slug)
        read_sent(socket.value)
        with page.expect_websocket() as socket:
            visit(page, base_url, quiet)
        read_sent(socket.value)
        visit(page, base_url, "lobby")
        # While she is away: a mention in Random, news in Planning, a direct message.
        sent(bob, f"@{alice.name} can you check the plan?")
        visit(bob.page, base_url, slug)
        sent(bob, "Morning! The plan for Friday is in the shared folder.")
        sent(bob, "Comments by Thursday, please.")
        conversation = direct_open(bob, my_id(page))
        visit(bob.page, base_url, conversation)
        sent(bob, "Lunch later?")
        visit(bob.page, base_url, slug)
        expect(entry(page, slug).locator(".room-nav-unread")).to_have_text("2", timeout=10_000)
        entry(page, slug).click()
        page.wait_for_url(f"**/chat/{slug}/")
        expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")
        expect(page.locator("#messages .unread-divider")).to_have_text("New messages")
        expect(entry(page, conversation)).to_be_visible(timeout=10_000)
        expect(entry(page, conversation).locator(".room-nav-avatar")).to_be_visible()
        expect(page.locator("#conversation-list")).to_contain_text(bob.name)
        expect(entry(page, quiet).locator(".room-nav-mention")).to_be_visible(timeout=10_000)
        expect(entry(page, slug)).to_have_attribute("aria-current", "page")
        expect(entry(page, slug).locator(".room-nav-unread")).to_be_hidden(timeout=10_000)
        # Typed on for a while: a notice gets through even if the last one was just now.
        bob.page.locator("#message-input").press_sequentially("let me check", delay=350)
        expect(page.locator("#typing-line")).to_be_visible()
        expect(page.locator("#notify-enable")).to_be_visible()
        page.evaluate("document.activeElement?.blur()")
        assert_accessible_in_both_schemes(page)
        PICTURES.mkdir(exist_ok=True)
        page.screenshot(path=str(PICTURES / "attention-desktop-en.png"), animations="disabled")
    finally:
        alice.close()

    # On a phone, in Chinese: the list is in the drawer the header's toggle opens.
    cookie = {"name": "django_language", "value": "zh-hans", "url": base_url}
    reader = Visitor(
        browser, base_url, "phone", viewport=PHONE, locale="zh-CN", reduced_motion="reduce"
    )
    try:
        reader.context.add_cookies([cookie])
        page = reader.page
        with page.expect_websocket() as socket:
            reader.join(room=slug)
        read_sent(socket.value)
        with page.expect_websocket() as socket:
            visit(page, base_url, quiet)
        read_sent(socket.value)
        sent(bob, f"@{reader.name} 你好，计划在共享文件夹里。")
        nav = page.locator("#room-nav")
        expect(nav).to_be_hidden()
        toggle = page.locator("#toggle-online")
        expect(page.locator("#toggle-unread")).to_be_visible(timeout=10_000)
        toggle.click()
        expect(nav).to_be_visible()
        expect(entry(page, quiet)).to_be_focused()
        expect(entry(page, slug).locator(".room-nav-mention")).to_be_visible()
        box = nav.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert_drawer_accessible(page)
        page.screenshot(path=str(PICTURES / "attention-phone-zh.png"), animations="disabled")
        # The header has no room for the bell: the drawer's checkbox stands in for it.
        expect(page.locator("#mute-room")).to_be_hidden()
        mute = page.locator("#mute-room-check")  # its label is in Chinese here
        expect(mute).not_to_be_checked()
        mute.check()
        expect(entry(page, quiet).locator(".room-nav-muted")).to_be_visible()
        page.keyboard.press("Escape")
        expect(nav).to_be_hidden()
        expect(toggle).to_be_focused()
    finally:
        reader.close()
