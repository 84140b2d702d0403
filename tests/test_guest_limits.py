"""New guests are counted per client address and per browser, on /join/ and on the PHP page.

The tests run with the windows in process memory and in Redis (the ``layer`` fixture).
"""

import pytest
import redis
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.test import Client

from chat import limits
from tests.legacy_sockets import legacy_socket

pytestmark = pytest.mark.django_db

HOME = "203.0.113.7"
ELSEWHERE = "198.51.100.9"
REFUSAL = "Too many guests have joined from this browser or network in the last hour"


def page_text(response) -> str:
    """The page as a person reads it (Django writes "15 minutes" with a no-break space)."""
    return response.content.decode().replace("\xa0", " ")


def join(client: Client, nickname: str, *, address: str = HOME, **headers):
    return client.post(
        "/join/", {"nickname": nickname, "avatar": "a1"}, REMOTE_ADDR=address, **headers
    )


def guests() -> int:
    return get_user_model().objects.filter(profile__is_guest=True).count()


@pytest.mark.usefixtures("layer")
def test_the_11th_guest_from_one_address_in_an_hour_is_refused_with_429(lobby):
    for number in range(10):
        assert join(Client(), f"crowd{number}").status_code == 302

    refused = join(Client(), "crowd10")

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    page = page_text(refused)
    assert REFUSAL in page and "Please try again in 1 hour" in page
    assert refused.context["form"].non_field_errors()
    assert guests() == 10
    assert join(Client(), "visitor", address=ELSEWHERE).status_code == 302


@pytest.mark.usefixtures("layer")
def test_an_ipv6_address_counts_with_the_rest_of_its_64(lobby, settings):
    settings.CHAT_GUESTS_PER_ADDRESS_PER_HOUR = 2
    assert join(Client(), "six1", address="2001:db8:1:2::1").status_code == 302
    assert join(Client(), "six2", address="2001:db8:1:2:abcd::9").status_code == 302

    assert join(Client(), "six3", address="2001:db8:1:2::fff").status_code == 429
    assert join(Client(), "six4", address="2001:db8:1:3::1").status_code == 302


@pytest.mark.usefixtures("layer")
def test_one_browser_may_make_5_guests_an_hour_whatever_its_address(lobby):
    browser = Client()
    for number in range(5):
        assert join(browser, f"hat{number}", address=f"192.0.2.{number}").status_code == 302

    refused = join(browser, "hat5", address="192.0.2.200")

    assert refused.status_code == 429 and REFUSAL in page_text(refused)
    assert guests() == 5
    assert join(Client(), "hat6", address="192.0.2.201").status_code == 302


@pytest.mark.usefixtures("layer")
def test_the_refusal_speaks_chinese(lobby, settings):
    settings.CHAT_GUESTS_PER_ADDRESS_PER_HOUR = 1
    join(Client(), "first")

    refused = join(Client(), "second", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")

    assert refused.status_code == 429
    assert "过去一小时内从此浏览器或网络加入的访客过多" in page_text(refused)


@pytest.mark.usefixtures("layer")
def test_the_limits_are_settings(lobby, settings):
    settings.CHAT_GUESTS_PER_ADDRESS_PER_HOUR = 3
    settings.CHAT_GUESTS_PER_BROWSER_PER_HOUR = 1
    browser = Client()
    assert join(browser, "one").status_code == 302
    assert join(browser, "two").status_code == 429
    assert join(Client(), "three").status_code == 302


def test_with_redis_the_count_is_shared_by_every_server_process(redis_settings, lobby, settings):
    settings.CHAT_GUESTS_PER_ADDRESS_PER_HOUR = 2
    join(Client(), "p1")
    join(Client(), "p2")

    limits._memory = limits.MemoryRateLimiter()  # another process: nothing in its memory

    assert join(Client(), "p3").status_code == 429
    windows = redis.Redis.from_url(redis_settings).keys(f"{settings.CHAT_REDIS_PREFIX}:allowance:*")
    assert len(windows) == 3  # the address's, and the two browsers that made a guest


async def legacy_login(name: str, address: str | None) -> dict:
    socket = legacy_socket("/")
    if address is not None:
        socket.scope["client"] = (address, 50_000)
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from())["type"] == "handShake"
    await socket.send_json_to({"type": "login", "msg": name, "headerimg": "img/a1.jpg"})
    answer = await socket.receive_json_from()
    await socket.disconnect()
    return answer


@pytest.mark.usefixtures("layer")
@pytest.mark.django_db(transaction=True)
async def test_the_php_page_makes_no_more_guests_per_address_than_join(lobby, settings):
    settings.CHAT_GUESTS_PER_ADDRESS_PER_HOUR = 3
    assert (await sync_to_async(join)(Client(), "webguest")).status_code == 302
    for number in range(2):
        assert (await legacy_login(f"userAAAA000{number}", HOME))["type"] == "login"

    refused = await legacy_login("userAAAA0009", HOME)

    assert refused["type"] == "system" and REFUSAL in refused["msg"]
    assert not await get_user_model().objects.filter(username="userAAAA0009").aexists()
    # The same name again (the old page reconnecting) makes nobody new, so it is not counted.
    assert (await legacy_login("userAAAA0000", HOME))["type"] == "login"
    assert (await legacy_login("userAAAA0009", ELSEWHERE))["type"] == "login"


def test_without_redis_the_windows_of_idle_clients_are_forgotten():
    """One window per address or browser ever seen would grow without end in a long-running
    process."""
    for number in range(3):
        limits.allowance_take(key=f"guests:address:192.0.2.{number}", limit=1, window=3600)

    limits._memory.forget_idle(idle=0)

    assert limits._memory._sent == {}
