"""A first visit as a visitor makes it, in Chromium: the join form's words in Chinese, a
friendly suggested name, log-in in any letter case, a missing room said so before any join,
and the profile page changing one's name and avatar."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import unique_name
from tests.browser.visitor import Visitor

pytestmark = pytest.mark.browser


def test_the_join_form_in_chinese_says_what_is_wrong_without_english_letters(browser, base_url):
    visitor = Visitor(
        browser, base_url, "zh", locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN"}
    )
    page = visitor.page
    try:
        page.goto(f"{base_url}/join/")
        suggested = page.locator("#id_nickname").input_value()
        assert "的" in suggested and not re.fullmatch(r"user[0-9A-F]{8}", suggested)
        page.fill("#id_nickname", "王 小明")
        page.locator("form.stacked-form button[type=submit]").click()
        errors = page.locator(".errorlist").all_inner_texts()
        assert errors and not any("英文字母" in text or "用户名" in text for text in errors)
        page.fill("#id_nickname", f"王小明{unique_name('x')[-6:]}")
        page.locator("form.stacked-form button[type=submit]").click()
        page.wait_for_url("**/chat/lobby/")
    finally:
        visitor.close()


def test_a_suggested_english_name_reads_like_a_name(browser, base_url):
    visitor = Visitor(browser, base_url, "en", locale="en-US")
    try:
        visitor.page.goto(f"{base_url}/join/")
        suggested = visitor.page.locator("#id_nickname").input_value()
        assert re.fullmatch(r"[A-Z][a-z]+[A-Z][a-z]+[0-9]*", suggested), suggested
    finally:
        visitor.close()


def test_an_account_logs_in_with_its_name_in_another_case(people, base_url):
    person = people("Carol_Desk")
    page = person.page
    page.goto(f"{base_url}/accounts/signup/")
    expect(page.locator("form.stacked-form")).to_contain_text("Up to 32 characters")
    page.fill("#id_username", person.name)
    page.fill("#id_password1", "a long and good passphrase 42")
    page.fill("#id_password2", "a long and good passphrase 42")
    page.locator("form.stacked-form button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")
    page.get_by_role("button", name="Log out").click()

    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", person.name.upper())
    page.fill("#id_password", "a long and good passphrase 42")
    page.locator("form.stacked-form button[type=submit]").click()

    expect(page.locator("header a.me")).to_contain_text(person.name)


def test_a_logged_out_visitor_learns_a_room_does_not_exist_before_joining(people, base_url):
    page = people("lost").page

    response = page.goto(f"{base_url}/chat/no-such-room-{unique_name('r')[-6:]}/")

    # The live server runs with DEBUG, so the page is Django's own 404 (tests/test_missing_room.py
    # checks the site's); what matters here is the answer before any join form.
    assert response.status == 404
    assert "/join/" not in page.url


def test_the_profile_page_changes_the_name_and_the_avatar(people, base_url):
    person = people("renamer").join(avatar="a3")
    page = person.page
    page.locator("header a.me").click()
    new_name = unique_name("renamed")
    page.fill("#id_nickname", new_name)
    page.locator("label.avatar-option:has(input[value=a9])").click()
    page.get_by_role("button", name="Save profile").click()

    expect(page.locator("header a.me")).to_contain_text(new_name)
    page.goto(f"{base_url}/chat/lobby/")
    expect(page.locator("#online-list")).to_contain_text(new_name)
    expect(
        page.locator("#online-list .online-user", has_text=new_name).locator("img")
    ).to_have_attribute("src", re.compile(r"a9\.svg$"))
