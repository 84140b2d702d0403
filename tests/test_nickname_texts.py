"""The nickname's help and error texts, in English and Chinese: they say what a nickname may
hold (letters of any script, Chinese included), and an error names what is wrong instead of
repeating the help or calling the field a "username"."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def language_restored():
    """A request's LocaleMiddleware leaves its language active in this thread: put English
    back, so that later tests read English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}


def errors_of(response, field="nickname") -> list[str]:
    return [str(error) for error in response.context["form"].errors.get(field, [])]


def help_of(response, field="nickname") -> str:
    return str(response.context["form"].fields[field].help_text)


def test_a_chinese_name_is_accepted(client, lobby):
    response = client.post("/join/", {"nickname": "王小明", "avatar": "a1"})

    assert response.status_code == 302
    assert get_user_model().objects.filter(username="王小明").exists()


def test_the_english_error_names_the_characters_and_not_a_username(client):
    response = client.post("/join/", {"nickname": "bad<name>", "avatar": "a1"})

    [error] = errors_of(response)
    assert "“<”" in error and "“>”" in error
    assert "username" not in error.lower()
    assert error != help_of(response)
    page = response.content.decode()
    assert page.count(str(help_of(response)).replace("'", "&#x27;")) == 1  # shown once


def test_the_chinese_error_calls_it_a_nickname_and_allows_chinese(client):
    response = client.post("/join/", {"nickname": "王 小明", "avatar": "a1"}, **ZH)

    [error] = errors_of(response)
    assert "昵称" in error
    assert "用户名" not in error and "英文字母" not in error
    assert "空格" in error  # what is wrong: the space
    helptext = help_of(response)
    assert "英文" not in helptext and "用户名" not in helptext
    assert "32" in helptext
    assert error != helptext


def test_the_help_text_says_letters_of_any_language(client):
    english = help_of(client.get("/join/"))
    chinese = help_of(client.get("/join/", **ZH))

    assert re.search(r"any (language|script)", english)
    assert "32" in english
    assert "任何语言" in chinese


def test_spaces_and_symbols_are_named_together(client):
    response = client.post("/join/", {"nickname": "a b#c", "avatar": "a1"})

    [error] = errors_of(response)
    assert "“#”" in error and "space" in error
