"""The site header on narrow phones: no sideways scrolling, every header control in reach."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.accessibility import assert_accessible

pytestmark = pytest.mark.browser

# The narrowest phones in use are 320 CSS px wide; 360 is the most common Android width.
PHONE_WIDTHS = [320, 360]
PHONE_HEIGHT = 640

# A control whose middle is covered, or clipped away, by something else cannot be tapped.
CENTRE_IS_TAPPABLE = """element => {
    const box = element.getBoundingClientRect();
    const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return element.contains(hit);
}"""


def account_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Account")


def on_a_phone(person, width: int):
    person.page.set_viewport_size({"width": width, "height": PHONE_HEIGHT})
    return person


def assert_header_fits(page: Page, width: int) -> None:
    nav = account_nav(page)
    expect(nav).to_be_visible()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= page.evaluate("window.innerWidth"), (
        f"the page scrolls sideways: {scroll_width} px of content in a {width} px viewport"
    )
    # A nav that scrolls inside itself hides links just as well as a page that does.
    overflow = nav.evaluate("nav => nav.scrollWidth - nav.clientWidth")
    assert overflow <= 0, f"{overflow} px of the header's links are cut off"

    controls = nav.locator("a:visible, button:visible")
    expect(controls.first).to_be_visible()
    for index in range(controls.count()):
        control = controls.nth(index)
        label = control.inner_text()
        box = control.bounding_box()
        assert box is not None, label
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (
            f"{label!r} runs off the screen: x={box['x']}, width={box['width']}"
        )
        assert control.evaluate(CENTRE_IS_TAPPABLE), f"{label!r} is covered"


@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_room_page_header_fits_a_phone(people, width):
    page = on_a_phone(people("phone"), width).join().page
    nav = account_nav(page)

    assert_header_fits(page, width)
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    expect(nav.get_by_role("link", name="Set a password")).to_be_visible()
    expect(nav.locator(".lang-form button[aria-pressed=false]")).to_be_visible()


def test_every_control_of_the_room_page_keeps_its_name_on_a_phone(people):
    """Labels hidden to save room stay the controls' names: the send button, the site's
    name on its home link, the header's buttons (axe's button-name and link-name rules)."""
    page = on_a_phone(people("phone"), 320).join().page
    page.fill("#message-input", "hello")
    expect(page.get_by_role("button", name="Send")).to_be_visible()
    expect(page.locator("a.brand")).to_have_accessible_name(re.compile(r"\S"))
    assert_accessible(page)


@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_room_list_header_fits_a_phone(people, width):
    guest = on_a_phone(people("phone"), width).join()
    page = guest.page
    page.goto(f"{guest.base_url}/")
    expect(page.get_by_role("heading", name="Rooms")).to_be_visible()
    nav = account_nav(page)

    assert_header_fits(page, width)
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    expect(nav.locator(".lang-form button[aria-pressed=false]")).to_be_visible()


@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_signed_out_header_fits_a_phone(people, width):
    visitor = on_a_phone(people("visitor"), width)
    page = visitor.page
    page.goto(f"{visitor.base_url}/")
    expect(page.get_by_role("heading", name="Rooms")).to_be_visible()
    nav = account_nav(page)

    assert_header_fits(page, width)
    for name in ("Join as guest", "Log in", "Sign up"):
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    expect(nav.locator(".lang-form button[aria-pressed=false]")).to_be_visible()


def test_desktop_header_stays_on_one_row(people):
    page = people("desktop").join().page
    brand = page.locator(".site-header .brand").bounding_box()
    assert brand is not None
    brand_middle = brand["y"] + brand["height"] / 2

    # On a wide screen the brand and every header control share one row.
    controls = account_nav(page).locator("a:visible, button:visible")
    expect(controls.first).to_be_visible()
    for index in range(controls.count()):
        box = controls.nth(index).bounding_box()
        assert box is not None
        assert box["y"] <= brand_middle <= box["y"] + box["height"], controls.nth(index)
