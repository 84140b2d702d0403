"""Private rooms and direct conversations in a real browser (docs/protocol.md, "Private rooms
and direct messages"): two people open a conversation from a person's card and talk, and
nobody else gets in; a room's owner makes the room private in its settings (an open page of
someone else closes), lets people in by link and by name and out again, revokes a link;
blocking from the card stops direct messages; axe-core finds nothing serious in the settings
or on the invitation page; the room list marks a private room. Pictures for the docs are
written on request (UPDATE_SCREENSHOT=1), as tests/browser/test_moderation.py's are."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import (
    SETTLED,
    assert_accessible_in_both_schemes,
)
from tests.browser.conftest import VIEWPORT, unique_name
from tests.browser.visitor import Visitor
from tests.servers import LiveServer

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PICTURES = ROOT / ("docs" if os.environ.get("UPDATE_SCREENSHOT") else "test-artifacts")
NO_LONGER_MEMBER = "You are no longer a member of this room."
# Long enough for the page's first quick reconnect, had it tried one.
RECONNECT_WAIT_MS = 2500


@pytest.fixture(scope="module")
def server():
    """A server of this module's own: its lobby holds only these tests' people."""
    with LiveServer() as server:
        yield server


@pytest.fixture(scope="module")
def base_url(server):
    return server.url


def screenshot(page: Page, name: str) -> None:
    PICTURES.mkdir(exist_ok=True)
    page.screenshot(path=str(PICTURES / name), animations="disabled")


def online(page: Page) -> None:
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")


def room_create(owner, title: str) -> str:
    slug = unique_name("secret").replace("_", "-")
    page = owner.page
    page.goto(f"{owner.base_url}/")
    page.fill("#id_title", title)
    page.fill("#id_slug", slug)
    page.get_by_role("button", name="Create room").click()
    page.wait_for_url(f"**/chat/{slug}/")
    online(page)
    return slug


def message(page: Page, text: str):
    return page.locator("#messages .message[data-id]", has_text=text)


def open_card_from_online_list(page: Page, name: str):
    page.locator("#online-list .online-user-button", has_text=name).click()
    card = page.locator("#person-card")
    expect(card).to_be_visible()
    expect(card.locator(".person-name")).to_have_text(name)
    expect(card).to_have_attribute("aria-busy", "false")
    return card


def open_settings(page: Page):
    page.locator("#open-room-settings").click()
    dialog = page.locator("#room-settings")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".settings-body")).to_have_attribute("aria-busy", "false")
    return dialog


def settings_result(dialog):
    return dialog.locator(".settings-result")


def assert_let_out(page: Page) -> None:
    """The page says why it closed, links back to the room list, and stays closed."""
    banner = page.locator("#room-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(NO_LONGER_MEMBER)
    expect(banner.get_by_role("link", name="All rooms")).to_be_visible()
    expect(banner.get_by_role("button", name="Rejoin")).to_be_hidden()
    expect(page.locator("#notice")).to_be_hidden()  # not "room not found"
    expect(page.locator("#message-input")).to_be_disabled()
    page.wait_for_timeout(RECONNECT_WAIT_MS)
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "closed")
    expect(page.locator("#offline-banner")).to_be_hidden()


def dm_open_from_card(page: Page, card) -> str:
    card.get_by_role("button", name="Message privately").click()
    page.wait_for_url(re.compile(r".*/chat/dm-[0-9a-f]+/$"))
    online(page)
    return page.url


def test_two_people_talk_in_private_and_nobody_else_gets_in(people, browser, base_url):
    alice = people("alice").join(avatar="a2")
    bob = people("bob").join(avatar="a7")
    alice.send("Anyone here likes chess?")
    expect(message(bob.page, "likes chess")).to_have_count(1)

    # Alice: from the online list's card. Her own card offers nothing of the kind.
    card = open_card_from_online_list(alice.page, alice.name)
    expect(card.locator(".person-direct")).to_be_hidden()
    alice.page.keyboard.press("Escape")
    card = open_card_from_online_list(alice.page, bob.name)
    expect(card.get_by_role("button", name="Block")).to_be_visible()
    url = dm_open_from_card(alice.page, card)

    # Bob: from the author of Alice's message in the lobby; the same conversation.
    author = message(bob.page, "likes chess").get_by_role("button", name=alice.name)
    author.click()
    card = bob.page.locator("#person-card")
    expect(card.locator(".person-name")).to_have_text(alice.name)
    expect(card.locator(".person-since")).to_be_hidden()  # opened from a message, not the list
    assert dm_open_from_card(bob.page, card) == url

    for me, other in ((alice, bob), (bob, alice)):
        page = me.page
        title = page.locator("#room-title")
        expect(title).to_have_text(f"Conversation with {other.name}")
        expect(title.locator(".room-partner-name")).to_have_text(other.name)
        expect(page.locator("#room-partner-avatar")).to_be_visible()
        expect(page).to_have_title(re.compile(f"^Conversation with {re.escape(other.name)}"))
        # No room-only controls in a conversation.
        expect(page.locator("#open-room-settings")).to_be_hidden()
        expect(page.locator("#open-moderation")).to_be_hidden()
        expect(page.locator("#room-private-mark")).to_be_hidden()

    alice.send("Fancy a game tonight?")
    expect(message(bob.page, "Fancy a game tonight?")).to_have_count(1)
    bob.send("Sure, at eight!")
    expect(message(alice.page, "Sure, at eight!")).to_have_count(1)
    # Inside the conversation, the partner's card does not offer the conversation again.
    card = open_card_from_online_list(bob.page, alice.name)
    expect(card.get_by_role("button", name="Message privately")).to_be_hidden()
    expect(card.get_by_role("button", name="Block")).to_be_visible()
    bob.page.keyboard.press("Escape")

    # Someone else, signed in: the same 404 as for no room at all; and so before signing in.
    carol = people("carol").join()
    response = carol.page.goto(url)
    assert response.status == 404
    visitor = people("visitor")
    response = visitor.page.goto(url)
    assert response.status == 404
    assert "/join/" not in visitor.page.url and "/login/" not in visitor.page.url


def test_an_owner_makes_the_room_private_and_lets_people_in_and_out(people, browser, base_url):
    owner = people("owner").join(avatar="a5")
    owner.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    slug = room_create(owner, "Secret plans")
    outsider = people("outsider").join(room=slug)
    guest = people("guest").join()
    carol = people("carol").join()
    owner.send("The plans are in the drawer.")
    expect(message(outsider.page, "in the drawer")).to_have_count(1)
    mod = owner.page
    # Only those who manage the room see the button.
    expect(outsider.page.locator("#open-room-settings")).to_be_hidden()
    expect(mod.locator("#room-private-mark")).to_be_hidden()

    dialog = open_settings(mod)
    switch = dialog.get_by_role("switch", name="Private room")
    expect(switch).not_to_be_checked()
    expect(dialog.locator(".settings-members-section")).to_be_hidden()
    switch.click()
    expect(settings_result(dialog)).to_contain_text("The room is private now")
    expect(switch).to_be_checked()
    expect(switch).to_be_focused()
    expect(mod.locator("#room-private-mark")).to_be_visible()
    expect(mod.locator("#room-private-mark")).to_have_text("Private")
    members = dialog.locator(".settings-members")
    expect(members.locator(".settings-member")).to_have_count(1)  # the owner
    expect(members).to_contain_text(owner.name)

    # The non-member's open page closes, and says why.
    assert_let_out(outsider.page)
    online(mod)

    # An invitation link: made, copied, opened by a guest, who joins and reads the room.
    dialog.get_by_role("button", name="Create link").click()
    expect(settings_result(dialog)).to_contain_text("A new invitation link is ready")
    field = dialog.get_by_role("textbox", name="Invitation link")
    expect(field).to_be_focused()
    link = field.input_value()
    assert re.fullmatch(rf"{re.escape(base_url)}/invite/[\w-]+/", link), link
    dialog.get_by_role("button", name="Copy").click()
    expect(settings_result(dialog)).to_have_text("The link is copied.")
    assert mod.evaluate("navigator.clipboard.readText()") == link
    expect(dialog.locator(".settings-invite")).to_have_count(1)
    expect(dialog.locator(".settings-invite-facts")).to_contain_text("not used yet")
    assert_accessible_in_both_schemes(mod)

    page = guest.page
    response = page.goto(link)
    assert response.status == 200
    expect(page.get_by_role("heading", name="You are invited to “Secret plans”")).to_be_visible()
    assert_accessible_in_both_schemes(page)
    page.get_by_role("button", name="Join the room").click()
    page.wait_for_url(f"**/chat/{slug}/")
    online(page)
    expect(message(page, "in the drawer")).to_have_count(1)
    expect(page.locator("#room-private-mark")).to_be_visible()

    # Another link, revoked: it answers the expired page.
    dialog.get_by_label("Valid for").select_option("1h")
    dialog.get_by_role("button", name="Create link").click()
    expect(dialog.locator(".settings-invite")).to_have_count(2)
    expect(dialog.locator(".settings-body")).to_have_attribute("aria-busy", "false")
    # The picture: the whole dialog from its top, tall enough for both links.
    mod.set_viewport_size({"width": 1280, "height": 1040})
    for field in dialog.locator(".settings-link-url").all():
        field.evaluate("node => node.setSelectionRange(0, 0)")
    mod.evaluate("document.activeElement.blur()")
    dialog.locator(".settings-body").evaluate("node => { node.scrollTop = 0; }")
    mod.evaluate(SETTLED)
    screenshot(mod, "private-room-settings-en.png")
    dialog.locator(".settings-invite .settings-link-url").first.focus()
    mod.set_viewport_size(VIEWPORT)
    revoked = mod.evaluate("document.activeElement.value")  # the newest link's field
    assert revoked.startswith(f"{base_url}/invite/") and revoked != link
    newest = dialog.locator(".settings-invite:has(.settings-link-url:focus)")
    newest.get_by_role("button", name=re.compile("^Revoke the link valid until")).click()
    expect(settings_result(dialog)).to_contain_text("The link is revoked")
    expect(dialog.locator(".settings-invite")).to_have_count(1)
    expect(dialog.locator(".settings-invite-facts")).to_contain_text("used once")
    response = carol.page.goto(revoked)
    assert response.status == 410
    expect(carol.page.locator(".invite-card")).to_contain_text("expired or was revoked")
    assert_accessible_in_both_schemes(carol.page)

    # By name: nobody of that name; then Carol, who reads the room until she is let out.
    name_field = dialog.get_by_label("Add by name")
    name_field.fill(unique_name("nobody"))
    dialog.get_by_role("button", name="Add", exact=True).click()
    expect(settings_result(dialog)).to_contain_text("Nobody is called")
    expect(settings_result(dialog)).to_contain_class("is-error")
    name_field.fill(carol.name)
    name_field.press("Enter")
    expect(settings_result(dialog)).to_contain_text(f"{carol.name} is a member now")
    expect(members.locator(".settings-member")).to_have_count(3)  # owner, guest, carol
    carol.page.goto(f"{base_url}/chat/{slug}/")
    online(carol.page)
    expect(message(carol.page, "in the drawer")).to_have_count(1)
    members.get_by_role("button", name=f"Remove {carol.name}").click()
    expect(settings_result(dialog)).to_contain_text(f"{carol.name} is no longer a member")
    expect(members.locator(".settings-member")).to_have_count(2)
    assert_let_out(carol.page)
    # The owner is never offered their own removal.
    expect(members.get_by_role("button", name=f"Remove {owner.name}")).to_have_count(0)

    mod.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(mod.locator("#open-room-settings")).to_be_focused()

    # The room list: a lock and "Private" on the room for its members; nothing for others.
    mod.goto(f"{base_url}/")
    card = mod.locator(f'a.room-card[href="/chat/{slug}/"]')
    expect(card.locator(".room-private")).to_have_text("Private")
    expect(card.locator(".room-icon-private svg")).to_be_visible()
    expect(mod.locator('a.room-card[href="/chat/lobby/"] .room-private')).to_have_count(0)
    assert_accessible_in_both_schemes(mod)
    carol.page.goto(f"{base_url}/")
    expect(carol.page.locator(f'a.room-card[href="/chat/{slug}/"]')).to_have_count(0)


def test_blocking_from_the_card_stops_direct_messages(people):
    alice = people("alice").join(avatar="a3")
    bob = people("bob").join(avatar="a8")
    card = open_card_from_online_list(alice.page, bob.name)
    url = dm_open_from_card(alice.page, card)
    bob.page.goto(url)
    online(bob.page)
    bob.send("Hi Alice!")
    expect(message(alice.page, "Hi Alice!")).to_have_count(1)

    # Block asks first; Escape takes the question back, not the card.
    page = alice.page
    card = open_card_from_online_list(page, bob.name)
    block = card.get_by_role("button", name="Block", exact=True)
    block.click()
    confirm = card.locator(".person-block-confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text(f"Block {bob.name}?")
    page.keyboard.press("Escape")
    expect(confirm).to_be_hidden()
    expect(card).to_be_visible()
    expect(block).to_be_focused()
    block.click()
    confirm.get_by_role("button", name="Block").click()
    expect(card.locator(".person-direct-result")).to_contain_text(f"You blocked {bob.name}")
    expect(card.get_by_role("button", name="Unblock")).to_be_visible()
    page.keyboard.press("Escape")
    note = page.locator("#direct-note")
    expect(note).to_contain_text(f"You blocked {bob.name}")

    # Bob's message is refused, and says why; Alice never gets it.
    bob.send("Are you still there?")
    failed = bob.page.locator("#messages .message.mine.failed", has_text="Are you still there?")
    expect(failed.locator(".status-detail")).to_have_text(
        "You cannot send direct messages to this person."
    )
    expect(bob.page.locator("#direct-note")).to_contain_text(
        "You cannot send messages in this conversation: one of you has blocked the other."
    )
    expect(bob.page.locator("#direct-unblock")).to_be_hidden()
    expect(message(page, "Are you still there?")).to_have_count(0)

    # Unblocked from the note: Bob's retry goes through.
    note.get_by_role("button", name="Unblock").click()
    expect(note).to_contain_text(f"You unblocked {bob.name}")
    failed.get_by_role("button", name="Retry").click()
    expect(message(page, "Are you still there?")).to_have_count(1)


def test_the_settings_stay_out_of_reach_of_other_people(people):
    owner = people("owner").join()
    slug = room_create(owner, "Open room")
    other = people("other").join(room=slug)
    expect(owner.page.locator("#open-room-settings")).to_be_visible()
    expect(other.page.locator("#open-room-settings")).to_be_hidden()
    # The lobby has no owner: nobody there manages it.
    other.page.goto(f"{other.base_url}/chat/lobby/")
    online(other.page)
    expect(other.page.locator("#open-room-settings")).to_be_hidden()


def test_picture_of_a_direct_conversation_in_chinese(browser, base_url):
    cookie = {"name": "django_language", "value": "zh-hans", "url": base_url}
    # Plain names: this module's server is its own, and no other test here uses them.
    me = Visitor(browser, base_url, "me", name="小林")
    other = Visitor(browser, base_url, "other", name="阿杰")
    try:
        me.join(avatar="a4")
        other.join(avatar="a9")
        for person in (me, other):
            person.context.add_cookies([cookie])
        card = open_card_from_online_list(me.page, other.name)
        dm_open_from_card(me.page, card)
        other.page.goto(me.page.url)
        online(other.page)
        other.send("周末有空吗？一起去看展览吧。")
        me.send("好啊！周六下午怎么样？")
        other.send("没问题，两点在美术馆门口见 🎨")
        expect(me.page.locator("#messages .message[data-id]")).to_have_count(3)
        expect(me.page.locator("#messages .message.pending")).to_have_count(0)
        expect(me.page.locator("#room-title .room-partner-name")).to_have_text(other.name)
        me.page.evaluate("document.activeElement?.blur()")
        screenshot(me.page, "direct-message-zh.png")
    finally:
        me.close()
        other.close()


def test_on_a_phone_the_settings_open_from_the_moderators_panel(people):
    owner = people("owner").join()
    slug = room_create(owner, "Phone room")
    page = owner.page
    page.set_viewport_size({"width": 360, "height": 740})
    # No room for one more button in a phone's header: the panel leads to the settings.
    expect(page.locator("#open-room-settings")).to_be_hidden()
    page.locator("#open-moderation").click()
    panel = page.locator("#moderation-panel")
    panel.get_by_role("button", name="Room settings").click()
    expect(panel).to_be_hidden()
    dialog = page.locator("#room-settings")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".settings-body")).to_have_attribute("aria-busy", "false")
    dialog.get_by_role("switch", name="Private room").click()
    expect(page.locator("#room-private-mark")).to_be_visible()
    dialog.get_by_role("button", name="Create link").click()
    expect(dialog.get_by_role("textbox", name="Invitation link")).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    body = dialog.locator(".settings-body")
    assert body.evaluate("node => node.scrollWidth <= node.clientWidth"), "the settings overflow"
    for name in ("Copy", "Add", "Create link"):
        target = dialog.get_by_role("button", name=name, exact=True)
        target.scroll_into_view_if_needed()
        box = target.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, name
    assert_accessible_in_both_schemes(page)
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path=str(ROOT / "test-artifacts" / "private-room-settings-phone.png"))
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("#open-moderation")).to_be_focused()
    # A private room's lock stays in the header, the word for screen readers only.
    page.goto(f"{owner.base_url}/chat/{slug}/")
    online(page)
    mark = page.locator("#room-private-mark")
    expect(mark).to_be_visible()
    expect(mark).to_have_text("Private")
    assert mark.bounding_box()["width"] < 30
