"""Logging in finds the account by its nickname in any case, or written with letters that read
the same (fullwidth, another script's look-alikes), as nicknames are unique that way; the
lock-out counts those spellings as one name. Sign-up speaks of the nickname's real limit."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from chat.models import Profile
from chat.names import COLLISION_MARK, name_key
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def language_restored():
    """A request's LocaleMiddleware leaves its language active in this thread: put English
    back, so that later tests read English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


PASSWORD = "correct horse battery"  # tests/factories.py
HOME = "203.0.113.7"


@pytest.fixture
def carol(db):
    return UserFactory(username="carol_desk")


def log_in(username, password=PASSWORD, *, path="/accounts/login/", **extra):
    return Client().post(
        path, {"username": username, "password": password}, REMOTE_ADDR=HOME, **extra
    )


def logged_in_as(response):
    if response.status_code != 302:
        return None
    return response.client.session.get("_auth_user_id")


@pytest.mark.parametrize(
    "typed", ["CAROL_DESK", "Carol_Desk", "ｃａｒｏｌ＿ｄｅｓｋ", "\u0441arol_desk"]
)
def test_the_name_in_any_case_or_look_alike_letters_logs_in(carol, typed):
    assert logged_in_as(log_in(typed)) == str(carol.pk)


def test_the_admin_login_is_not_case_sensitive_either(db):
    UserFactory(username="Boss", is_staff=True, is_superuser=True)
    response = log_in("boss", path="/admin/login/")
    assert response.status_code == 302 and logged_in_as(response)


def test_a_wrong_password_is_still_refused(carol):
    response = log_in("CAROL_DESK", "wrong guess")
    assert response.status_code == 200 and logged_in_as(response) is None


def test_the_exact_name_wins_over_a_look_alike(db):
    # Two old look-alikes (from before names compared by look, migration 0005): the later
    # one's key carries a number, and its exact spelling still reaches it.
    latin = UserFactory(username="alice")
    cyrillic = UserFactory(username="placeholder")
    get_user_model().objects.filter(pk=cyrillic.pk).update(username="\u0430lice")
    Profile.objects.filter(user=cyrillic).update(name_key=name_key("alice") + COLLISION_MARK + "2")

    assert logged_in_as(log_in("\u0430lice")) == str(cyrillic.pk)
    assert logged_in_as(log_in("ALICE")) == str(latin.pk)


def test_the_error_does_not_claim_the_name_is_case_sensitive(carol):
    for headers, forbidden in (
        ({}, "case-sensitive"),
        ({"HTTP_ACCEPT_LANGUAGE": "zh-CN"}, "都区分大小写"),
    ):
        response = log_in("nobody", "wrong guess", **headers)
        page = response.content.decode()
        assert forbidden not in page
    english = log_in("nobody", "wrong guess").content.decode()
    assert "nickname" in english.lower()


def test_spellings_of_one_name_share_one_lock_out(carol):
    for typed in ("carol_desk", "CAROL_DESK", "Carol_Desk", "ｃａｒｏｌ＿ｄｅｓｋ"):
        log_in(typed, "wrong guess")
    assert log_in("CAROL_desk", "wrong guess").status_code == 429  # the fifth locks

    response = log_in("carol_desk")
    assert response.status_code == 429 and logged_in_as(response) is None
    assert "carol_desk" in response.content.decode()


def test_a_success_clears_the_count_for_every_spelling(carol):
    for _ in range(4):
        log_in("CAROL_DESK", "wrong guess")
    assert logged_in_as(log_in("carol_desk"))
    log_in("CAROL_DESK", "wrong guess")  # one, not a fifth

    assert logged_in_as(log_in("CAROL_DESK"))


def test_axes_stays_first_and_old_sessions_stay_valid():
    backends = settings.AUTHENTICATION_BACKENDS
    assert backends[0] == "axes.backends.AxesStandaloneBackend"
    # Sessions logged in before (and the join page's login) name ModelBackend.
    assert "django.contrib.auth.backends.ModelBackend" in backends


def test_signup_tells_the_nicknames_real_limit(client):
    response = client.get("/accounts/signup/")
    field = response.context["form"].fields["username"]
    page = response.content.decode()

    assert "150" not in page
    assert "32" in str(field.help_text)
    assert field.max_length == 32
    assert 'maxlength="32"' in page


def test_signup_refuses_a_name_longer_than_32(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "x" * 33,
            "password1": "a long pass phrase",
            "password2": "a long pass phrase",
            "avatar": "a1",
        },
    )
    assert response.status_code == 200 and "username" in response.context["form"].errors


def test_signup_accepts_a_chinese_name(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "王小明",
            "password1": "a long pass phrase",
            "password2": "a long pass phrase",
            "avatar": "a1",
        },
    )
    assert response.status_code == 302
