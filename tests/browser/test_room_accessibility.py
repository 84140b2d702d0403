"""The room page for everyone: axe-core finds nothing serious in light or dark mode (with
messages, a person's card, the moderators' panel, a lost connection), every action is in reach
of the keyboard with a visible focus ring, reduced motion is respected; and the docs' pictures
of the page, on a desktop and a phone, light and dark, in English and Chinese."""

import os
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
# Refreshed on request only (UPDATE_SCREENSHOT=1), as the README's picture is.
PICTURES = ROOT / ("docs" if os.environ.get("UPDATE_SCREENSHOT") else "test-artifacts")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
ZERO_WIDTH = "\u200b\u200b"  # shows nothing: the server refuses it (empty_body)

# What the focused element shows: an outline of its own (or a ring drawn as a box shadow).
FOCUS_RING = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    return {
        name: element.id || element.className || element.tagName,
        tag: element.tagName,
        visible: element.matches(":focus-visible"),
        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
        shadow: style.boxShadow !== "none",
    };
}"""


@pytest.fixture(scope="module")
def server():
    with LiveServer() as server:
        yield server


@pytest.fixture(scope="module")
def base_url(server):
    return server.url


def room_create(owner: Person, title: str, *, slug: str | None = None) -> str:
    slug = slug or unique_name("room").replace("_", "-")
    page = owner.page
    page.goto(f"{owner.base_url}/")
    page.fill("#id_title", title)
    page.fill("#id_slug", slug)
    page.get_by_role("button", name="Create room").click()
    page.wait_for_url(f"**/chat/{slug}/")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")
    return slug


# --- axe-core ------------------------------------------------------------------------------


def test_the_room_page_has_no_serious_accessibility_violation(people):
    owner = people("owner").join()
    slug = room_create(owner, "Accessible room")
    guest = people("guest").join(room=slug)
    mod, page = owner.page, guest.page

    owner.send("Welcome! Ask anything.")
    guest.send("Hello, is the meeting at three?")
    owner.send("Yes, in the big room.\nBring the slides.")
    expect(page.locator("#messages .message[data-id]")).to_have_count(3)
    assert_accessible_in_both_schemes(page)

    guest.send(ZERO_WIDTH)  # a refused message, with its Edit and Discard
    expect(page.locator("#messages .message.mine.failed")).to_have_count(1)
    page.fill("#message-input", "w" * 3700)  # the counter near the limit
    expect(page.locator("#composer-count")).to_be_visible()
    assert_accessible_in_both_schemes(page)

    # A person's card, as anyone sees it, and as the room's owner does.
    page.locator("#online-list .online-user-button", has_text=owner.name).click()
    expect(page.locator("#person-card .person-joined")).not_to_have_text("…")
    assert_accessible_in_both_schemes(page)
    page.keyboard.press("Escape")

    card = mod.locator("#person-card")
    mod.locator("#online-list .online-user-button", has_text=guest.name).click()
    expect(card.locator(".person-moderation")).to_be_visible()
    card.get_by_role("button", name="Mute", exact=True).click()
    expect(card.locator(".person-result")).to_contain_text("Muted")
    assert_accessible_in_both_schemes(mod)
    mod.keyboard.press("Escape")

    # The moderators' panel, with the mute and the log; the muted guest's composer.
    mod.locator("#open-moderation").click()
    panel = mod.locator("#moderation-panel")
    expect(panel.locator(".panel-sanction")).to_have_count(1)
    expect(panel.locator(".panel-body")).to_have_attribute("aria-busy", "false")
    assert_accessible_in_both_schemes(mod)
    expect(page.locator("#composer-lock")).to_be_visible()
    assert_accessible_in_both_schemes(page)

    # The message menu, open.
    mod.keyboard.press("Escape")
    message = mod.locator("#messages .message[data-id]", has_text="meeting at three")
    message.hover()
    message.locator(".message-menu-button").click()
    expect(mod.locator("#message-menu")).to_be_visible()
    assert_accessible_in_both_schemes(mod)


def test_the_lost_connection_banner_is_accessible(browser):
    with LiveServer() as server:
        person = Person(browser, server.url, unique_name("offline")).join()
        page = person.page
        server.stop()
        banner = page.locator("#offline-banner")
        # Once the quick first retry has failed too, in a second or so.
        expect(banner).to_be_visible()
        expect(banner.locator(".offline-countdown")).to_have_text(re.compile(r"in \d+ s…$"))
        assert_accessible_in_both_schemes(page)
        person.close()


# --- the keyboard ----------------------------------------------------------------------------


def tab_through(page: Page, presses: int = 80) -> list[dict]:
    """Tab from the top of the page (its skip link) to the end: what each press reached, and
    how it showed it."""
    page.keyboard.press("Shift")  # a key press: focus from here on is the keyboard's
    page.locator(".skip-link").focus()
    reached = [page.evaluate(FOCUS_RING)]
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.querySelector('.skip-link')"):
            break
        ring = page.evaluate(FOCUS_RING)
        if ring["tag"] == "BODY":
            break
        reached.append(ring)
    return reached


def assert_ring(ring: dict) -> None:
    assert ring["visible"] and (ring["outline"] or ring["shadow"]), f"no focus ring: {ring}"


def test_every_action_is_reached_by_keyboard_with_a_visible_focus_ring(people):
    owner = people("keys").join()
    slug = room_create(owner, "Keyboard room")
    other = people("other").join(room=slug)
    page = owner.page
    for number in range(12):
        other.send(f"line {number}\nwith more\nand more")
    expect(page.locator("#messages .message[data-id]")).to_have_count(12)
    page.fill("#message-input", "a draft")  # Send is enabled

    reached = tab_through(page)
    names = [ring["name"] for ring in reached]
    for expected in (
        "online-user-button",
        "open-moderation",
        "message-scroller",
        "message-menu-button",
        "message-input",
        "send",
    ):
        assert any(expected in name for name in names), (expected, names)
    for ring in reached:
        assert_ring(ring)

    # The message menu: its items, by keyboard, each with a ring.
    button = page.locator("#messages .message[data-id] .message-menu-button").last
    button.focus()
    page.keyboard.press("Enter")
    menu = page.locator("#message-menu")
    expect(menu).to_be_visible()
    for _ in range(2):
        assert_ring(page.evaluate(FOCUS_RING))
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    expect(button).to_be_focused()

    # The person card and the panel: every control inside, with a ring.
    for opener, dialog, ready in (
        (
            page.locator("#online-list .online-user-button", has_text=other.name),
            "#person-card",
            "#person-card .person-moderation",  # read: the owner's tools are there
        ),
        (page.locator("#open-moderation"), "#moderation-panel", ".panel-body[aria-busy=false]"),
    ):
        opener.focus()
        page.keyboard.press("Enter")
        expect(page.locator(dialog)).to_be_visible()
        expect(page.locator(ready)).to_be_visible()
        inside = 0
        for _ in range(30):
            page.keyboard.press("Tab")
            if not page.evaluate(
                f"document.querySelector('{dialog}').contains(document.activeElement)"
            ):
                break
            assert_ring(page.evaluate(FOCUS_RING))
            inside += 1
        assert inside >= 3, dialog
        page.keyboard.press("Escape")
        expect(page.locator(dialog)).to_be_hidden()
        expect(opener).to_be_focused()

    # "New messages ↓": reached, ringed, and focus lands on the composer after the jump.
    page.locator("#message-scroller").evaluate("node => { node.scrollTop = 0; }")
    other.send("something new")
    jump = page.locator("#jump-latest")
    expect(jump).to_be_visible()
    jump.focus()
    page.keyboard.press("Shift")  # a key press: focus from here on is the keyboard's
    jump.evaluate("node => { node.blur(); node.focus(); }")
    assert_ring(page.evaluate(FOCUS_RING))
    page.keyboard.press("Enter")
    expect(jump).to_be_hidden()
    expect(page.locator("#message-input")).to_be_focused()


def test_the_online_list_is_reached_by_keyboard_on_a_phone(browser, base_url):
    phone = Visitor(browser, base_url, "phone", viewport=PHONE)
    try:
        page = phone.join().page
        reached = [ring["name"] for ring in tab_through(page, presses=30)]
        assert "toggle-online" in reached, " ".join(reached)
        page.locator("#toggle-online").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#online-list")).to_be_visible()
        # The list comes before the header in the page: opening it takes focus there, to the
        # room shown, in the reader's rooms at its top (static/chat/room_nav.js).
        first = page.locator("#room-nav .room-nav-link[aria-current=page]")
        expect(first).to_be_focused()
        assert_ring(page.evaluate(FOCUS_RING))
        page.keyboard.press("Escape")
        expect(page.locator("#online-list")).to_be_hidden()
        expect(page.locator("#toggle-online")).to_be_focused()
        expect(page.locator("#toggle-online")).to_have_attribute("aria-expanded", "false")
    finally:
        phone.close()


# --- motion ----------------------------------------------------------------------------------

MOTION = """selector => {
    const style = getComputedStyle(document.querySelector(selector));
    const longest = (value) => Math.max(...value.split(",").map((part) => parseFloat(part) || 0));
    return {
        animation: longest(style.animationDuration),
        transition: longest(style.transitionDuration),
    };
}"""


def test_reduced_motion_turns_off_animation_and_smooth_scrolling(browser, base_url, people):
    calm = Visitor(browser, base_url, "calm", reduced_motion="reduce")
    lively = Visitor(browser, base_url, "lively", reduced_motion="no-preference")
    try:
        calm.join()
        slug = room_create(calm, "Calm room")
        lively.join(room=slug)
        sender = people("sender").join(room=slug)
        for number in range(14):
            sender.send(f"moving line {number}\nsecond\nthird")
        for viewer in (calm, lively):
            expect(viewer.page.locator("#messages .message[data-id]")).to_have_count(14)

        page = calm.page
        selectors = (".message", ".online-user", ".message-menu-button", ".button")
        for selector in selectors:
            assert page.evaluate(MOTION, selector) == {"animation": 0, "transition": 0}, selector
        # Without the preference the same page moves: the check above is not vacuous.
        moving = [lively.page.evaluate(MOTION, selector) for selector in selectors]
        assert all(value["animation"] or value["transition"] for value in moving), moving

        page.locator("#online-list .online-user-button").first.click()
        expect(page.locator("#person-card")).to_be_visible()
        assert page.evaluate(MOTION, "#person-card") == {"animation": 0, "transition": 0}
        page.keyboard.press("Escape")

        # "New messages ↓" jumps at once; smoothly only for those who do not mind motion.
        for viewer, instant in ((calm, True), (lively, False)):
            scroller = viewer.page.locator("#message-scroller")
            assert scroller.evaluate("node => getComputedStyle(node).scrollBehavior") == "auto"
            scroller.evaluate("node => { node.scrollTop = 0; }")
            sender.send(f"news for {viewer.name}")
            jump = viewer.page.locator("#jump-latest")
            expect(jump).to_be_visible()
            at_bottom = jump.evaluate("""button => {
                const scroller = document.getElementById("message-scroller");
                button.click();
                return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 2;
            }""")
            assert at_bottom is instant, viewer.name
            expect(jump).to_be_hidden()
    finally:
        calm.close()
        lively.close()


# --- the docs' pictures ------------------------------------------------------------------------

SCENES = {
    "en": [
        ("other", "Morning! Is anyone up for a hike on Saturday?"),
        ("me", "Count me in! Where do we meet?"),
        ("other", "At the station, 8:30. Bring water and something to eat."),
        ("other", "The forecast says sun all day ☀️"),
        ("me", "Perfect. I'll bring the map."),
    ],
    "zh": [
        ("other", "早上好！周六有人一起去爬山吗？"),
        ("me", "算我一个！在哪儿集合？"),
        ("other", "八点半在火车站见，记得带水和吃的。"),
        ("other", "天气预报说全天晴 ☀️"),
        ("me", "太好了，我带地图。"),
    ],
}
LANGUAGE_COOKIE = {"en": "en", "zh": "zh-hans"}
# Plain names for the pictures (each language's test has its own pair; names are unique).
NAMES = {
    "en": ("maya", "leo", "Weekend hike", "weekend-hike"),
    "zh": ("小美", "阿乐", "周末徒步", "zhoumo-tubu"),
}


@pytest.mark.parametrize("language", ["en", "zh"])
def test_pictures_of_the_room_page(browser, base_url, language):
    cookie = {"name": "django_language", "value": LANGUAGE_COOKIE[language], "url": base_url}
    my_name, other_name, title, slug = NAMES[language]
    me = Visitor(browser, base_url, "me", name=my_name)
    other = Visitor(browser, base_url, "other", name=other_name)
    try:
        me.join(avatar="a2")
        room_create(me, title, slug=slug)
        for person in (me, other):
            person.context.add_cookies([cookie])
        page = me.page
        page.reload()
        expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")
        other.join(avatar="a7", room=slug)
        for who, text in SCENES[language]:
            (me if who == "me" else other).send(text)
        expect(page.locator("#messages .message[data-id]")).to_have_count(len(SCENES[language]))
        expect(page.locator("#messages .message.pending")).to_have_count(0)
        if language == "zh":
            expect(page.locator("#message-input")).to_have_attribute(
                "placeholder", re.compile(r"[\u4e00-\u9fff]")
            )

        PICTURES.mkdir(exist_ok=True)
        for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                page.evaluate("document.activeElement?.blur()")
                page.locator("#message-scroller").evaluate(
                    "node => { node.scrollTop = node.scrollHeight; }"
                )
                name = f"room-{device}-{scheme}-{language}.png"
                page.screenshot(path=str(PICTURES / name), animations="disabled")
    finally:
        me.close()
        other.close()
