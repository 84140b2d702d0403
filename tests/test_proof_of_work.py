"""The guest form's proof of work (ALTCHA), when CHAT_GUEST_PROOF_OF_WORK is on."""

import time

import altcha
import pytest
from django.contrib.auth import get_user_model

from chat import proof_of_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.CHAT_GUEST_PROOF_OF_WORK = True
    settings.CHAT_PROOF_OF_WORK_COST = 10  # the rule, not the work, is under test


def solved(challenge: dict) -> str:
    """The widget's hidden field: the challenge and its solution, as base64 JSON."""
    parsed = altcha.Challenge.from_dict(challenge)
    return altcha.Payload(parsed, altcha.solve_challenge(parsed)).to_base64()


def challenge_from(client) -> dict:
    response = client.get("/join/challenge/")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    return response.json()


def join(client, nickname: str, **extra):
    return client.post("/join/", {"nickname": nickname, "avatar": "a2", **extra})


def joined(nickname: str) -> bool:
    return get_user_model().objects.filter(username=nickname).exists()


def test_off_by_default_there_is_no_widget_and_no_challenge(client):
    assert "altcha-widget" not in client.get("/join/").content.decode()
    assert client.get("/join/challenge/").status_code == 404
    assert join(client, "plain").status_code == 302


def test_the_form_shows_the_widget_and_refuses_a_guest_without_a_solution(client, required):
    page = client.get("/join/").content.decode()
    assert '<altcha-widget challenge="/join/challenge/" name="altcha"' in page

    response = join(client, "hasty")
    assert response.status_code == 200
    assert "not a robot" in response.content.decode()
    assert not joined("hasty")


def test_a_solved_challenge_admits_one_guest(client, required):
    payload = solved(challenge_from(client))

    assert join(client, "patient", altcha=payload).status_code == 302
    assert joined("patient")
    again = join(client.__class__(), "replayer", altcha=payload)
    assert again.status_code == 200 and not joined("replayer"), "one solution, one guest"


def test_a_tampered_or_expired_challenge_is_refused(client, required, monkeypatch):
    challenge = challenge_from(client)
    easier = {**challenge, "parameters": {**challenge["parameters"], "cost": 1}}
    assert join(client, "forger", altcha=solved(easier)).status_code == 200
    assert not joined("forger")

    stale = challenge_from(client)
    payload = solved(stale)
    later = time.time() + proof_of_work.CHALLENGE_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert join(client, "latecomer", altcha=payload).status_code == 200
    assert not joined("latecomer")


@pytest.mark.parametrize("junk", ["", "x" * 5000, "not base64!", "e30="])
def test_junk_in_the_field_is_refused_not_a_crash(client, required, junk):
    response = join(client, "junky", altcha=junk)
    assert response.status_code == 200
    assert not joined("junky")
