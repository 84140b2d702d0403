"""Password guessing: a name is paused at one address after 5 wrong passwords, for 15 minutes.

The lock is on the pair (name, address), so a stranger elsewhere cannot lock anyone out, and
the same address can still log in under other names.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests/factories.py
HOME = "203.0.113.7"
ELSEWHERE = "198.51.100.9"


def page_text(response) -> str:
    """The page as a person reads it (Django writes "15 minutes" with a no-break space)."""
    return response.content.decode().replace("\xa0", " ")


@pytest.fixture
def carol(db):
    return UserFactory(username="carol")


def log_in(username, password, *, address=HOME, path="/accounts/login/", **headers):
    """One login attempt from a fresh browser at ``address``: its response."""
    return Client().post(
        path, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def guess(username, times, *, address=HOME, path="/accounts/login/"):
    """``times`` wrong passwords; the answer to the last one."""
    for _ in range(times):
        response = log_in(username, "wrong guess", address=address, path=path)
        assert not logged_in(response)
    return response


def test_after_five_wrong_passwords_the_right_one_is_refused_with_429(carol):
    assert guess("carol", 4).status_code == 200  # the form, with its error
    assert guess("carol", 1).status_code == 429  # the fifth already locks

    response = log_in("carol", PASSWORD)

    assert response.status_code == 429
    assert not logged_in(response)
    page = page_text(response)
    assert "Too many failed logins" in page
    assert "carol" in page and "15 minutes" in page


def test_four_wrong_passwords_are_not_enough_to_lock(carol):
    guess("carol", 4)

    assert logged_in(log_in("carol", PASSWORD))
    guess("carol", 4)  # the success started the count again
    assert logged_in(log_in("carol", PASSWORD))
    guess("carol", 5)
    assert log_in("carol", PASSWORD).status_code == 429


def test_another_name_from_the_same_address_is_not_locked(carol):
    UserFactory(username="dave")
    guess("carol", 5)

    assert logged_in(log_in("dave", PASSWORD))
    assert log_in("carol", PASSWORD).status_code == 429


def test_the_same_name_from_another_address_is_not_locked(carol):
    guess("carol", 5)

    assert logged_in(log_in("carol", PASSWORD, address=ELSEWHERE))
    assert log_in("carol", PASSWORD).status_code == 429


def test_the_lock_lifts_after_the_cool_off(carol, monkeypatch):
    guess("carol", 5)
    start = timezone.now()

    # axes reads the time of each attempt from here.
    monkeypatch.setattr("axes.handlers.proxy.now", lambda: start + timedelta(minutes=14))
    assert log_in("carol", PASSWORD).status_code == 429
    monkeypatch.setattr("axes.handlers.proxy.now", lambda: start + timedelta(minutes=16))
    assert logged_in(log_in("carol", PASSWORD))


def test_the_cool_off_and_the_limit_are_settings(carol, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=3)
    guess("carol", 2)

    response = log_in("carol", PASSWORD)

    assert response.status_code == 429 and "3 minutes" in page_text(response)


def test_the_lock_out_page_speaks_chinese(carol):
    guess("carol", 5)

    response = log_in("carol", PASSWORD, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")

    assert response.status_code == 429
    page = page_text(response)
    assert "登录失败次数过多" in page and "15 分钟" in page


def test_the_admin_login_is_locked_likewise():
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    guess("root", 5, path="/admin/login/")

    response = log_in("root", PASSWORD, path="/admin/login/")

    assert response.status_code == 429
    assert "Too many failed logins" in page_text(response)
    assert logged_in(log_in("root", PASSWORD, address=ELSEWHERE, path="/admin/login/"))


@pytest.mark.django_db(transaction=True)
async def test_the_lock_out_page_through_the_asgi_handler(async_client):
    """The server runs Django's async handler, where axes' middleware takes another path."""
    from asgiref.sync import sync_to_async

    await sync_to_async(UserFactory)(username="erin")
    for _ in range(5):
        await async_client.post("/accounts/login/", {"username": "erin", "password": "no"})

    response = await async_client.post(
        "/accounts/login/", {"username": "erin", "password": PASSWORD}
    )

    assert response.status_code == 429
    assert "Too many failed logins" in page_text(response)


def test_the_name_on_the_lock_out_page_is_escaped():
    hostile = "<script>alert(1)</script>"
    guess(hostile, 5)

    response = log_in(hostile, PASSWORD)

    assert response.status_code == 429
    assert hostile not in page_text(response) and "“&lt;script&gt;" in page_text(response)
