"""The guest form's proof of work in a real browser: the vendored widget solves our own
challenge under the site's Content-Security-Policy, and only then does the form let a guest in."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORT, unique_name
from tests.browser.test_content_security_policy import COLLECT_VIOLATIONS, violations
from tests.servers import live_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def guarded_site():
    with live_server(
        env={"CHAT_GUEST_PROOF_OF_WORK": "true", "CHAT_PROOF_OF_WORK_COST": "200"}
    ) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(COLLECT_VIOLATIONS)
    yield context.new_page()
    context.close()


def test_a_guest_ticks_the_box_the_browser_does_the_work_and_the_guest_is_in(page, guarded_site):
    page.goto(f"{guarded_site}/join/?next=/chat/lobby/")
    page.fill("#id_nickname", unique_name("worker"))
    page.locator("form.stacked-form button[type=submit]").click()
    expect(page.locator(".proof-of-work .errorlist")).to_contain_text("not a robot")

    page.locator("altcha-widget").get_by_text("not a robot").click()
    expect(page.locator("altcha-widget input[name=altcha]")).not_to_have_value("", timeout=20_000)
    page.locator("form.stacked-form button[type=submit]").click()

    page.wait_for_url("**/chat/lobby/")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")
    assert violations(page) == []


def test_the_widget_speaks_chinese_on_the_chinese_page(page, guarded_site):
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": guarded_site}])
    page.goto(f"{guarded_site}/join/")
    expect(page.locator("altcha-widget")).to_contain_text("我不是机器人")
    assert violations(page) == []
