"""The PHP room's login with look-alike and invisible names (chat/legacy, chat/names.py)."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model

from chat import identity
from chatsite.asgi import application
from tests.legacy_sockets import logged_in, shaken
from tests.look_alikes import INVISIBLE, LOOK_ALIKES
from tests.sockets import SITE_ORIGIN

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()
# "Émile" and "émile" are the same name in another case: the same old-page guest again.
LEGACY_LOOK_ALIKES = [pair for pair in LOOK_ALIKES if pair.id != "case-beyond-ascii"]


async def login_refusal(name: str, socket=None) -> dict:
    """The frame answering a login as ``name``, which must be the only answer."""
    socket = socket or await shaken()
    await socket.send_json_to({"type": "login", "msg": name, "headerimg": "img/a2.jpg"})
    refusal = await socket.receive_json_from()
    assert await socket.receive_nothing(timeout=0.2)
    await socket.disconnect()
    return refusal


@pytest.mark.parametrize(("taken", "look_alike"), LOOK_ALIKES)
async def test_a_look_alike_of_a_site_name_is_refused(lobby, taken, look_alike):
    await database_sync_to_async(identity.guest_create)(nickname=taken)

    refusal = await login_refusal(look_alike)

    assert refusal == {
        "type": "system",
        "msg": "That nickname is taken. Please choose another one.",
    }
    assert await User.objects.acount() == 1


@pytest.mark.parametrize(("taken", "look_alike"), LEGACY_LOOK_ALIKES)
async def test_a_look_alike_of_a_legacy_name_is_someone_else(lobby, taken, look_alike):
    """The same name in another case is the same old-page guest again; a look-alike is not."""
    first, _ = await logged_in(taken)
    await first.disconnect()

    refusal = await login_refusal(look_alike)

    assert refusal["type"] == "system" and "taken" in refusal["msg"]
    assert await User.objects.acount() == 1


async def test_a_legacy_name_in_another_case_beyond_ascii_is_the_same_guest(lobby):
    first, _ = await logged_in("Émile")
    await first.disconnect()

    again = await shaken()
    await again.send_json_to({"type": "login", "msg": "émile", "headerimg": "img/a2.jpg"})
    login = await again.receive_json_from()

    assert (login["type"], login["msg"]) == ("login", "Émile"), "known by its own spelling"
    assert await User.objects.acount() == 1
    await again.disconnect()


@pytest.mark.parametrize("name", INVISIBLE)
async def test_a_name_with_invisible_characters_is_refused(lobby, name):
    refusal = await login_refusal(name)

    assert refusal["type"] == "system"
    assert refusal["msg"].startswith("Invisible and control characters")
    assert await User.objects.acount() == 0


async def test_the_refusal_speaks_the_pages_language(lobby):
    headers = [
        (b"host", b"localhost:8000"),
        (b"origin", SITE_ORIGIN.encode()),
        (b"accept-language", b"zh-CN,zh;q=0.9"),
    ]
    socket = WebsocketCommunicator(application, "/", headers=headers)
    assert (await socket.connect())[0]
    await socket.receive_json_from()  # handShake

    refusal = await login_refusal("ad\u200bmin", socket)

    assert refusal["msg"].startswith("不允许使用不可见字符和控制字符")


async def test_a_chinese_name_logs_in(lobby):
    socket, login = await logged_in("王小明")
    assert login["user_list"][0]["username"] == "王小明"
    await socket.disconnect()
