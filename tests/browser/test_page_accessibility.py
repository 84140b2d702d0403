"""axe-core finds no serious or critical violation on the join page, the room list, the
profile page, the login page, and the admin (its index and the message list); the admin's
message list fits its body column into the table."""

import secrets
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import VIEWPORT, unique_name
from tests.servers import PROJECT_ROOT, LiveServer

pytestmark = pytest.mark.browser

ADMIN_NAME = "site_admin"
ADMIN_PASSWORD = secrets.token_urlsafe(12)
UNBROKEN = "W" * 300  # a body with no place to break


@pytest.fixture(scope="module")
def server():
    with LiveServer() as server:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "createsuperuser",
                "--noinput",
                "--username",
                ADMIN_NAME,
                "--email",
                "admin@example.com",
            ],
            cwd=PROJECT_ROOT,
            env={**server.env, "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD},
            check=True,
            capture_output=True,
            timeout=120,
        )
        yield server


@pytest.fixture(scope="module")
def base_url(server):
    return server.url


@pytest.fixture
def visitor(browser, base_url):
    context = browser.new_context(viewport=VIEWPORT)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", ["/join/", "/", "/accounts/login/", "/accounts/signup/"])
def test_pages_for_a_visitor(visitor, base_url, path):
    visitor.goto(f"{base_url}{path}")
    assert_accessible(visitor)


def test_the_join_page_with_an_error(visitor, base_url):
    visitor.goto(f"{base_url}/join/")
    visitor.fill("#id_nickname", "no spaces <please>")
    visitor.locator("form.stacked-form button[type=submit]").click()
    expect(visitor.locator("#id_nickname_error")).to_be_visible()
    assert_accessible(visitor)


def test_pages_for_a_guest(people):
    guest = people("axe").join()
    page = guest.page
    for path in ("/", "/accounts/profile/", "/accounts/upgrade/"):
        page.goto(f"{guest.base_url}{path}")
        assert_accessible(page)


def test_pages_for_an_account(visitor, base_url):
    visitor.goto(f"{base_url}/accounts/signup/")
    visitor.fill("#id_username", unique_name("axe"))
    visitor.fill("#id_password1", "a long pass phrase")
    visitor.fill("#id_password2", "a long pass phrase")
    visitor.locator("form.stacked-form button[type=submit]").click()
    visitor.wait_for_url(f"{base_url}/")
    for path in ("/accounts/profile/", "/accounts/password/change/"):
        visitor.goto(f"{base_url}{path}")
        assert_accessible(visitor)
    expect(visitor.locator("#id_email")).to_have_count(0)  # the password page has none
    visitor.goto(f"{base_url}/accounts/profile/")
    expect(visitor.locator("#id_email")).to_be_visible()


def test_the_password_reset_pages(visitor, base_url):
    visitor.goto(f"{base_url}/accounts/password/reset/")
    assert_accessible(visitor)
    visitor.fill("#id_email", "nobody@example.com")
    visitor.locator("form.stacked-form button[type=submit]").click()
    visitor.wait_for_url("**/accounts/password/reset/done/")
    assert_accessible(visitor)


def admin_login(page, base_url):
    page.goto(f"{base_url}/admin/login/")
    assert_accessible(page)
    page.fill("#id_username", ADMIN_NAME.upper())  # any case
    page.fill("#id_password", ADMIN_PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{base_url}/admin/")


def test_the_admin_index_and_message_list(people, visitor, base_url):
    writer = people("writer").join()
    writer.send(UNBROKEN)
    writer.send("a short one")
    expect(writer.page.locator("#messages .message.mine:not(.pending)")).to_have_count(2)
    page = visitor

    admin_login(page, base_url)
    expect(page.locator("#site-name")).to_have_text("Chat room administration")
    assert_accessible(page)
    page.goto(f"{base_url}/admin/chat/message/")
    assert_accessible(page)
    bodies = page.locator("#result_list td.field-excerpt")
    expect(bodies.first).to_have_text("a short one")  # newest first

    results = page.locator("#changelist .results")
    assert results.evaluate("e => e.scrollWidth - e.clientWidth") <= 0, "the table scrolls"
    for index in range(bodies.count()):
        assert bodies.nth(index).evaluate("e => e.scrollWidth - e.clientWidth") <= 0
