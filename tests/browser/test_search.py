"""Search and jumping through the history, in a real browser: a room of 130 messages whose
oldest are far outside the first page; a search finds a Chinese and an English one, each
result jumps to its message in the history (loaded around it, shown and highlighted), newer
pages load as the reader scrolls down, "Jump to latest" comes back, live messages wait for the
list to reach them; a result of another room opens that room at it; a message deleted in the
meantime is said to be gone. By keyboard, on a phone, and clean for axe."""

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import AXE, BLOCKING, assert_accessible, described
from tests.browser.conftest import unique_name
from tests.browser.visitor import Visitor
from tests.servers import LiveServer

pytestmark = pytest.mark.browser

FILLERS = 128  # newer than the two old messages: the first page (50) holds neither
CHINESE = "你好世界，这是很久以前的消息"
ENGLISH = "The quarterly Kubernetes report is ready"
ELSEWHERE = "Meet me at the 咖啡馆 {code} at noon"  # a code of each test's own
PHONE = {"width": 360, "height": 740}


SEED = """
import json
from django.contrib.auth import get_user_model
from chat.models import Room
from tests.factories import MessageFactory
author = get_user_model().objects.create_user({author!r})
room = Room.objects.create(slug={slug!r}, title={title!r})
other = Room.objects.create(slug={other!r}, title={other_title!r})
ids = {{}}
ids["chinese"] = MessageFactory(room=room, author=author, body={chinese!r}).pk
ids["english"] = MessageFactory(room=room, author=author, body={english!r}).pk
for n in range({fillers}):
    ids["newest"] = MessageFactory(room=room, author=author, body=f"filler message {{n}}").pk
ids["coffee"] = MessageFactory(room=other, author=author, body={elsewhere!r}).pk
MessageFactory(room=other, author=author, body="after the coffee")
print(json.dumps(ids))
"""


@pytest.fixture(scope="module")
def server():
    with LiveServer(env={"CHAT_RATE_LIMIT_MESSAGES": "1000"}) as server:
        yield server


@pytest.fixture(scope="module")
def base_url(server):
    return server.url


@pytest.fixture
def rooms(server):
    """A room of its own for each test: two old messages and many newer ones, and another
    room with one message to find; the ids of the messages to look for."""
    slug = unique_name("far").replace("_", "-")
    code = slug.rpartition("-")[2]
    names = {
        "author": unique_name("writer"),
        "slug": slug,
        "title": "Long history",
        "other": f"{slug}-other",
        "other_title": "Coffee corner",
        "chinese": CHINESE,
        "english": ENGLISH,
        "code": code,
        "elsewhere": ELSEWHERE.format(code=code),
        "fillers": FILLERS,
    }
    ids = json.loads(server.shell(SEED.format(**names)).strip().splitlines()[-1])
    return {**names, **ids}


def message(page: Page, text: str):
    return page.locator("#messages .message[data-id]", has_text=text)


def jump_to(page: Page, message_id: int):
    """What jumpToMessage(id) resolves to: as the reply feature calls it."""
    return page.evaluate(
        "id => import('/static/chat/jump.js').then((jump) => jump.jumpToMessage(id))", message_id
    )


def confirmed(page: Page):
    return page.locator("#messages .message[data-id]")


def search(page: Page, query: str, *, scope: str = "This room"):
    if page.locator("#search-panel").is_hidden():
        page.locator("#open-search").click()
        expect(page.locator("#search-input")).to_be_focused()
    page.get_by_label("In", exact=True).select_option(label=scope)
    page.fill("#search-input", query)
    page.press("#search-input", "Enter")
    results = page.locator("#search-panel .search-result")
    expect(page.locator("#search-panel .search-status")).not_to_have_text("Searching…")
    return results


def assert_panel_accessible(page: Page) -> None:
    """axe on the search panel alone: on a phone the page around it has findings of its own
    (the send button and the brand link lose their names), which are not this test's."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    found = page.evaluate(
        "async () => (await axe.run('#search-panel', {resultTypes: ['violations']})).violations"
    )
    blocking = [violation for violation in found if violation["impact"] in BLOCKING]
    assert not blocking, "axe found:\n" + described(blocking)


def assert_shown_and_highlighted(page: Page, text: str) -> None:
    target = message(page, text)
    expect(target).to_have_count(1)
    expect(target).to_be_in_viewport()
    expect(target).to_contain_class("is-target")
    expect(target).to_be_focused()


def test_search_finds_chinese_and_english_far_back_and_jumps_to_each(people, rooms):
    reader = people("reader").join(room=rooms["slug"])
    page = reader.page
    expect(message(page, "filler message 127")).to_be_visible()
    expect(confirmed(page)).to_have_count(50)
    expect(message(page, CHINESE)).to_have_count(0)  # far outside the first page

    results = search(page, "世界")
    expect(results).to_have_count(1)
    hit = results.first
    expect(hit.locator(".search-body mark")).to_have_text("世界")
    expect(hit.locator(".search-body")).to_have_text(CHINESE)
    expect(hit.locator(".search-author")).to_have_text(rooms["author"])
    expect(hit.locator(".search-room")).to_be_hidden()  # this room's search
    expect(hit.locator(".search-after .search-context-body")).to_have_text(ENGLISH)
    expect(hit.locator(".search-time")).to_have_attribute("datetime", re.compile(r"^\d{4}-"))
    assert_accessible(page)

    hit.locator(".search-hit").click()
    assert_shown_and_highlighted(page, CHINESE)
    expect(page.locator("#jump-latest")).to_be_visible()
    expect(page.locator("#jump-latest")).to_have_text("Jump to latest ↓")
    expect(message(page, "filler message 127")).to_have_count(0)  # a stretch of the past
    expect(page.locator("#history-start")).to_be_visible()  # it starts at the beginning
    expect(page).to_have_url(re.compile(rf"/chat/{rooms['slug']}/$"))

    results = search(page, "KUBERNETES report")
    expect(results).to_have_count(1)
    expect(results.first.locator(".search-body mark")).to_have_text("Kubernetes report")
    results.first.locator(".search-hit").click()
    assert_shown_and_highlighted(page, ENGLISH)  # already on the page: scrolled to
    expect(page.locator(".message.is-target")).to_have_count(1)
    expect(message(page, ENGLISH)).not_to_contain_class("is-target", timeout=5000)  # it fades

    page.locator("#jump-latest").click()
    expect(message(page, "filler message 127")).to_be_in_viewport()
    expect(page.locator("#jump-latest")).to_be_hidden()
    expect(confirmed(page)).to_have_count(50)
    expect(message(page, CHINESE)).to_have_count(0)
    assert reader.dialogs == []


def test_scrolling_down_loads_newer_pages_and_live_messages_wait_for_the_gap_to_close(
    people, rooms
):
    reader = people("reader").join(room=rooms["slug"])
    writer = people("writer").join(room=rooms["slug"])
    page = reader.page
    expect(confirmed(page)).to_have_count(50)
    jumped = jump_to(page, rooms["chinese"])
    assert jumped is True
    assert_shown_and_highlighted(page, CHINESE)

    writer.send("live while you read old news")
    expect(message(writer.page, "live while you read old news")).not_to_contain_class("pending")
    page.wait_for_timeout(300)
    expect(message(page, "live while you read old news")).to_have_count(0)  # past a gap

    # Scrolling to the bottom again and again: the next newer page each time, no gap.
    for _ in range(10):
        if message(page, "live while you read old news").count():
            break
        page.locator("#message-scroller").evaluate("s => s.scrollTo(0, s.scrollHeight)")
        page.wait_for_timeout(250)
    expect(message(page, "live while you read old news")).to_have_count(1)
    ids = [int(i) for i in confirmed(page).evaluate_all("nodes => nodes.map(n => n.dataset.id)")]
    assert ids == sorted(ids)
    assert len(ids) == 2 + FILLERS + 1  # every message of the room, once
    expect(page.locator("#jump-latest")).to_have_text("New messages ↓")

    writer.send("and now live again")
    expect(message(page, "and now live again")).to_have_count(1)


def test_a_result_in_another_room_opens_that_room_at_the_message(people, rooms):
    reader = people("reader").join(room=rooms["slug"])
    page = reader.page

    results = search(page, f"咖啡馆 {rooms['code']}", scope="All rooms")
    expect(results).to_have_count(1)
    expect(results.first.locator(".search-room")).to_have_text("in Coffee corner")
    results.first.locator(".search-hit").click()

    page.wait_for_url(f"**/chat/{rooms['other']}/")  # ?message= is taken off once used
    expect(page.locator("#room-title")).to_have_text("Coffee corner")
    assert_shown_and_highlighted(page, rooms["elsewhere"])
    expect(message(page, "after the coffee")).to_be_visible()


def test_a_message_deleted_in_the_meantime_is_said_to_be_gone(people, rooms, server):
    reader = people("reader").join(room=rooms["slug"])
    page = reader.page
    results = search(page, "世界")
    expect(results).to_have_count(1)
    server.shell(
        "from django.utils import timezone; from chat.models import Message; "
        f"Message.objects.filter(pk={rooms['chinese']}).update(deleted_at=timezone.now())",
    )

    results.first.locator(".search-hit").click()

    notice = page.locator("#notice")
    expect(notice).to_be_visible()
    expect(notice).to_have_text("That message is no longer there: it may have been deleted.")
    expect(page.locator("#announcer")).to_contain_text("no longer there")
    expect(message(page, ENGLISH)).to_be_in_viewport()  # where it was: the next one
    expect(page.locator(".message.is-target")).to_have_count(0)

    # Opened from an address, the same.
    page.goto(f"{reader.base_url}/chat/{rooms['slug']}/?message={rooms['chinese']}")
    expect(notice).to_have_text("That message is no longer there: it may have been deleted.")
    expect(message(page, ENGLISH)).to_be_visible()
    jumped = jump_to(page, rooms["chinese"])
    assert jumped is False


def test_the_search_by_keyboard_alone(people, rooms):
    reader = people("reader").join(room=rooms["slug"])
    page = reader.page
    toggle = page.locator("#open-search")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#search-input")).to_be_focused()
    page.keyboard.type("quarterly")
    page.keyboard.press("Enter")
    first = page.locator("#search-panel .search-hit").first
    expect(first).to_be_visible()
    expect(page.locator("#announcer")).to_contain_text("1 result.")
    page.keyboard.press("ArrowDown")
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    assert_shown_and_highlighted(page, ENGLISH)

    page.locator("#search-input").focus()
    page.keyboard.press("Escape")
    expect(page.locator("#search-panel")).to_be_hidden()
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    toggle.click()
    page.fill("#search-input", "x")
    page.keyboard.press("Enter")
    expect(page.locator("#search-panel .search-status")).to_have_text("Type at least 2 characters.")
    page.fill("#search-input", "nothing like this anywhere")
    page.keyboard.press("Enter")
    expect(page.locator("#search-panel .search-status")).to_have_text(
        "No messages in this room match “nothing like this anywhere”."
    )
    expect(page.locator("#announcer")).to_contain_text("No messages in this room match")


def test_on_a_phone_the_panel_covers_the_messages_and_a_result_uncovers_them(
    browser, base_url, rooms
):
    phone = Visitor(browser, base_url, "phone", viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = phone.join(room=rooms["slug"]).page
        expect(page.locator("#open-search")).to_be_visible()
        results = search(page, "世界")
        expect(results).to_have_count(1)
        panel = page.locator("#search-panel").bounding_box()
        assert panel["x"] == 0 and panel["width"] == PHONE["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert_panel_accessible(page)

        results.first.locator(".search-hit").tap()
        expect(page.locator("#search-panel")).to_be_hidden()
        target = message(page, CHINESE)
        expect(target).to_be_in_viewport()
        expect(target).to_contain_class("is-target")
    finally:
        phone.close()


def test_with_reduced_motion_the_highlight_stands_still(browser, base_url, rooms):
    calm = Visitor(browser, base_url, "calm", reduced_motion="reduce")
    try:
        page = calm.join(room=rooms["slug"]).page
        results = search(page, "Kubernetes")
        results.first.locator(".search-hit").click()
        target = message(page, ENGLISH)
        expect(target).to_contain_class("is-target")
        assert target.evaluate("node => getComputedStyle(node).animationName") == "none"
    finally:
        calm.close()
