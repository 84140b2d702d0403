"""Emoji in the room page, in Chromium: an emoji picked in the composer's picker goes in at the
caret and reaches the other person; the picker searches in English and, on a Chinese page, in
Chinese (and English), with its own strings in Chinese; the most used row is the picker's first
and holds what was picked in the composer, in the :shortcode: list and as a reaction, also after
a reload; ":smi" lists emoji to pick from the keyboard and a typed ":smile:" becomes 😄; the
reaction picker's "More emoji…" reacts with any emoji; nothing the site's Content-Security-Policy
blocks, and no request leaves the site; axe-core finds nothing serious around the open picker.

Pictures of the open picker (docs/emoji-picker-en.png, -zh.png) are written to docs/ on request
(UPDATE_SCREENSHOT=1), else to test-artifacts/."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import SETTLED, assert_accessible_in_both_schemes
from tests.browser.conftest import Person
from tests.browser.content_policy import COLLECT_VIOLATIONS, violations
from tests.browser.visitor import Visitor

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PICTURES = ROOT / ("docs" if os.environ.get("UPDATE_SCREENSHOT") else "test-artifacts")
CHINESE = {"locale": "zh-CN", "extra_http_headers": {"Accept-Language": "zh-CN,zh;q=0.9"}}


def two_in_a_room(people, title: str) -> tuple[Person, Person]:
    alice = people("alice").join(avatar="a2")
    slug = alice.create_room(title)
    bob = people("bob").join(avatar="a7", room=slug)
    expect(alice.page.locator("#online-list li[data-user-id]", has_text=bob.name)).to_be_visible()
    return alice, bob


def message(page: Page, text: str):
    """The confirmed message whose body holds `text`."""
    return page.locator("#messages .message[data-id]").filter(
        has=page.locator(".body", has_text=text)
    )


def open_picker(page: Page):
    """The composer's picker, opened by its button, its search box focused: (picker, search)."""
    page.locator("#emoji-button").click()
    return shown_picker(page)


def shown_picker(page: Page):
    expect(page.locator("#emoji-picker")).to_be_visible()
    picker = page.locator("#emoji-picker emoji-picker")
    search = picker.get_by_role("combobox")
    expect(search).to_be_focused()
    return picker, search


def found(picker, emoji: str):
    """The search result for `emoji` (its accessible name starts with it; the data writes some
    with a variation selector)."""
    return picker.get_by_role("option", name=re.compile(rf"^{re.escape(emoji)}\ufe0f?,"))


def most_used(picker):
    return picker.locator(".favorites [role=menuitem]")


def count(node, emoji: str):
    """The count on a message's chip of `emoji`."""
    return node.locator(".reaction-chip", has_text=emoji).locator(".reaction-count")


def react_from_menu(page: Page, node) -> None:
    """The message menu's React, then the reaction picker's "More emoji…"."""
    node.hover()
    node.locator(".message-menu-button").click()
    page.locator("#message-menu").get_by_role("menuitem", name="React").click()
    quick = page.locator("#reaction-picker")
    expect(quick).to_be_visible()
    quick.get_by_role("button", name="More emoji…").click()
    expect(quick).to_be_hidden()


# --- the composer's picker -----------------------------------------------------------------------


def test_an_emoji_from_the_picker_goes_in_at_the_caret_and_reaches_the_other_person(people):
    alice, bob = two_in_a_room(people, "Picker")
    a, b = alice.page, bob.page
    composer = a.locator("#message-input")
    composer.fill("Hello  there")
    composer.evaluate("input => input.setSelectionRange(6, 6)")

    button = a.get_by_role("button", name="Insert an emoji")
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    picker, search = shown_picker(a)
    expect(button).to_have_attribute("aria-expanded", "true")
    search.fill("cat")
    found(picker, "🐱").click()
    expect(a.locator("#emoji-picker")).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(composer).to_be_focused()
    expect(composer).to_have_value("Hello 🐱 there")
    expect(a.locator("#send")).to_be_enabled()

    composer.press("Enter")
    expect(message(b, "Hello 🐱 there")).to_be_visible()
    expect(composer).to_have_value("")

    # From the keyboard: Tab to the button, Enter, type, ArrowDown, Enter.
    composer.press("Tab")
    expect(button).to_be_focused()
    a.keyboard.press("Enter")
    picker, search = shown_picker(a)
    a.keyboard.type("fox")
    expect(picker.get_by_role("option").first).to_have_accessible_name(re.compile("^🦊"))
    a.keyboard.press("ArrowDown")
    a.keyboard.press("Enter")
    expect(a.locator("#emoji-picker")).to_be_hidden()
    expect(composer).to_be_focused()
    expect(composer).to_have_value("🦊")

    # Escape closes it, even with words in the search box; focus goes back to the button.
    open_picker(a)[1].fill("dog")
    a.keyboard.press("Escape")
    expect(a.locator("#emoji-picker")).to_be_hidden()
    expect(button).to_be_focused()
    # So do a click outside and a second press on the button; nothing goes in.
    open_picker(a)
    a.locator("#room-title").click()
    expect(a.locator("#emoji-picker")).to_be_hidden()
    open_picker(a)
    button.click()
    expect(a.locator("#emoji-picker")).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(composer).to_have_value("🦊")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_picker_searches_in_the_pages_language(browser, base_url, language):
    name = f"{'小美' if language == 'zh' else 'maya'}{os.getpid()}"  # plain, for the picture
    options = CHINESE if language == "zh" else {}
    person = Visitor(browser, base_url, "searcher", name=name, **options)
    try:
        person.join()
        page = person.page
        person.create_room("早上好" if language == "zh" else "Morning")
        person.send("早上好 ☀️" if language == "zh" else "Good morning ☀️")
        expect(page.locator("#messages .message[data-id]")).to_have_count(1)
        lang = "zh-hans" if language == "zh" else "en"
        expect(page.locator("html")).to_have_attribute("lang", lang)
        picker, search = open_picker(page)
        assert picker.evaluate("node => node.dataSource").endswith(f"/{language}.json")

        if language == "zh":
            # The picker's own strings, and the Chinese words; the English ones work too.
            expect(search).to_have_attribute("placeholder", "搜索")
            expect(picker.get_by_role("tab", name="笑脸和表情")).to_be_visible()
            # One character is a word in Chinese: 猫 alone finds the cat (and 心 hearts).
            search.fill("心")
            expect(found(picker, "❤")).to_be_visible()
            for words in ("猫", "猫咪", "猫脸", "cat"):
                search.fill(words)
                expect(found(picker, "🐱")).to_have_accessible_name(re.compile("^🐱, 猫脸"))
        else:
            expect(search).to_have_attribute("placeholder", "Search")
            search.fill("cat")
            expect(found(picker, "🐱")).to_have_accessible_name(re.compile("^🐱, cat face"))
            search.fill("猫咪")  # Chinese words are not in the English data
            expect(picker.get_by_role("option")).to_have_count(0)

        search.fill("")
        expect(most_used(picker).first).to_be_visible()
        page.evaluate(SETTLED)
        PICTURES.mkdir(exist_ok=True)
        page.screenshot(path=str(PICTURES / f"emoji-picker-{language}.png"), animations="disabled")
    finally:
        person.close()


def test_the_most_used_row_comes_first_with_picks_from_composer_shortcodes_and_reactions(people):
    alice, bob = two_in_a_room(people, "Most used")
    a = alice.page
    composer = a.locator("#message-input")
    picker, search = open_picker(a)
    search.fill("cat")
    found(picker, "🐱").click()
    expect(composer).to_have_value("🐱")
    composer.type(" :cat_face:")  # typed whole: 🐱 counts twice
    expect(composer).to_have_value("🐱 🐱")
    composer.press("Enter")

    picker, _ = open_picker(a)
    expect(most_used(picker).first).to_have_accessible_name(re.compile("^🐱"))
    # The row is above the emoji of the categories.
    row = picker.locator(".favorites").bounding_box()
    grid = picker.locator(".tabpanel").bounding_box()
    assert row["y"] + row["height"] <= grid["y"] + 1, (row, grid)
    a.keyboard.press("Escape")

    # A reaction from the full picker counts too.
    bob.send("Lunch?")
    lunch = message(a, "Lunch?")
    react_from_menu(a, lunch)
    picker, search = shown_picker(a)
    search.fill("fox")
    found(picker, "🦊").click()
    expect(lunch.locator(".reaction-chip", has_text="🦊")).to_be_visible()

    picker, _ = open_picker(a)
    names = [re.compile("^🐱"), re.compile("^🦊")]
    expect(most_used(picker).nth(0)).to_have_accessible_name(names[0])
    expect(most_used(picker).nth(1)).to_have_accessible_name(names[1])
    a.keyboard.press("Escape")

    # Kept in the browser: the same after a reload.
    a.reload()
    expect(a.locator("#connection-state")).to_have_attribute("data-state", "online")
    picker, _ = open_picker(a)
    expect(most_used(picker).nth(0)).to_have_accessible_name(names[0])
    expect(most_used(picker).nth(1)).to_have_accessible_name(names[1])


# --- :shortcode: typing --------------------------------------------------------------------------


def test_shortcodes_are_listed_while_typing_and_a_whole_one_turns_into_its_emoji(people):
    alice, bob = two_in_a_room(people, "Shortcodes")
    a, b = alice.page, bob.page
    composer = a.locator("#message-input")
    composer.click()
    composer.type("Nice :smi")
    suggestions = a.get_by_role("listbox", name="Emoji")
    expect(suggestions).to_be_visible()
    options = suggestions.get_by_role("option")
    expect(options.first).to_contain_text("😄")
    expect(options.first).to_contain_text(":smile:")
    assert 2 <= options.count() <= 8
    expect(a.locator(".emoji-status")).to_contain_text("Up and down to choose")

    a.keyboard.press("ArrowDown")
    a.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    a.keyboard.press("ArrowUp")
    expect(options.first).to_have_attribute("aria-selected", "true")
    assert composer.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    a.keyboard.press("Enter")
    expect(suggestions).to_be_hidden()
    expect(composer).to_have_value("Nice 😄")
    expect(a.locator("#messages .message.mine")).to_have_count(0)  # Enter picked, sent nothing

    # Escape closes the list, which stays closed for that word; a whole shortcode still works.
    composer.type(" :hea")
    expect(suggestions).to_be_visible()
    a.keyboard.press("Escape")
    expect(suggestions).to_be_hidden()
    composer.type("r")
    composer.type("t:")
    expect(composer).to_have_value("Nice 😄 ❤️")

    # Tab picks too (the first when none is chosen); ":" inside a word or a time opens nothing.
    composer.type(" :party_p")
    expect(options.first).to_contain_text("🎉")
    a.keyboard.press("Tab")
    expect(composer).to_have_value("Nice 😄 ❤️ 🎉")
    composer.type(" at 10:30 re:sm")
    expect(suggestions).to_be_hidden()

    # With no list open, Enter sends.
    a.keyboard.press("Enter")
    expect(message(b, "Nice 😄 ❤️ 🎉 at 10:30 re:sm")).to_be_visible()

    # In the editor of one's message too.
    sent = message(a, "Nice 😄")
    sent.hover()
    sent.locator(".message-menu-button").click()
    a.locator("#message-menu").get_by_role("menuitem", name="Edit").click()
    editor = sent.locator(".message-editor textarea")
    expect(editor).to_be_focused()
    editor.type(" :thumbsu")
    expect(a.get_by_role("listbox", name="Emoji").get_by_role("option").first).to_contain_text("👍")
    a.keyboard.press("Enter")  # picks; a second Enter saves
    expect(editor).to_have_value("Nice 😄 ❤️ 🎉 at 10:30 re:sm 👍")
    a.keyboard.press("Enter")
    expect(message(b, "re:sm 👍")).to_be_visible()


def test_chinese_pages_complete_english_and_pinyin_shortcodes(browser, base_url):
    person = Visitor(browser, base_url, "zh", **CHINESE)
    try:
        person.join()
        page = person.page
        composer = page.locator("#message-input")
        composer.click()
        composer.type("好 :cat_f")
        suggestions = page.locator(".emoji-list")
        expect(suggestions.get_by_role("option").first).to_contain_text("🐱")
        page.keyboard.press("Enter")
        composer.type(" :mao_lian:")
        expect(composer).to_have_value("好 🐱 🐱")
    finally:
        person.close()


# --- reactions -----------------------------------------------------------------------------------


def test_more_emoji_reacts_with_any_emoji_from_the_picker(people):
    alice, bob = two_in_a_room(people, "Reactions")
    a, b = alice.page, bob.page
    alice.send("The build is green")
    on_a, on_b = message(a, "build is green"), message(b, "build is green")
    expect(on_b).to_be_visible()

    # Bob: the menu's React, "More emoji…", then the keyboard.
    react_from_menu(b, on_b)
    picker, search = shown_picker(b)
    b.keyboard.type("fox")
    expect(picker.get_by_role("option").first).to_have_accessible_name(re.compile("^🦊"))
    b.keyboard.press("ArrowDown")
    b.keyboard.press("Enter")
    expect(b.locator("#emoji-picker")).to_be_hidden()
    for node, pressed in ((on_a, "false"), (on_b, "true")):
        expect(count(node, "🦊")).to_have_text("1")
        fox = node.locator(".reaction-chip", has_text="🦊")
        expect(fox).to_have_attribute("aria-pressed", pressed)
    assert on_b.evaluate("node => node.contains(document.activeElement)")

    # Alice: the row's "+", "More emoji…"; focus comes back to the "+".
    add = on_a.locator(".reaction-add")
    add.click()
    a.locator("#reaction-picker").get_by_role("button", name="More emoji…").click()
    picker, search = shown_picker(a)
    expect(add).to_have_attribute("aria-expanded", "true")
    search.fill("fox")
    found(picker, "🦊").click()
    expect(add).to_be_focused()
    expect(add).to_have_attribute("aria-expanded", "false")
    for node in (on_a, on_b):
        expect(count(node, "🦊")).to_have_text("2")

    # Picked again, one's own reaction stays (the quick buttons are the ones that take back).
    add.click()
    a.locator("#reaction-picker").get_by_role("button", name="More emoji…").click()
    picker, search = shown_picker(a)
    search.fill("fox")
    found(picker, "🦊").click()
    expect(a.locator("#emoji-picker")).to_be_hidden()
    chip = on_a.locator(".reaction-chip", has_text="🦊")
    expect(chip).to_have_attribute("aria-pressed", "true")
    expect(chip.locator(".reaction-count")).to_have_text("2")

    # The data's 👍️ is the quick 👍: one chip, as the server keeps one reaction.
    on_b.locator(".reaction-add").click()
    b.locator("#reaction-picker").get_by_role("button", name="Thumbs up").click()
    expect(on_a.locator(".reaction-chip")).to_have_count(2)
    add.click()
    a.locator("#reaction-picker").get_by_role("button", name="More emoji…").click()
    picker, search = shown_picker(a)
    search.fill("thumbs up")
    found(picker, "👍").click()
    for node in (on_a, on_b):
        expect(node.locator(".reaction-chip")).to_have_count(2)
        expect(count(node, "👍")).to_have_text("2")

    # Escape in the full picker: no reaction, focus back on the "+".
    add.click()
    a.locator("#reaction-picker").get_by_role("button", name="More emoji…").click()
    shown_picker(a)
    a.keyboard.press("Escape")
    expect(a.locator("#emoji-picker")).to_be_hidden()
    expect(add).to_be_focused()
    expect(on_a.locator(".reaction-chip")).to_have_count(2)


# --- the policy, accessibility -------------------------------------------------------------------


def test_the_picker_needs_nothing_the_policy_blocks_and_nothing_from_elsewhere(people, base_url):
    alice = people("csp")
    alice.context.add_init_script(COLLECT_VIOLATIONS)
    requests: list[str] = []
    alice.page.on("request", lambda request: requests.append(request.url))
    alice.join()
    page = alice.page

    picker, search = open_picker(page)
    # Its styles apply: its constructed stylesheet, and the styles it sets as it goes (the
    # category's underline moves, the skin tones' list slides open).
    expect(picker.locator(".picker")).to_have_css("display", "flex")
    indicator = picker.locator(".indicator")
    tabs = picker.get_by_role("tab")
    tabs.nth(2).click()
    expect(tabs.nth(2)).to_have_attribute("aria-selected", "true")
    expect(indicator).to_have_attribute("style", re.compile(r"translateX\(200%\)"))
    picker.locator("#skintone-button").click()
    tones = picker.get_by_role("listbox")
    expect(tones).to_have_attribute("style", re.compile(r"translateY\(0"))
    expect(tones).to_be_focused()
    page.keyboard.press("Escape")  # the skin tones' list closes, the picker stays
    expect(picker.locator("#skintone-button")).to_be_focused()
    expect(page.locator("#emoji-picker")).to_be_visible()
    search.fill("party")
    found(picker, "🎉").click()
    expect(page.locator("#message-input")).to_have_value("🎉")
    page.locator("#message-input").type(" :smile:")
    expect(page.locator("#message-input")).to_have_value("🎉 😄")

    assert violations(page) == []
    elsewhere = [url for url in requests if not url.startswith((base_url, "data:", "blob:"))]
    assert elsewhere == []
    data = [url for url in requests if "/vendor/emoji-picker-element-data/" in url]
    assert data and all(url.endswith("/en.json") for url in data), data


def test_the_open_picker_and_the_shortcode_list_pass_axe(people):
    alice, _ = two_in_a_room(people, "Accessible emoji")
    page = alice.page
    picker, search = open_picker(page)
    expect(most_used(picker).first).to_be_visible()
    assert_accessible_in_both_schemes(page)
    search.fill("cat")
    expect(found(picker, "🐱")).to_be_visible()
    assert_accessible_in_both_schemes(page)
    page.keyboard.press("Escape")

    page.locator("#message-input").type("Nice :smi")
    expect(page.get_by_role("listbox", name="Emoji")).to_be_visible()
    page.keyboard.press("ArrowDown")
    assert_accessible_in_both_schemes(page)
