"""The PHP room's page on its endpoint: handShake, login, messages, logout, refusals."""

import logging
import re

import pytest
from channels.routing import URLRouter
from django.contrib.auth import get_user_model
from django.utils import timezone

from chat.legacy.consumer import CLOSE_ROOM_NOT_FOUND
from chat.models import Message
from chat.presence import tracker
from chat.routing import websocket_urlpatterns_for
from chat.sockets.close_codes import CLOSE_NOT_FOUND
from tests.legacy_sockets import SITE, legacy_socket, logged_in, names, next_legacy, shaken

pytestmark = pytest.mark.django_db(transaction=True)

TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


async def test_hand_shake_comes_first_and_alone(lobby):
    communicator = legacy_socket("/")
    connected, _ = await communicator.connect()
    assert connected

    hand_shake = await communicator.receive_json_from()

    assert hand_shake["type"] == "handShake" and isinstance(hand_shake["msg"], str)
    assert await communicator.receive_nothing(timeout=0.2)
    await communicator.disconnect()


async def test_login_is_told_to_everyone_with_who_is_online(lobby):
    first, own = await logged_in("user3A06A071", "img/a7.jpg")
    assert names(own) == ["user3A06A071"]
    entry = own["user_list"][0]
    assert entry["headerimg"] == f"{SITE}/static/avatars/a7.svg"
    assert entry["login_time"] == timezone.localtime().strftime("%H:%M")

    second, own_second = await logged_in("userB0B0B0B0", "img/a12.jpg")

    told = await next_legacy(first, "login")
    assert told["msg"] == "userB0B0B0B0"
    assert names(told) == names(own_second) == ["user3A06A071", "userB0B0B0B0"]
    assert told["user_list"][1]["headerimg"] == f"{SITE}/static/avatars/a12.svg"
    await first.disconnect()
    await second.disconnect()


async def test_a_message_reaches_everyone_the_sender_included(lobby):
    alice, _ = await logged_in("userAAAA0001", "img/a3.jpg")
    bob, _ = await logged_in("userBBBB0002")
    await next_legacy(alice, "login")
    hostile = "<img src=x onerror=alert(1)> 你好"

    await alice.send_json_to({"type": "user", "msg": hostile})

    for socket in (alice, bob):
        said = await next_legacy(socket, "user")
        assert said["from"] == "userAAAA0001"
        assert said["msg"] == hostile  # text, as sent
        assert said["headerimg"] == f"{SITE}/static/avatars/a3.svg"
        assert TIME.fullmatch(said["create_time"])
    saved = await Message.objects.select_related("author", "room").aget()
    assert (saved.body, saved.author.username, saved.room.slug) == (
        hostile,
        "userAAAA0001",
        "lobby",
    )
    assert said["create_time"] == timezone.localtime(saved.created).strftime("%Y-%m-%d %H:%M:%S")
    await alice.disconnect()
    await bob.disconnect()


async def test_create_time_is_in_the_servers_time_zone(lobby, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    alice, _ = await logged_in("userAAAA0001")

    await alice.send_json_to({"type": "user", "msg": "what time is it"})

    said = await next_legacy(alice, "user")
    saved = await Message.objects.aget()
    shanghai = timezone.localtime(saved.created, timezone.get_fixed_timezone(8 * 60))
    assert said["create_time"] == shanghai.strftime("%Y-%m-%d %H:%M:%S")
    await alice.disconnect()


async def test_closing_tells_the_others_who_is_left(lobby):
    stays, _ = await logged_in("userSTAY0001")
    goes, _ = await logged_in("userGOES0002")
    await next_legacy(stays, "login")

    await goes.disconnect()

    logout = await next_legacy(stays, "logout")
    assert logout["msg"] == "userGOES0002"
    assert names(logout) == ["userSTAY0001"]
    await stays.disconnect()


async def test_a_name_of_an_account_made_on_the_site_is_refused(lobby, alice):
    watcher, _ = await logged_in("userWATCH001")
    for name in ("alice", "ALICE"):
        socket = await shaken()

        await socket.send_json_to({"type": "login", "msg": name, "headerimg": "img/a2.jpg"})

        refusal = await socket.receive_json_from()
        assert refusal["type"] == "system" and refusal["msg"]
        assert await socket.receive_nothing(timeout=0.2)
        await socket.disconnect()
    assert await watcher.receive_nothing(timeout=0.2), "a refused login is not announced"
    profile = await get_user_model().objects.select_related("profile").aget(username="alice")
    assert profile.profile.source == "web"
    await watcher.disconnect()


async def test_a_legacy_name_online_now_is_refused_and_free_again_after_it_leaves(lobby):
    first, _ = await logged_in("userTWIN0001", "img/a4.jpg")
    second = await shaken()

    await second.send_json_to({"type": "login", "msg": "usertwin0001", "headerimg": "img/a9.jpg"})

    assert (await second.receive_json_from())["type"] == "system"
    assert await first.receive_nothing(timeout=0.2)
    await first.disconnect()

    again, own = await logged_in("userTWIN0001", "img/a9.jpg")  # the old page's reconnect
    assert own["user_list"][0]["headerimg"] == f"{SITE}/static/avatars/a9.svg"
    assert await get_user_model().objects.filter(username__iexact="userTWIN0001").acount() == 1
    await again.disconnect()
    await second.disconnect()


async def test_two_logins_racing_for_one_name_do_not_both_get_it(lobby, monkeypatch):
    first, _ = await logged_in("userRACE0001")
    store = tracker.presence_store()

    async def checked_too_early(*, user_id):  # as if both checks ran before either entered
        return False

    monkeypatch.setattr(store, "is_online", checked_too_early)
    second = await shaken()
    await second.send_json_to({"type": "login", "msg": "userRACE0001", "headerimg": ""})

    assert (await second.receive_json_from())["type"] == "system"
    assert await first.receive_nothing(timeout=0.2)
    assert [entry.user["name"] for entry in await store.online(room="lobby")] == ["userRACE0001"]
    await second.disconnect()
    await first.disconnect()
    assert await store.online(room="lobby") == []


async def test_the_same_socket_cannot_log_in_twice(lobby):
    socket, _ = await logged_in("userONCE0001")

    await socket.send_json_to({"type": "login", "msg": "userONCE0002", "headerimg": ""})

    assert (await socket.receive_json_from())["type"] == "system"
    assert not await get_user_model().objects.filter(username="userONCE0002").aexists()
    await socket.disconnect()


@pytest.mark.parametrize("name", ["", "   ", "has space", "<b>x</b>", "x" * 33, 42, None])
async def test_an_invalid_name_is_refused(lobby, name):
    socket = await shaken()

    await socket.send_json_to({"type": "login", "msg": name, "headerimg": "img/a1.jpg"})

    assert (await socket.receive_json_from())["type"] == "system"
    assert await get_user_model().objects.acount() == 0
    await socket.disconnect()


async def test_a_message_before_login_is_refused_and_not_broadcast(lobby):
    watcher, _ = await logged_in("userWATCH001")
    stranger = await shaken()

    await stranger.send_json_to({"type": "user", "msg": "anyone there?"})

    assert (await stranger.receive_json_from())["type"] == "system"
    assert await watcher.receive_nothing(timeout=0.2)
    assert not await Message.objects.aexists()
    await watcher.disconnect()
    await stranger.disconnect()


MALFORMED = [
    "not json",
    "[" * 30_000 + "]" * 30_000,
    '"a string"',
    "[1, 2]",
    "{}",
    '{"type": "nope"}',
    '{"type": ["user"]}',
    '{"type": "chat.frame", "text": "{}"}',
    '{"type": "user"}',
    '{"type": "user", "msg": 42}',
    '{"type": "user", "msg": {"html": "<b>"}}',
    '{"type": "login", "msg": "userX", "headerimg": 7}',
]


@pytest.mark.parametrize("text", MALFORMED)
async def test_a_malformed_frame_gets_a_system_notice_and_the_socket_still_works(lobby, text):
    socket, _ = await logged_in("userMALF0001")

    await socket.send_to(text_data=text)

    assert (await socket.receive_json_from())["type"] == "system"
    await socket.send_json_to({"type": "user", "msg": "still here"})
    assert (await next_legacy(socket, "user"))["msg"] == "still here"
    await socket.disconnect()


@pytest.mark.parametrize("body", ["", "   \n ", "x" * 4001])
async def test_an_empty_or_too_long_message_is_refused(lobby, body):
    socket, _ = await logged_in("userBODY0001")

    await socket.send_json_to({"type": "user", "msg": body})

    assert (await socket.receive_json_from())["type"] == "system"
    assert not await Message.objects.aexists()
    await socket.disconnect()


async def test_a_binary_frame_gets_a_system_notice(lobby):
    socket, _ = await logged_in("userBIN00001")

    await socket.send_to(bytes_data=b"\x00\x01")

    assert (await socket.receive_json_from())["type"] == "system"
    await socket.disconnect()


async def test_any_room_has_a_legacy_endpoint_and_rooms_are_apart(lobby, other_room):
    in_lobby, _ = await logged_in("userLOBBY001")
    elsewhere, own = await logged_in("userOTHER001", path="/ws/legacy/other/")
    assert names(own) == ["userOTHER001"]

    await elsewhere.send_json_to({"type": "user", "msg": "other room only"})

    assert (await next_legacy(elsewhere, "user"))["msg"] == "other room only"
    assert await in_lobby.receive_nothing(timeout=0.2)
    assert (await Message.objects.select_related("room").aget()).room.slug == "other"
    await in_lobby.disconnect()
    await elsewhere.disconnect()


async def test_an_unknown_room_gets_a_notice_then_4404(lobby):
    socket = legacy_socket("/ws/legacy/no-such-room/")
    connected, _ = await socket.connect()
    assert connected

    assert (await socket.receive_json_from())["type"] == "system"
    assert await socket.receive_output() == {
        "type": "websocket.close",
        "code": CLOSE_ROOM_NOT_FOUND,
    }


@pytest.mark.parametrize("origin", ["null", "http://evil.example", None])
async def test_a_foreign_or_missing_origin_is_refused(lobby, origin):
    socket = legacy_socket("/", origin=origin)
    connected, _ = await socket.connect()
    assert not connected


def test_the_endpoint_is_on_by_default(settings):
    assert settings.CHAT_LEGACY_ENDPOINT is True


@pytest.mark.parametrize("path", ["/", "/ws/legacy/lobby/"])
async def test_switched_off_there_is_no_legacy_endpoint(lobby, path):
    off = URLRouter(websocket_urlpatterns_for(legacy=False))
    socket = legacy_socket(path, app=off)

    assert (await socket.connect())[0]
    assert await socket.receive_output() == {"type": "websocket.close", "code": CLOSE_NOT_FOUND}


async def test_logs_say_who_and_where_but_never_what(lobby, caplog):
    caplog.set_level(logging.INFO, logger="chat.legacy.consumer")
    socket, _ = await logged_in("userLOG00001")
    await socket.send_json_to({"type": "user", "msg": "a private matter"})
    await next_legacy(socket, "user")
    await socket.disconnect()

    user = await get_user_model().objects.aget(username="userLOG00001")
    assert f"connect user={user.pk} room=lobby protocol=legacy" in caplog.text
    assert f"disconnect user={user.pk} room=lobby" in caplog.text
    assert "a private matter" not in caplog.text
