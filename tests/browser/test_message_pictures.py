"""The guide's pictures of a conversation: links and formatting, a reply, reactions, a
mention of the reader, an edited message, day separators (docs/messages-*.png). Written to
docs/ on request (UPDATE_SCREENSHOT=1), else to test-artifacts/; what they must show is
checked either way."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Person
from tests.browser.visitor import Visitor
from tests.servers import LiveServer

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PICTURES = ROOT / ("docs" if os.environ.get("UPDATE_SCREENSHOT") else "test-artifacts")
PHONE = {"width": 390, "height": 780}

CONVERSATION = """
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from chat.messaging.edits import message_edit_apply
from chat.messaging.reactions import reaction_add_apply
from chat.models import Message, Room
from chat.services import message_accept

users = get_user_model().objects
room = Room.objects.get(slug={slug!r})
alice, bob = users.get(username={alice!r}), users.get(username={bob!r})

def say(author, body, reply_to=None):
    return message_accept(room=room, author=author, body=body, client_msg_id=None,
                          moderator=False, reply_to_id=reply_to)[0]

notes = say(bob, "Morning! The **release notes** are at https://example.com/notes")
thanks = say(alice, "Thanks, I'll read them with a `coffee` first")
Message.objects.filter(pk__in=[notes.pk, thanks.pk]).update(
    created=timezone.now() - timedelta(days=1))
ask = say(bob, "@{alice} can you try the *search* box? 你好，世界！")
answer = say(alice, "On it:\\n> it finds 世界 too", reply_to=ask.pk)
for user, message, emoji in [(bob, answer, "🎉"), (alice, answer, "🎉"), (alice, ask, "👍")]:
    reaction_add_apply(user=user, room=room, message_id=message.pk, emoji=emoji)
typo = say(bob, "Search is fats")
message_edit_apply(actor=bob, room=room, message_id=typo.pk, body="Search is fast")
"""


@pytest.fixture(scope="module")
def server():
    # Guests may post links at once: the conversation is set up a minute after joining.
    with LiveServer(env={"CHAT_GUEST_LINK_MINUTES": "0"}) as server:
        yield server


@pytest.fixture(scope="module")
def base_url(server):
    return server.url


def test_a_conversation_shows_what_people_do_with_messages(browser, base_url, server):
    alice = Person(browser, base_url, f"alice{os.getpid()}")
    alice.join()
    slug = alice.create_room("Release")
    bob = Visitor(
        browser,
        base_url,
        "bob",
        name=f"bob{os.getpid()}",
        viewport=PHONE,
        locale="zh-CN",
        color_scheme="dark",
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
        has_touch=True,
        is_mobile=True,
    )
    bob.join(room=slug)
    server.shell(CONVERSATION.format(slug=slug, alice=alice.name, bob=bob.name))
    try:
        for person in (alice, bob):
            page = person.page
            page.reload()
            expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")
            messages = page.locator("#messages")
            expect(messages.locator(".day-separator")).to_have_count(2)
            expect(messages.locator("a[href='https://example.com/notes']")).to_be_visible()
            expect(messages.locator("strong", has_text="release notes")).to_be_visible()
            expect(messages.locator(".reply-quote")).to_contain_text("can you try")
            expect(messages.locator(".reaction-chip", has_text="2")).to_be_visible()
            expect(messages.locator("blockquote", has_text="世界")).to_be_visible()
            expect(messages.locator(".message", has_text="Search is fast")).to_contain_text(
                "edited" if person is alice else "已编辑"
            )
        expect(alice.page.locator(".mention-me")).to_have_text(f"@{alice.name}")
        expect(bob.page.locator(".mention-me")).to_have_count(0)

        PICTURES.mkdir(exist_ok=True)
        alice.page.screenshot(path=str(PICTURES / "messages-desktop-en.png"), animations="disabled")
        bob.page.screenshot(path=str(PICTURES / "messages-phone-zh.png"), animations="disabled")
    finally:
        alice.close()
        bob.close()
