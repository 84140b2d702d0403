"""A legacy page and the new room page in one room: they see and answer each other.

Runs on the in-memory layer and on a real Redis channel layer.
"""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.test import Client

from chat.models import Message
from tests.legacy_sockets import SITE, logged_in, names, next_legacy
from tests.sockets import joined, next_of_type, next_presence

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("layer")]


@sync_to_async
def admin_message_list() -> str:
    admin = get_user_model().objects.create_superuser("moderator", password="x" * 12)
    client = Client()
    client.force_login(admin)
    response = client.get("/admin/chat/message/")
    assert response.status_code == 200
    return response.content.decode()


async def test_a_legacy_user_and_a_room_page_user_talk_both_ways(alice, lobby):
    page, welcome = await joined(alice)
    await next_presence(page, "presence.joined", "alice")

    old, own_login = await logged_in("user3A06A071", "img/a7.jpg")

    assert names(own_login) == ["alice", "user3A06A071"]  # the page's user, seen by the old page
    arrived = await next_presence(page, "presence.joined", "user3A06A071")
    assert arrived["count"] == 2
    assert arrived["user"]["avatar"] == "/static/avatars/a7.svg"

    await old.send_json_to({"type": "user", "msg": "hello from the old page"})

    heard = (await next_of_type(page, "message"))["message"]
    assert (heard["author"]["name"], heard["body"]) == ("user3A06A071", "hello from the old page")
    assert (await next_legacy(old, "user"))["msg"] == "hello from the old page"

    await page.send_json_to(
        {"type": "message.send", "body": "hello, old page", "client_msg_id": "c1"}
    )

    answer = await next_legacy(old, "user")
    assert (answer["from"], answer["msg"]) == ("alice", "hello, old page")
    assert answer["headerimg"] == f"{SITE}{welcome['me']['avatar']}"

    bodies = [message.body async for message in Message.objects.filter(room=lobby)]
    assert bodies == ["hello from the old page", "hello, old page"]
    listing = await admin_message_list()
    assert "hello from the old page" in listing and "user3A06A071" in listing
    assert "hello, old page" in listing and "alice" in listing

    await old.disconnect()
    left = await next_presence(page, "presence.left", "user3A06A071")
    assert left["count"] == 1
    await page.disconnect()


async def test_the_old_page_sees_room_page_users_come_and_go(alice, lobby):
    old, _ = await logged_in("user3A06A071")

    page, _ = await joined(alice)
    came = await next_legacy(old, "login")
    assert came["msg"] == "alice"
    assert names(came) == ["user3A06A071", "alice"]

    await page.disconnect()
    went = await next_legacy(old, "logout")
    assert (went["msg"], names(went)) == ("alice", ["user3A06A071"])
    await old.disconnect()
