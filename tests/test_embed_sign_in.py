"""POST /embed/sign-in/: a host site's token signs its member in and answers JSON with the
embed's ticket (no session cookie: an embed has none); a refusal is a JSON error with its
code. No CSRF token, but only the integration's own pages may send one; the examples of
docs/embed.md, PHP and Python, sign tokens it accepts."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from chat.embed.tickets import ticket_user
from chat.embed.tokens import sign_in_claims
from chat.models import Sanction
from chat.moderation.sanctions import sanction_give
from tests.conftest import missing
from tests.embed import integration_create, token_for

pytestmark = pytest.mark.django_db
URL = "/embed/sign-in/"
EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
HOST = "https://host.example"


@pytest.fixture
def integration():
    return integration_create(allowed_origins=f"{HOST}\nhttp://localhost:8080")


@pytest.fixture
def browser():
    """A browser on the host's page: Django's CSRF check on, as in production."""
    return Client(enforce_csrf_checks=True, headers={"origin": HOST})


def signed_in_user(response):
    """The user the answer's ticket stands for."""
    user = ticket_user(ticket=response.json()["ticket"])
    assert user is not None
    return user


def test_a_good_token_logs_the_member_in_without_a_csrf_token(browser, integration):
    response = browser.post(URL, {"token": token_for(integration, name="dana", avatar="a3")})

    assert response.status_code == 200
    body = response.json()
    user = signed_in_user(response)
    assert body == {
        "ok": True,
        "user": {"id": user.pk, "name": "dana", "avatar": "/static/avatars/a3.svg"},
        "ticket": body["ticket"],
    }
    assert "_auth_user_id" not in browser.session  # the embed's own credential, not a cookie
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_json_body_works_too(browser, integration):
    response = browser.post(
        URL, json.dumps({"token": token_for(integration)}), content_type="application/json"
    )
    assert response.status_code == 200


def test_a_bad_token_is_a_400_with_its_code(browser, integration):
    response = browser.post(URL, {"token": token_for(integration, secret="y" * 43)})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "token_invalid"
    assert "ticket" not in response.json()


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        ({"iat": 1, "exp": 2}, "token_expired"),
        ({"iss": "nobody"}, "integration_unknown"),
        ({"name": "Jane Doe"}, "name_invalid"),
    ],
)
def test_each_refusal_says_its_code(browser, integration, claims, code):
    response = browser.post(URL, {"token": token_for(integration, **claims)})
    assert (response.status_code, response.json()["error"]["code"]) == (400, code)


def test_no_token_is_a_400(browser, integration):
    response = browser.post(URL, {})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "token_invalid")


def test_only_post(browser):
    assert browser.get(URL).status_code == 405


def test_a_page_of_another_site_cannot_sign_a_visitor_in(integration):
    elsewhere = Client(headers={"origin": "https://evil.example"})
    response = elsewhere.post(URL, {"token": token_for(integration)})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "origin_refused"
    assert "ticket" not in response.json()


@pytest.mark.parametrize("origin", ["http://localhost:8080", "http://testserver", None])
def test_an_allowed_origin_this_site_or_a_program_may(integration, origin):
    client = Client(headers={"origin": origin} if origin else {})
    assert client.post(URL, {"token": token_for(integration)}).status_code == 200


def test_an_opaque_origin_is_refused(integration):
    client = Client(headers={"origin": "null"})  # a sandboxed frame, a data: page
    assert client.post(URL, {"token": token_for(integration)}).status_code == 403


def test_a_token_replayed_after_a_ban_is_refused(browser, integration):
    token = token_for(integration)
    first = browser.post(URL, {"token": token})
    member = signed_in_user(first)
    staff = get_user_model().objects.create_superuser("staff", password="x" * 12)
    sanction_give(actor=staff, target=member, kind=Sanction.BAN, duration="forever")

    again = Client(enforce_csrf_checks=True, headers={"origin": HOST})
    response = again.post(URL, {"token": token})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "banned"
    assert "ticket" not in response.json()


def test_a_local_account_is_never_signed_in_by_a_token_of_its_name(browser, integration, alice):
    response = browser.post(URL, {"token": token_for(integration, name="alice")})

    member = signed_in_user(response)
    assert member != alice
    assert member.username == "alice_2"


def test_sign_ins_are_limited_per_address(browser, integration, settings):
    settings.CHAT_EMBED_SIGN_INS_PER_ADDRESS_PER_HOUR = 2
    bad = {"token": "not a token"}  # counted too: the limit is on trying
    assert browser.post(URL, bad).status_code == 400
    assert browser.post(URL, {"token": token_for(integration)}).status_code == 200

    response = browser.post(URL, {"token": token_for(integration)})

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 3000


def test_a_new_secret_ends_the_old_ones_tokens(browser, integration):
    from chat.embed.integrations import integration_secret_rotate

    token = token_for(integration)
    integration_secret_rotate(integration=integration)
    assert browser.post(URL, {"token": token}).status_code == 400
    integration.refresh_from_db()
    assert browser.post(URL, {"token": token_for(integration)}).status_code == 200


def example_token(command: list[str], integration, *extra: str, env: dict | None = None) -> str:
    arguments = [integration.secret, integration.public_id, "1001", "王小明", *extra]
    done = subprocess.run(
        [*command, *arguments], capture_output=True, text=True, timeout=30, env=env, check=True
    )
    return done.stdout.strip()


def php() -> str:
    binary = shutil.which("php")
    if binary is None:
        missing("php (Debian package php-cli)")
    return binary


def test_the_php_example_signs_a_token_we_accept(integration):
    token = example_token([php(), str(EXAMPLES / "sign_token.php")], integration, "a6")

    claims = sign_in_claims(token=token)
    assert (claims.integration, claims.sub, claims.name, claims.avatar) == (
        integration,
        "1001",
        "王小明",
        "a6",
    )
    assert claims.moderator is False


def test_the_php_example_signs_in_end_to_end(browser, integration):
    token = example_token([php(), str(EXAMPLES / "sign_token.php")], integration)
    response = browser.post(URL, {"token": token})
    assert response.status_code == 200
    assert response.json()["user"]["name"] == "王小明"


def test_the_php_example_reads_the_environment_too(integration):
    env = {
        "CHAT_SECRET": integration.secret,
        "CHAT_ISS": integration.public_id,
        "CHAT_SUB": "7",
        "CHAT_NAME": "env_user",
        "CHAT_MODERATOR": "true",
    }
    done = subprocess.run(
        [php(), str(EXAMPLES / "sign_token.php")],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        check=True,
    )
    claims = sign_in_claims(token=done.stdout.strip())
    assert (claims.sub, claims.name, claims.moderator) == ("7", "env_user", True)


def test_the_python_example_signs_a_token_we_accept(integration):
    token = example_token([sys.executable, str(EXAMPLES / "sign_token.py")], integration)

    claims = sign_in_claims(token=token)
    assert (claims.integration, claims.sub, claims.name) == (integration, "1001", "王小明")


@pytest.mark.parametrize("example", ["sign_token.php", "sign_token.py"])
def test_docs_embed_shows_the_tested_examples_as_they_are(example):
    guide = (EXAMPLES.parent / "embed.md").read_text(encoding="utf-8")
    assert (EXAMPLES / example).read_text(encoding="utf-8") in guide
