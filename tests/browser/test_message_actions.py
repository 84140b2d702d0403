"""What people do to messages after sending them, in a real browser, two or three people on
one live server: an edit shows in place on the other page with its "(edited)" mark, a deleted
own message shows "Message removed" there, a reply's quote goes to its original (also one far
back in the history), reactions count on every page and toggle, an @mention is picked from the
keyboard and marks the message for the mentioned person only, the edit window hides Edit, and
ArrowUp edits one's newest message. axe-core checks the new parts, light and dark."""

import re
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
PHONE = {"width": 360, "height": 740}
# Set before the other person acts: still there afterwards means the page was not reloaded.
MARK_PAGE = "window.__sameDocument = true"
SAME_PAGE = "window.__sameDocument === true"


@pytest.fixture(scope="module")
def server():
    with LiveServer(env={"CHAT_RATE_LIMIT_MESSAGES": "1000"}) as server:
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


def message(page: Page, text: str):
    """The confirmed message whose body holds `text` (not one that only quotes it)."""
    return page.locator("#messages .message[data-id]").filter(
        has=page.locator(".body", has_text=text)
    )


def by_id(page: Page, message_id: str):
    return page.locator(f'#messages .message[data-id="{message_id}"]')


def open_menu(page: Page, node):
    node.hover()
    node.locator(".message-menu-button").click()
    menu = page.locator("#message-menu")
    expect(menu).to_be_visible()
    return menu


def choose(page: Page, node, item: str) -> None:
    open_menu(page, node).get_by_role("menuitem", name=item, exact=True).click()


def two_in_a_room(people, title: str):
    alice = people("alice").join(avatar="a2")
    slug = room_create(alice, title)
    bob = people("bob").join(avatar="a7", room=slug)
    expect(alice.page.locator("#online-list li[data-user-id]", has_text=bob.name)).to_be_visible()
    return alice, bob, slug


# --- edit and delete ---------------------------------------------------------------------------


def test_an_edit_shows_in_place_on_the_other_page_with_its_mark(people, server):
    alice, bob, slug = two_in_a_room(people, "Edits")
    a, b = alice.page, bob.page
    b.evaluate(MARK_PAGE)
    alice.send("Meet at teh station")
    sent = message(a, "teh station")
    expect(sent).not_to_contain_class("pending")
    message_id = sent.get_attribute("data-id")
    expect(by_id(b, message_id).locator(".body")).to_have_text("Meet at teh station")
    expect(by_id(b, message_id).locator(".edited-mark")).to_have_count(0)

    # Edit in place: the text box holds the text; an empty one is refused here, text kept.
    choose(a, sent, "Edit")
    editor = by_id(a, message_id).locator(".message-editor textarea")
    expect(editor).to_be_focused()
    expect(editor).to_have_value("Meet at teh station")
    editor.fill("   ")
    editor.press("Enter")
    expect(by_id(a, message_id).locator(".editor-error")).to_contain_text("cannot be empty")
    expect(editor).to_have_value("   ")

    # The server's refusal (a word the room's filter refuses) shows in the editor too.
    server.shell(
        f"""
from chat.models import Room, WordFilter
room = Room.objects.get(slug={slug!r})
WordFilter.objects.create(pattern="frobnicate", action="refuse", room=room)
""",
    )
    editor.fill("Meet at the station, frobnicate")
    editor.press("Enter")
    expect(by_id(a, message_id).locator(".editor-error")).to_be_visible()
    expect(editor).to_have_value("Meet at the station, frobnicate")
    expect(by_id(b, message_id).locator(".body")).to_have_text("Meet at teh station")

    editor.fill("Meet at the station\nat six")
    editor.press("Enter")
    expect(by_id(a, message_id).locator(".message-editor")).to_have_count(0)
    for page in (a, b):
        node = by_id(page, message_id)
        expect(node.locator(".body")).to_have_text("Meet at the station\nat six")
        expect(node.locator(".edited-mark")).to_be_visible()
        expect(node.locator(".edited-mark")).to_have_text("(edited)")
        expect(node.locator(".edited-mark")).to_have_attribute("title", re.compile(r"^Edited \S"))
    assert b.evaluate(SAME_PAGE)
    # Focus went back to the message's menu button, where the edit started.
    expect(by_id(a, message_id).locator(".message-menu-button")).to_be_focused()

    # Only one's own: the other person's menu has no Edit.
    menu = open_menu(b, by_id(b, message_id))
    expect(menu.get_by_role("menuitem", name="Reply")).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Edit")).to_have_count(0)
    expect(menu.get_by_role("menuitem", name="Delete")).to_have_count(0)
    b.keyboard.press("Escape")

    # The mark is there after a reload too (from history).
    b.reload()
    expect(by_id(b, message_id).locator(".edited-mark")).to_be_visible()


def test_deleting_ones_own_message_shows_removed_on_the_other_page(people):
    # Bob does not moderate the room (Alice owns it): his own Delete goes over the socket.
    alice, bob, _ = two_in_a_room(people, "Deletes")
    a, b = alice.page, bob.page
    a.evaluate(MARK_PAGE)
    bob.send("Oops, wrong room")
    sent = message(b, "wrong room")
    expect(sent).not_to_contain_class("pending")
    message_id = sent.get_attribute("data-id")
    expect(by_id(a, message_id)).to_be_visible()

    choose(b, sent, "Delete")
    dialog = b.locator("#message-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Reason (optional)")).to_be_hidden()  # one's own: no reason
    expect(dialog.locator(".message-dialog-note")).to_contain_text("cannot be undone")
    expect(dialog.get_by_role("button", name="Delete")).to_be_focused()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(by_id(a, message_id)).not_to_contain_class("removed")

    choose(b, sent, "Delete")
    dialog.get_by_role("button", name="Delete").click()
    expect(dialog).to_be_hidden()
    for page in (a, b):
        node = by_id(page, message_id)
        expect(node).to_contain_class("removed")
        expect(node.locator(".removed-mark")).to_have_text("Message removed")
    # The author reads only the mark; the room's owner, a moderator, still reads it struck.
    expect(by_id(b, message_id).locator(".bubble")).to_be_hidden()
    assert "wrong room" not in by_id(b, message_id).inner_text()
    expect(by_id(a, message_id)).to_contain_class("removed-kept")
    assert a.evaluate(SAME_PAGE)


# --- replies -----------------------------------------------------------------------------------


def delay_sends(page: Page) -> None:
    """Frames leave the page 1.5 s late: an own message stays pending long enough to look."""
    page.evaluate("""() => {
        const send = WebSocket.prototype.send;
        window.__undelay = () => { WebSocket.prototype.send = send; };
        WebSocket.prototype.send = function (data) {
            setTimeout(() => send.call(this, data), 1500);
        };
    }""")


def test_a_reply_quotes_its_original_and_goes_to_it(people):
    alice, bob, _ = two_in_a_room(people, "Replies")
    a, b = alice.page, bob.page
    alice.send("Who brings the projector tomorrow?")
    original = message(b, "projector")
    expect(original).to_be_visible()
    original_id = original.get_attribute("data-id")
    for number in range(25):
        alice.send(f"filler {number}\nsecond line\nthird line")
    expect(message(b, "filler 24")).to_be_visible()

    # Reply from the menu: the bar says to whom; Escape gives it up, the menu starts it again.
    choose(b, by_id(b, original_id), "Reply")
    bar = b.locator("#reply-bar")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text(f"Replying to {alice.name}")
    expect(bar).to_contain_text("Who brings the projector tomorrow?")
    expect(b.locator("#message-input")).to_be_focused()
    b.keyboard.press("Escape")
    expect(bar).to_be_hidden()
    choose(b, by_id(b, original_id), "Reply")
    expect(bar).to_be_visible()

    # A pending reply shows its quote already.
    delay_sends(b)
    bob.send("I do")
    pending = b.locator("#messages .message.pending", has_text="I do")
    expect(pending.locator(".reply-quote")).to_contain_text("Who brings the projector")
    expect(bar).to_be_hidden()
    b.evaluate("window.__undelay()")

    for page in (a, b):
        reply = message(page, "I do")
        expect(reply).not_to_contain_class("pending")
        quote = reply.locator(".reply-quote")
        expect(quote.locator(".reply-quote-author")).to_have_text(alice.name)
        expect(quote.locator(".reply-quote-excerpt")).to_have_text(
            "Who brings the projector tomorrow?"
        )

    # The quote goes to the original, which is far above by now: by click, and by Enter.
    quote = message(a, "I do").locator(".reply-quote")
    original_on_a = by_id(a, original_id)
    expect(original_on_a).not_to_be_in_viewport()
    quote.click()
    expect(original_on_a).to_be_in_viewport()
    expect(original_on_a).to_be_focused()
    a.locator("#jump-latest, #message-input").last.focus()
    a.evaluate("document.getElementById('message-scroller').scrollTop = 1e9")
    expect(original_on_a).not_to_be_in_viewport()
    quote.focus()
    a.keyboard.press("Enter")
    expect(original_on_a).to_be_in_viewport()

    # The original goes: every reply's quote says so, live.
    choose(a, original_on_a, "Delete")
    a.locator("#message-dialog").get_by_role("button", name="Delete").click()
    for page in (a, b):
        excerpt = message(page, "I do").locator(".reply-quote-excerpt")
        expect(excerpt).to_have_text("Original message deleted")
    b.reload()
    expect(message(b, "I do").locator(".reply-quote-excerpt")).to_have_text(
        "Original message deleted"
    )


JUMP_JS = ROOT / "static" / "chat" / "jump.js"


@pytest.mark.skipif(not JUMP_JS.exists(), reason="needs static/chat/jump.js (jumpToMessage)")
def test_a_quote_goes_to_an_original_far_back_in_the_history(people, server):
    alice, bob, slug = two_in_a_room(people, "Long history")
    server.shell(
        f"""
from django.contrib.auth import get_user_model
from chat.models import Room
from chat.services import message_save
room = Room.objects.get(slug={slug!r})
alice = get_user_model().objects.get(username={alice.name!r})
original, _ = message_save(room=room, author=alice, body="The very first question")
for number in range(120):
    message_save(room=room, author=alice, body=f"old filler {{number}}")
message_save(room=room, author=alice, body="Answering the first question", reply_to=original)
""",
    )
    page = bob.page
    page.reload()
    reply = message(page, "Answering the first question")
    expect(reply).to_be_visible()
    expect(message(page, "The very first question")).to_have_count(0)  # not in the first page
    reply.locator(".reply-quote").click()
    original = message(page, "The very first question")
    expect(original).to_be_in_viewport()


# --- reactions ---------------------------------------------------------------------------------


def chip(page: Page, node, emoji: str):
    return node.locator(".reaction-chip", has_text=emoji)


def test_reactions_count_on_both_pages_and_toggle(people):
    alice, bob, _ = two_in_a_room(people, "Reactions")
    a, b = alice.page, bob.page
    alice.send("Cake in the kitchen")
    sent = message(a, "Cake")
    expect(sent).not_to_contain_class("pending")
    message_id = sent.get_attribute("data-id")
    on_a, on_b = by_id(a, message_id), by_id(b, message_id)
    expect(on_b).to_be_visible()
    expect(on_a.locator(".reactions")).to_have_count(0)

    # Bob reacts from the menu's React: the picker, then 👍.
    choose(b, on_b, "React")
    picker = b.locator("#reaction-picker")
    expect(picker).to_be_visible()
    expect(picker.get_by_role("button", name="Thumbs up")).to_be_focused()
    picker.get_by_role("button", name="Thumbs up").click()
    expect(picker).to_be_hidden()
    for page, node, pressed in ((a, on_a, "false"), (b, on_b, "true")):
        thumbs = chip(page, node, "👍")
        expect(thumbs.locator(".reaction-count")).to_have_text("1")
        expect(thumbs).to_have_attribute("aria-pressed", pressed)
    expect(chip(a, on_a, "👍")).to_have_attribute("title", bob.name)

    # Alice adds hers by pressing the chip: 2 on both, and the title names both.
    chip(a, on_a, "👍").click()
    for page, node in ((a, on_a), (b, on_b)):
        expect(chip(page, node, "👍").locator(".reaction-count")).to_have_text("2")
    expect(chip(a, on_a, "👍")).to_have_attribute("aria-pressed", "true")
    expect(chip(a, on_a, "👍")).to_have_attribute("title", f"you and {bob.name}")
    expect(chip(b, on_b, "👍")).to_have_attribute("title", f"you and {alice.name}")

    # And takes it back: 1 on both.
    chip(a, on_a, "👍").click()
    for page, node in ((a, on_a), (b, on_b)):
        expect(chip(page, node, "👍").locator(".reaction-count")).to_have_text("1")
    expect(chip(a, on_a, "👍")).to_have_attribute("aria-pressed", "false")

    # Any one emoji, typed into the picker (the row's "+" opens it); not two, not a word.
    on_a.locator(".reaction-add").click()
    picker = a.locator("#reaction-picker")
    expect(picker).to_be_visible()
    field = picker.get_by_label("Any emoji")
    field.fill("cake")
    field.press("Enter")
    expect(picker.locator(".picker-error")).to_have_text("Type or paste one emoji.")
    field.fill("🎂")
    field.press("Enter")
    expect(picker).to_be_hidden()
    expect(on_a.locator(".reaction-add")).to_be_focused()
    for page, node in ((a, on_a), (b, on_b)):
        expect(node.locator(".reaction-chip .reaction-emoji")).to_have_text(["👍", "🎂"])
        expect(chip(page, node, "🎂").locator(".reaction-count")).to_have_text("1")

    # From history too, after a reload.
    b.reload()
    expect(chip(b, by_id(b, message_id), "🎂").locator(".reaction-count")).to_have_text("1")
    expect(chip(b, by_id(b, message_id), "👍")).to_have_attribute("aria-pressed", "true")


# --- @mentions ---------------------------------------------------------------------------------


def test_a_mention_is_picked_by_keyboard_and_marks_the_message_for_that_person(people):
    alice, bob, slug = two_in_a_room(people, "Mentions")
    carol = people("carol").join(avatar="a5", room=slug)
    a, b, c = alice.page, bob.page, carol.page
    expect(a.locator("#online-list li[data-user-id]", has_text=carol.name)).to_be_visible()

    composer = a.locator("#message-input")
    composer.click()
    composer.type("Hi @")
    suggestions = a.get_by_role("listbox", name="People to mention")
    expect(suggestions).to_be_visible()
    options = suggestions.get_by_role("option")
    expect(options).to_have_count(2)  # the others online; never oneself
    expect(options.first).to_contain_text(bob.name)  # online, in order of arrival

    # Escape closes it without sending anything.
    a.keyboard.press("Escape")
    expect(suggestions).to_be_hidden()
    expect(composer).to_have_value("Hi @")
    expect(a.locator("#messages .message.mine")).to_have_count(0)

    # Typing on filters it; then "@", ArrowDown, Enter picks the first, and nothing is sent.
    composer.fill("")
    composer.type("Hi @")
    expect(suggestions).to_be_visible()
    composer.type(bob.name[:3])
    expect(options).to_have_count(1)
    for _ in range(3):
        a.keyboard.press("Backspace")
    expect(options).to_have_count(2)
    a.keyboard.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    active = composer.get_attribute("aria-activedescendant")
    assert active and active == options.first.get_attribute("id")
    a.keyboard.press("Enter")
    expect(suggestions).to_be_hidden()
    expect(composer).to_have_value(f"Hi @{bob.name} ")
    expect(a.locator("#messages .message.mine")).to_have_count(0)
    composer.type("the slides are up")
    a.keyboard.press("Enter")

    text = "the slides are up"
    for page in (a, b, c):
        expect(message(page, text)).to_be_visible()
    # Bob's page marks it strongly; Carol's shows the mention but not as hers.
    expect(message(b, text)).to_contain_class("mentions-me")
    expect(message(c, text)).not_to_contain_class("mentions-me")
    expect(message(a, text)).not_to_contain_class("mentions-me")
    expect(message(b, text).locator(".mention-me")).to_have_count(1)
    expect(message(c, text).locator(".mention")).to_have_count(1)
    expect(message(c, text).locator(".mention-me")).to_have_count(0)


# --- the edit window, ArrowUp ------------------------------------------------------------------


def test_an_old_own_message_has_no_edit_and_arrow_up_edits_the_newest(people, server):
    alice, bob, _ = two_in_a_room(people, "Window")
    a, b = alice.page, bob.page
    alice.send("An old message")
    expect(message(a, "An old message")).not_to_contain_class("pending")
    server.shell(
        """
from datetime import timedelta
from django.utils import timezone
from chat.models import Message
old = timezone.now() - timedelta(minutes=20)
Message.objects.filter(body="An old message").update(created=old)
""",
    )
    a.reload()
    expect(a.locator("#connection-state")).to_have_attribute("data-state", "online")
    old = message(a, "An old message")
    menu = open_menu(a, old)
    expect(menu.get_by_role("menuitem", name="Reply")).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Delete")).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Edit")).to_have_count(0)
    a.keyboard.press("Escape")

    # ArrowUp in the empty composer: nothing to edit yet (the only own message is too old).
    composer = a.locator("#message-input")
    composer.focus()
    a.keyboard.press("ArrowUp")
    expect(a.locator(".message-editor")).to_have_count(0)

    alice.send("first new")
    alice.send("second new")
    expect(message(a, "second new")).not_to_contain_class("pending")
    expect(
        open_menu(a, message(a, "second new")).get_by_role("menuitem", name="Edit")
    ).to_be_visible()
    a.keyboard.press("Escape")
    composer.focus()
    a.keyboard.press("ArrowUp")
    editor = message(a, "second new").locator(".message-editor textarea")
    expect(editor).to_be_focused()
    expect(editor).to_have_value("second new")
    a.keyboard.press("Escape")  # cancels: focus back in the composer
    expect(a.locator(".message-editor")).to_have_count(0)
    expect(composer).to_be_focused()

    # Not when the composer holds a draft.
    composer.fill("a draft")
    a.keyboard.press("ArrowUp")
    expect(a.locator(".message-editor")).to_have_count(0)
    composer.fill("")
    a.keyboard.press("ArrowUp")
    editor.press("End")
    editor.type(", changed")
    editor.press("Shift+Enter")
    editor.type("and a new line")
    editor.press("Enter")
    expect(composer).to_be_focused()
    changed = message(b, "second new, changed")
    expect(changed.locator(".body")).to_have_text("second new, changed\nand a new line")
    expect(changed.locator(".edited-mark")).to_be_visible()


# --- accessibility and the phone layout --------------------------------------------------------


def test_the_new_parts_pass_axe_in_light_and_dark(people):
    alice, bob, _ = two_in_a_room(people, "Accessible actions")
    b = bob.page
    alice.send(f"Morning @{bob.name}, see the agenda")
    alice.send("Second point")
    original = message(b, "see the agenda")
    expect(original).to_contain_class("mentions-me")
    choose(b, original, "Reply")
    bob.send("Thanks!")
    expect(message(b, "Thanks!").locator(".reply-quote")).to_be_visible()
    choose(b, message(b, "Second point"), "React")
    b.locator("#reaction-picker").get_by_role("button", name="Party").click()
    choose(b, message(b, "Thanks!"), "Edit")
    b.locator(".message-editor textarea").fill("Thanks a lot!")
    b.keyboard.press("Enter")
    expect(message(b, "Thanks a lot!").locator(".edited-mark")).to_be_visible()
    expect(message(b, "Second point").locator(".reaction-chip")).to_have_count(1)

    # The reply bar open, with a quote, a reaction, a mention, an edited mark on the page.
    choose(b, message(b, "Second point"), "Reply")
    expect(b.locator("#reply-bar")).to_be_visible()
    assert_accessible_in_both_schemes(b)

    # The reaction picker open.
    message(b, "Second point").locator(".reaction-add").click()
    expect(b.locator("#reaction-picker")).to_be_visible()
    assert_accessible_in_both_schemes(b)
    b.keyboard.press("Escape")
    expect(b.locator("#reaction-picker")).to_be_hidden()
    expect(message(b, "Second point").locator(".reaction-add")).to_be_focused()

    # The editor with an error, and the mention list.
    choose(b, message(b, "Thanks a lot!"), "Edit")
    b.locator(".message-editor textarea").fill("")
    b.keyboard.press("Enter")
    expect(b.locator(".editor-error")).to_be_visible()
    assert_accessible_in_both_schemes(b)
    b.keyboard.press("Escape")
    b.locator("#message-input").type("@")
    expect(b.get_by_role("listbox", name="People to mention")).to_be_visible()
    b.keyboard.press("ArrowDown")
    assert_accessible_in_both_schemes(b)


def test_the_new_parts_fit_a_phone(browser, base_url, people):
    alice = people("alice").join()
    slug = room_create(alice, "Phone actions")
    phone = Visitor(browser, base_url, "phone", viewport=PHONE, has_touch=True, is_mobile=True)
    try:
        phone.join(room=slug)
        page = phone.page
        alice.send("A long message to answer on a phone, " * 3)
        node = message(page, "answer on a phone")
        expect(node).to_be_visible()
        node.locator(".message-menu-button").tap()
        page.locator("#message-menu").get_by_role("menuitem", name="React").tap()
        picker = page.locator("#reaction-picker")
        expect(picker).to_be_visible()
        box = picker.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        picker.get_by_role("button", name="Heart").tap()
        thumbs = node.locator(".reaction-chip")
        expect(thumbs.locator(".reaction-count")).to_have_text("1")

        # A long press on a chip lists who reacted; it does not take the reaction back.
        thumbs.dispatch_event("pointerdown", {"pointerType": "touch", "isPrimary": True})
        people_list = page.locator("#reaction-people")
        expect(people_list).to_be_visible()
        thumbs.dispatch_event("pointerup", {"pointerType": "touch", "isPrimary": True})
        thumbs.dispatch_event("click")
        expect(people_list).to_contain_text("you")
        expect(thumbs.locator(".reaction-count")).to_have_text("1")
        page.mouse.click(5, 300)  # a tap elsewhere closes it
        expect(people_list).to_be_hidden()

        node.locator(".message-menu-button").tap()
        page.locator("#message-menu").get_by_role("menuitem", name="Reply").tap()
        bar = page.locator("#reply-bar")
        expect(bar).to_be_visible()
        for element in (bar, bar.get_by_role("button", name="Cancel the reply")):
            box = element.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        bar.get_by_role("button", name="Cancel the reply").tap()
        expect(bar).to_be_hidden()
    finally:
        phone.close()
