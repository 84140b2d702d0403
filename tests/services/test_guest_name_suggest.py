"""Suggested guest names: an adjective and an animal in the visitor's language, free, valid
nicknames, with a number only when the pair is taken."""

import re

import pytest
from django.conf import settings
from django.utils import translation

from chat import identity
from chat.web.forms import nickname_validate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def language_restored():
    """A request's LocaleMiddleware leaves its language active in this thread: put English
    back, so that later tests read English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_an_english_suggestion_is_an_adjective_and_an_animal():
    with translation.override("en"):
        names = {identity.guest_name_suggest() for _ in range(30)}
    assert all(re.fullmatch(r"(?:[A-Z][a-z]+){2}", name) for name in names), names
    assert len(names) > 10  # not one name for everybody


def test_a_chinese_suggestion_is_chinese():
    with translation.override("zh-hans"):
        names = {identity.guest_name_suggest() for _ in range(30)}
    assert all(re.fullmatch(r"[\u4e00-\u9fff]+的[\u4e00-\u9fff]+", name) for name in names), names


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_suggestions_are_valid_nicknames(language):
    with translation.override(language):
        for _ in range(30):
            name = identity.guest_name_suggest()
            nickname_validate(name)
            assert 1 <= len(name) <= identity.NICKNAME_MAX_LENGTH


def test_a_taken_pair_gets_a_number(monkeypatch):
    monkeypatch.setattr(identity, "NAME_ADJECTIVES", [identity.NAME_ADJECTIVES[0]])
    monkeypatch.setattr(identity, "NAME_ANIMALS", [identity.NAME_ANIMALS[0]])
    with translation.override("en"):
        first = identity.guest_name_suggest()
        assert first == "HappyPanda"  # free: no number
        identity.guest_create(nickname=first)
        second = identity.guest_name_suggest()
    assert re.fullmatch(r"HappyPanda\d+", second)
    assert not identity.nickname_taken(nickname=second)


def test_a_look_alike_of_a_taken_name_counts_as_taken(monkeypatch):
    monkeypatch.setattr(identity, "NAME_ADJECTIVES", [identity.NAME_ADJECTIVES[0]])
    monkeypatch.setattr(identity, "NAME_ANIMALS", [identity.NAME_ANIMALS[0]])
    identity.guest_create(nickname="HAPPYPANDA")
    with translation.override("en"):
        assert identity.guest_name_suggest() != "HappyPanda"


def test_the_join_form_suggests_one_in_the_visitors_language(client):
    english = client.get("/join/").context["form"].initial["nickname"]
    chinese = client.get("/join/", HTTP_ACCEPT_LANGUAGE="zh-CN").context["form"].initial["nickname"]
    assert re.fullmatch(r"(?:[A-Z][a-z]+){2}\d*", english)
    assert "的" in chinese
