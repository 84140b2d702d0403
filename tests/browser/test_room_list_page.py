"""The room list in a real browser: the room one just left does not count one at once, long
titles and addresses fit their cards (and the room's header), and cards in a row are equally
tall."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import unique_name
from tests.servers import live_server

pytestmark = pytest.mark.browser

LONG_TITLE = (
    "A very long room title about the weekly planning of the community garden and its "
    "many vegetable beds"
)[:100]
LONG_SLUG = ("very-long-address-" + "x" * 50)[:50]

OVERFLOW = "element => element.scrollWidth - element.clientWidth"


@pytest.fixture(scope="module")
def base_url():
    """A server of this module's own: its lobby holds only these tests' people."""
    with live_server() as url:
        yield url


def card(page: Page, slug: str):
    return page.locator(f'a.room-card[href="/chat/{slug}/"]')


def test_the_room_just_left_does_not_count_you(people):
    stayer = people("stayer").join()
    leaver = people("leaver").join()
    expect(stayer.page.locator("#online-count")).to_have_text("2")
    page = leaver.page

    page.get_by_role("link", name="← All rooms").click()
    page.wait_for_url(f"{leaver.base_url}/")

    # Read at once, not waited for: the count must be right in the page as it arrives.
    count = card(page, "lobby").locator(".room-online").inner_text()
    assert count.strip() == "1 online"  # the one who stayed, not the one who left


def room_create(person, *, title: str, slug: str) -> None:
    page = person.page
    page.goto(f"{person.base_url}/")
    page.fill("#id_title", title)
    page.fill("#id_slug", slug)
    page.get_by_role("button", name="Create room").click()
    page.wait_for_url(f"**/chat/{slug}/")


def test_long_titles_and_addresses_fit_and_cards_in_a_row_are_equally_tall(people):
    owner = people("owner").join()
    slug = LONG_SLUG[: 50 - 7] + unique_name("")[1:]
    room_create(owner, title=LONG_TITLE, slug=slug)
    word = "Unbroken" * 12  # one 96-letter word
    word_slug = unique_name("word").replace("_", "-")
    room_create(owner, title=word, slug=word_slug)
    page = owner.page
    page.goto(f"{owner.base_url}/")

    long_card = card(page, slug)
    title = long_card.locator(".room-title")
    expect(title).to_have_attribute("title", LONG_TITLE)
    assert title.inner_text().startswith("A very long room title")
    address = long_card.locator(".room-slug")
    assert address.evaluate("e => getComputedStyle(e).textOverflow") == "ellipsis"
    assert address.evaluate(OVERFLOW) > 0, "the long address is shown whole"
    for each in (long_card, card(page, word_slug)):
        assert each.evaluate(OVERFLOW) <= 0, "something runs out of the card"
        text = each.locator(".room-text").bounding_box()
        box = each.bounding_box()
        assert text["x"] + text["width"] <= box["x"] + box["width"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # Cards that share a row share a height.
    boxes = page.locator("a.room-card").evaluate_all(
        "cards => cards.map(card => card.getBoundingClientRect().toJSON())"
    )
    rows: dict[int, list[float]] = {}
    for box in boxes:
        rows.setdefault(round(box["top"]), []).append(box["height"])
    assert any(len(heights) > 1 for heights in rows.values())
    for heights in rows.values():
        assert max(heights) - min(heights) < 1, heights


def test_the_room_header_shows_the_whole_title_and_shortens_the_address(people):
    owner = people("header").join()
    slug = LONG_SLUG[: 50 - 7] + unique_name("")[1:]
    room_create(owner, title=LONG_TITLE, slug=slug)
    page = owner.page
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")

    heading = page.locator(".room-heading h1")
    assert heading.evaluate(OVERFLOW) <= 0, "the title is cut off"
    assert heading.evaluate("e => e.scrollHeight - e.clientHeight") <= 0
    address = page.locator(".room-heading .room-address")
    assert address.evaluate("e => getComputedStyle(e).textOverflow") == "ellipsis"
    assert address.evaluate(OVERFLOW) > 0
    assert page.locator(".chat-header").evaluate(OVERFLOW) <= 0
    state = page.locator("#connection-state").bounding_box()
    header = page.locator(".chat-header").bounding_box()
    assert state["x"] + state["width"] <= header["x"] + header["width"]
