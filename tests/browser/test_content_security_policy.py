"""Our pages run under a Content-Security-Policy with no inline script or style: nothing they
need is blocked, and a script injected into a message could not run."""

import pytest
from playwright.sync_api import expect

from tests.browser.content_policy import COLLECT_VIOLATIONS, violations

pytestmark = pytest.mark.browser


def test_the_pages_need_nothing_the_policy_blocks(people, base_url):
    alice = people("csp")
    alice.context.add_init_script(COLLECT_VIOLATIONS)
    page = alice.page

    response = page.goto(f"{base_url}/join/?next=/chat/lobby/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert violations(page) == []

    alice.join()
    alice.send("<img src=x onerror=alert(1)> hello")
    expect(page.locator("#messages .message", has_text="hello")).to_contain_text("onerror")
    assert violations(page) == []

    for path in ("/", "/accounts/login/", "/admin/login/"):
        page.goto(f"{base_url}{path}")
        page.wait_for_load_state("load")
        assert violations(page) == [], path
