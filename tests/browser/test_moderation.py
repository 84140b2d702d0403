"""Moderation in the room page, in a real browser: a room's owner deletes a message through
its menu, mutes one person and bans another from their cards, and the others' pages follow
without a reload; a banned guest cannot come back as someone new; a deletion in the admin
leaves open pages too. The moderators' guide (docs/moderation.md) shows these screenshots."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import unique_name
from tests.servers import PROJECT_ROOT, LiveServer

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
# The guide's pictures are refreshed on request (UPDATE_SCREENSHOT=1), as the README's are,
# so that a test run leaves the tree clean.
PICTURES = ROOT / ("docs" if os.environ.get("UPDATE_SCREENSHOT") else "test-artifacts")
ADMIN_NAME = "site_admin"
ADMIN_PASSWORD = secrets.token_urlsafe(12)
PHONE = {"width": 360, "height": 740}

# Set before the moderator acts: still there afterwards means the page was not reloaded.
MARK_PAGE = "window.__sameDocument = true"
SAME_PAGE = "window.__sameDocument === true"


@pytest.fixture(scope="module")
def server():
    """A server of this module's own, with a superuser for the admin's part. Every test guest
    comes from 127.0.0.1: a ban holds only the account and the browser here, not the address,
    or it would hold all of them (and the test would not show that the browser is held)."""
    with LiveServer(env={"CHAT_BAN_ADDRESS_HOURS": "0"}) as server:
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


def screenshot(page: Page, name: str, *, guide: bool = True) -> None:
    folder = PICTURES if guide else ROOT / "test-artifacts"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / name), animations="disabled")


def room_create(owner, title: str) -> str:
    """The owner makes a room of their own (so moderates it); its slug."""
    slug = unique_name("modroom").replace("_", "-")
    page = owner.page
    page.goto(f"{owner.base_url}/")
    page.fill("#id_title", title)
    page.fill("#id_slug", slug)
    page.get_by_role("button", name="Create room").click()
    page.wait_for_url(f"**/chat/{slug}/")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")
    return slug


def message(page: Page, text: str):
    return page.locator("#messages .message[data-id]", has_text=text)


def message_id(page: Page, text: str) -> str:
    node = message(page, text)
    expect(node).to_have_count(1)
    return node.get_attribute("data-id")


def open_menu(page: Page, text: str):
    node = message(page, text)
    node.hover()
    node.locator(".message-menu-button").click()
    menu = page.locator("#message-menu")
    expect(menu).to_be_visible()
    return menu


def open_card(page: Page, name: str):
    page.locator("#online-list .online-user-button", has_text=name).click()
    card = page.locator("#person-card")
    expect(card).to_be_visible()
    expect(card.locator(".person-name")).to_have_text(name)
    return card


def test_a_room_owner_deletes_mutes_and_bans_and_every_page_follows(people):
    owner = people("owner").join(avatar="a5")
    slug = room_create(owner, "Moderated room")
    first = people("user1").join(avatar="a2", room=slug)
    second = people("user2").join(avatar="a7", room=slug)
    mod, one, two = owner.page, first.page, second.page

    expect(mod.locator("#open-moderation")).to_be_visible()
    for page in (one, two):
        expect(page.locator("#open-moderation")).to_be_hidden()
        page.evaluate(MARK_PAGE)

    first.send("You are all idiots")
    first.send("BUY CHEAP WATCHES NOW")
    second.send("Hello everyone, nice to be here")
    for page in (mod, one, two):
        expect(message(page, "Hello everyone")).to_have_count(1)

    # Anyone can report: a reason in a small dialog, not a browser prompt.
    menu = open_menu(two, "You are all idiots")
    expect(menu.get_by_role("menuitem", name="React")).to_be_focused()
    expect(menu.get_by_role("menuitem", name="Report")).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Delete")).to_be_hidden()
    menu.get_by_role("menuitem", name="Report").click()
    dialog = two.locator("#message-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".quote-body")).to_have_text("You are all idiots")
    dialog.get_by_label("Reason (optional)").fill("Insults")
    dialog.get_by_role("button", name="Report").click()
    expect(dialog).to_be_hidden()
    expect(two.locator("#notice")).to_contain_text("moderators")
    # Own messages: Edit and Delete of one's own, never Report.
    menu = open_menu(two, "Hello everyone")
    expect(menu.get_by_role("menuitem", name="Edit")).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Report")).to_be_hidden()
    two.keyboard.press("Escape")

    # The menu by keyboard: Escape closes it and gives focus back to its button.
    spam = message(mod, "BUY CHEAP WATCHES")
    spam_id = spam.get_attribute("data-id")
    menu = open_menu(mod, "BUY CHEAP WATCHES")
    expect(menu.get_by_role("menuitem", name="Delete")).to_be_visible()
    expect(menu.get_by_role("menuitem", name="React")).to_be_focused()
    mod.keyboard.press("ArrowUp")  # round to the last item
    expect(menu.get_by_role("menuitem", name="Delete")).to_be_focused()
    screenshot(mod, "moderation-menu.png")
    mod.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    menu_button = spam.locator(".message-menu-button")
    expect(menu_button).to_be_focused()
    mod.keyboard.press("Enter")
    expect(menu).to_be_visible()
    mod.keyboard.press("End")
    expect(menu.get_by_role("menuitem", name="Delete")).to_be_focused()
    mod.keyboard.press("Enter")
    dialog = mod.locator("#message-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Reason (optional)").fill("Spam")
    dialog.get_by_role("button", name="Delete").click()
    expect(dialog).to_be_hidden()

    # Gone from the others' pages, in place, without a reload; the moderator still reads it.
    for page in (one, two):
        removed = page.locator(f'#messages .message[data-id="{spam_id}"]')
        expect(removed).to_contain_class("removed")
        expect(removed.locator(".removed-mark")).to_be_visible()
        expect(removed.locator(".removed-mark")).to_have_text("Message removed")
        expect(removed.locator(".bubble")).to_be_hidden()
        expect(removed.locator(".message-menu-button")).to_be_hidden()
        assert "WATCHES" not in removed.inner_text()
        assert page.evaluate(SAME_PAGE)
    expect(spam).to_contain_class("removed-kept")
    expect(spam.locator(".body")).to_have_text("BUY CHEAP WATCHES NOW")

    # The panel: the open report, with what it takes to act on it.
    mod.locator("#open-moderation").click()
    panel = mod.locator("#moderation-panel")
    expect(panel).to_be_visible()
    report = panel.locator(".panel-report", has_text="You are all idiots")
    expect(report).to_be_visible()
    expect(report).to_contain_text(f"Reported by {second.name}")
    expect(report).to_contain_text("Insults")
    for label in ("Delete message", "Mute 1 h", "Ban 1 day", "Dismiss"):
        expect(report.get_by_role("button", name=label)).to_be_visible()
    expect(panel.locator(".panel-log")).to_contain_text("Spam")
    screenshot(mod, "moderation-panel.png")
    mod.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(mod.locator("#open-moderation")).to_be_focused()

    # Mute user 1 from their card: their composer closes and says why.
    card = open_card(mod, first.name)
    expect(card.locator(".person-moderation")).to_be_visible()
    expect(card.locator(".badge-guest")).to_be_visible()
    card.get_by_label("Reason (optional, shown to them)").fill("Cool down for a while")
    card.locator("#person-mute-duration").select_option("1h")
    screenshot(mod, "moderation-card.png")
    card.get_by_role("button", name="Mute", exact=True).click()
    expect(card.locator(".person-result")).to_have_text(re.compile(r"^Muted until .+\.$"))
    expect(card.locator(".person-sanction")).to_contain_text("Muted")

    expect(one.locator("#message-input")).to_be_disabled()
    expect(one.locator("#send")).to_be_disabled()
    lock = one.locator("#composer-lock")
    expect(lock).to_be_visible()
    expect(lock).to_contain_text("You are muted until")
    expect(lock).to_contain_text("Cool down for a while")
    expect(two.locator("#message-input")).to_be_enabled()
    mod.keyboard.press("Escape")
    expect(card).to_be_hidden()

    # Ban user 2 (a guest): their page shows the ban and stays disconnected.
    card = open_card(mod, second.name)
    card.get_by_label("Reason (optional, shown to them)").fill("Trolling")
    card.locator("#person-ban-duration").select_option("1d")
    card.get_by_role("button", name="Ban", exact=True).click()
    expect(card.locator(".person-result")).to_have_text(re.compile(r"^Banned until .+\.$"))
    mod.keyboard.press("Escape")

    banner = two.locator("#room-banner")
    expect(banner).to_be_visible()
    expect(banner.locator(".banner-title")).to_have_text("You are banned")
    expect(banner).to_contain_text("banned you from this room")
    expect(banner).to_contain_text("Trolling")
    expect(banner.get_by_role("button", name="Rejoin")).to_be_hidden()
    expect(two.locator("#message-input")).to_be_disabled()
    expect(two.locator("#connection-state")).to_have_attribute("data-state", "closed")
    expect(mod.locator("#online-list li[data-user-id]", has_text=second.name)).to_have_count(0)
    two.evaluate("document.activeElement?.blur()")  # no focus ring in the guide's picture
    screenshot(two, "moderation-banned.png")
    # No reconnect: the first retry would come within a second.
    two.wait_for_timeout(1500)
    expect(two.locator("#connection-state")).to_have_attribute("data-state", "closed")

    # A new guest from the same browser is refused: the ban holds the browser too.
    second.context.clear_cookies(name="sessionid")
    assert {c["name"] for c in second.context.cookies()} >= {"chat_browser", "csrftoken"}
    response = two.goto(f"{second.base_url}/join/?next=/chat/{slug}/")
    assert response.status == 200
    two.fill("#id_nickname", unique_name("newname"))
    two.locator("label.avatar-option:has(input[value=a4])").click()
    with two.expect_response(
        lambda r: r.url.endswith("/join/") and r.request.method == "POST"
    ) as sent:
        two.locator("form.stacked-form button[type=submit]").click()
    assert sent.value.status == 403
    expect(two.locator(".form-errors")).to_contain_text("banned you from this room")
    expect(two.locator(".form-errors")).to_contain_text("Trolling")
    assert "/join/" in two.url

    # User 1 stays muted after a reload too (told by the welcome), and is still in the room.
    one.reload()
    expect(one.locator("#connection-state")).to_have_attribute("data-state", "online")
    expect(one.locator("#message-input")).to_be_disabled()
    expect(one.locator("#composer-lock")).to_contain_text("Cool down for a while")
    expect(one.locator(f'#messages .message[data-id="{spam_id}"]')).to_have_count(0)


def test_a_kicked_person_may_rejoin_with_the_button(people):
    owner = people("owner").join()
    slug = room_create(owner, "Kick room")
    guest = people("kicked").join(room=slug)
    mod, page = owner.page, guest.page

    card = open_card(mod, guest.name)
    card.get_by_label("Reason (optional, shown to them)").fill("Take a break")
    card.get_by_role("button", name="Kick", exact=True).click()
    expect(card.locator(".person-result")).to_contain_text("They may come back")

    banner = page.locator("#room-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Take a break")
    expect(page.locator("#message-input")).to_be_disabled()
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "closed")
    banner.get_by_role("button", name="Rejoin").click()
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")
    expect(banner).to_be_hidden()
    expect(page.locator("#message-input")).to_be_enabled()
    guest.send("back again")
    expect(message(mod, "back again")).to_have_count(1)


def test_the_owner_names_a_moderator_who_then_has_the_tools(people):
    owner = people("owner").join()
    slug = room_create(owner, "Helpers room")
    helper = people("helper").join(room=slug)
    expect(helper.page.locator("#open-moderation")).to_be_hidden()

    card = open_card(owner.page, helper.name)
    card.get_by_role("button", name="Make moderator").click()
    expect(card.locator(".person-result")).to_contain_text("moderates this room")
    expect(card.get_by_role("button", name="No longer a moderator")).to_be_visible()

    helper.page.reload()
    expect(helper.page.locator("#open-moderation")).to_be_visible()


def test_rules_reach_the_composer_at_once(people):
    owner = people("owner").join()
    slug = room_create(owner, "Rules room")
    guest = people("reader").join(room=slug)
    mod, page = owner.page, guest.page

    mod.locator("#open-moderation").click()
    panel = mod.locator("#moderation-panel")
    panel.get_by_label("Slow mode").select_option("30")
    panel.get_by_role("button", name="Save").click()
    expect(panel.locator(".panel-result")).to_have_text("The room's rules are saved.")
    expect(page.locator("#composer-note")).to_have_text("Slow mode: one message every 30 s")
    expect(page.locator("#message-input")).to_be_enabled()

    panel.get_by_label("Read-only: only moderators can post").check()
    panel.get_by_role("button", name="Save").click()
    expect(page.locator("#message-input")).to_be_disabled()
    expect(page.locator("#composer-lock")).to_contain_text("read-only")
    expect(mod.locator("#message-input")).to_be_enabled()  # moderators are exempt

    panel.get_by_label("Read-only: only moderators can post").uncheck()
    panel.get_by_label("Slow mode").select_option("0")
    panel.get_by_role("button", name="Save").click()
    expect(page.locator("#message-input")).to_be_enabled()
    expect(page.locator("#composer-note")).to_be_hidden()


def test_held_messages_wait_for_a_moderator(people, server):
    word = f"zzq{secrets.token_hex(3)}"
    # Messages with this word are held for a moderator (the admin's Word filter).
    hold = f"WordFilter.objects.create(pattern={word!r}, action='hold')"
    server.shell(f"from chat.models import WordFilter; {hold}")
    owner = people("owner").join()
    slug = room_create(owner, "Filtered room")
    author = people("author").join(room=slug)
    reader = people("reader").join(room=slug)
    mod, mine, theirs = owner.page, author.page, reader.page

    author.send(f"first {word} message")
    author.send(f"second {word} message")
    author.send(f"third {word} message")
    author.send("a plain one")
    expect(message(theirs, "a plain one")).to_have_count(1)
    for text in ("first", "second", "third"):
        held = message(mine, f"{text} {word}")
        expect(held).to_contain_class("held")
        expect(held.locator(".held-mark")).to_be_visible()
        assert held.locator(".held-mark").inner_text().strip() == (
            "Held for review — only you and moderators can see it"
        )
        expect(message(theirs, f"{text} {word}")).to_have_count(0)
        expect(message(mod, f"{text} {word}")).to_have_count(0)  # not live, even to moderators

    second_id = message_id(mine, f"second {word}")

    mod.locator("#open-moderation").click()
    panel = mod.locator("#moderation-panel")
    items = panel.locator(".panel-held-message")
    expect(items).to_have_count(3)
    items.filter(has_text=f"first {word}").get_by_role("button", name="Approve").click()
    expect(panel.locator(".panel-result")).to_have_text("Approved: everyone can see it now.")
    expect(items).to_have_count(2)
    items.filter(has_text=f"second {word}").get_by_role("button", name="Drop").click()
    expect(panel.locator(".panel-result")).to_have_text("Dropped: nobody else will see it.")
    expect(items).to_have_count(1)
    mod.keyboard.press("Escape")

    approved = message(theirs, f"first {word}")
    expect(approved).to_have_count(1)
    expect(approved).not_to_contain_class("held")
    expect(message(mine, f"first {word}")).not_to_contain_class("held")
    dropped = mine.locator(f'#messages .message[data-id="{second_id}"]')
    expect(dropped).to_contain_class("removed")
    expect(dropped.locator(".removed-mark")).to_be_visible()

    # The moderator's history holds what others do not see: the dropped one struck, the
    # waiting one marked, with Approve and Drop in its menu.
    mod.reload()
    expect(mod.locator("#connection-state")).to_have_attribute("data-state", "online")
    dropped = message(mod, f"second {word}")
    expect(dropped).to_contain_class("removed-kept")
    expect(dropped.locator(".body")).to_have_text(f"second {word} message")
    waiting = message(mod, f"third {word}")
    expect(waiting).to_contain_class("held")
    expect(waiting.locator(".held-theirs")).to_be_visible()
    expect(waiting.locator(".held-mine")).to_be_hidden()
    menu = open_menu(mod, f"third {word}")
    expect(menu.get_by_role("menuitem", name="Report")).to_be_hidden()
    expect(menu.get_by_role("menuitem", name="Drop")).to_be_visible()
    menu.get_by_role("menuitem", name="Approve").click()
    expect(waiting).not_to_contain_class("held")
    expect(message(theirs, f"third {word}")).to_have_count(1)
    expect(message(mine, f"third {word}")).not_to_contain_class("held")
    expect(message(theirs, f"second {word}")).to_have_count(0)


def test_a_deletion_in_the_admin_leaves_an_open_page(people, base_url):
    reader = people("reader").join()
    text = f"remove me in the admin {secrets.token_hex(3)}"
    reader.send(text)
    shown = message(reader.page, text)
    expect(shown).not_to_contain_class("pending")
    reader.page.evaluate(MARK_PAGE)
    target = message_id(reader.page, text)

    staff = people("staff")
    admin = staff.page
    admin.goto(f"{base_url}/admin/login/?next=/admin/chat/message/")
    admin.fill("#id_username", ADMIN_NAME)
    admin.fill("#id_password", ADMIN_PASSWORD)
    admin.locator("input[type=submit]").click()
    admin.wait_for_url("**/admin/chat/message/")

    # The changelist's built-in "Delete selected messages" action, then its confirmation.
    admin.locator(f'input[name="_selected_action"][value="{target}"]').check()
    admin.locator("select[name=action]").select_option("delete_selected")
    admin.locator("button[name=index]").click()
    admin.locator('input[type=submit][value^="Yes"]').click()
    expect(admin.locator(".messagelist")).to_contain_text("Successfully deleted 1 message")

    removed = reader.page.locator(f'#messages .message[data-id="{target}"]')
    expect(removed).to_contain_class("removed")
    expect(removed.locator(".removed-mark")).to_be_visible()
    assert text not in removed.inner_text()
    assert reader.page.evaluate(SAME_PAGE)


def test_the_moderation_tools_fit_a_phone(people):
    owner = people("owner").join()
    owner.page.set_viewport_size(PHONE)
    owner.page.emulate_media(reduced_motion="reduce")  # measured where they end, not sliding
    slug = room_create(owner, "Phone room")
    guest = people("phoneuser").join(room=slug)
    guest.send("a message from a phone user")
    page = owner.page
    expect(message(page, "a message from a phone user")).to_have_count(1)

    def inside_the_screen(locator) -> None:
        box = locator.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, box

    button = page.locator("#open-moderation")
    expect(button).to_be_visible()
    inside_the_screen(button)
    inside_the_screen(page.locator("#connection-state"))

    menu = open_menu(page, "a message from a phone user")
    inside_the_screen(menu)
    screenshot(page, "moderation-phone-menu.png", guide=False)
    page.keyboard.press("Escape")

    page.locator("#toggle-online").click()
    card = open_card(page, guest.name)
    expect(card.locator(".person-moderation")).to_be_visible()
    inside_the_screen(card)
    screenshot(page, "moderation-phone-card.png", guide=False)
    for name in ("Kick", "Mute", "Ban", "Remove"):
        action = card.get_by_role("button", name=name, exact=True)
        action.scroll_into_view_if_needed()
        expect(action).to_be_visible()
        inside_the_screen(action)
    page.keyboard.press("Escape")

    button.click()
    panel = page.locator("#moderation-panel")
    expect(panel).to_be_visible()
    inside_the_screen(panel)
    expect(panel.get_by_role("button", name="Save")).to_be_attached()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    screenshot(page, "moderation-phone-panel.png", guide=False)
