"""The embedded room's calls (chat/web/embed_views.py): a guest joins without a cookie and gets
a ticket, within the limits and bans of /join/ and only where the integration allows guests;
a ticket is renewed; the full page is opened signed in; and the theme a snippet asks for is
taken within safe values only."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from chat.embed.accounts import embed_user
from chat.embed.theme import accent_text, embed_theme
from chat.embed.tickets import ticket_issue, ticket_user
from chat.embed.tokens import sign_in_claims
from chat.models import Sanction
from chat.moderation import devices
from tests.embed import integration_create, token_for

pytestmark = pytest.mark.django_db
SITE = "http://testserver"


@pytest.fixture
def integration(db):
    return integration_create(allowed_origins="https://host.example")


def join(integration, slug="lobby", **fields):
    body = {"integration": integration.public_id, "nickname": "visitor", "avatar": "a4", **fields}
    return Client(enforce_csrf_checks=True).post(
        f"/embed/{slug}/guest/", json.dumps(body), content_type="application/json"
    )


def test_a_guest_joins_without_a_cookie_and_gets_a_ticket(integration, lobby):
    response = join(integration)

    assert response.status_code == 200, response.content
    body = response.json()
    guest = ticket_user(ticket=body["ticket"])
    assert (guest.username, guest.profile.is_guest) == ("visitor", True)
    assert body["user"]["name"] == "visitor"
    assert "sessionid" not in response.cookies


def test_an_integration_for_members_only_refuses_guests(lobby):
    members_only = integration_create(guests_without_token=False)

    response = join(members_only)

    assert (response.status_code, response.json()["error"]["code"]) == (403, "guests_not_allowed")


def test_a_taken_name_an_unknown_integration_or_a_private_room_are_refused(
    integration, lobby, alice
):
    taken = join(integration, nickname="alice")
    assert (taken.status_code, taken.json()["error"]["field"]) == (400, "nickname")
    assert join(integration_create(active=False)).status_code == 404
    assert join(integration, slug="nowhere").status_code == 404


def test_a_banned_address_cannot_come_back_as_a_new_guest(integration, lobby, alice):
    Sanction.objects.create(
        user=alice,
        kind=Sanction.BAN,
        room=lobby,
        address_key=devices.address_key("127.0.0.1"),
        address_expires=timezone.now() + timedelta(hours=1),
    )

    response = join(integration)

    assert (response.status_code, response.json()["error"]["code"]) == (403, "banned")


def test_guests_from_one_address_are_limited_as_at_join(integration, lobby, settings):
    settings.CHAT_GUESTS_PER_ADDRESS_PER_HOUR = 1
    assert join(integration, nickname="first").status_code == 200

    response = join(integration, nickname="second")

    assert (response.status_code, response.json()["error"]["code"]) == (429, "too_many_guests")


def test_a_ticket_is_renewed_by_showing_it(alice):
    response = Client(headers={"x-chat-ticket": ticket_issue(user=alice)}).post("/embed/ticket/")

    assert ticket_user(ticket=response.json()["ticket"]) == alice
    assert Client().post("/embed/ticket/").status_code == 401


def test_the_full_page_opens_signed_in_only_from_the_embed_itself(alice, lobby):
    form = {"ticket": ticket_issue(user=alice)}
    own = Client(headers={"origin": SITE})
    response = own.post("/embed/lobby/open/", form)
    assert (response.status_code, response["Location"]) == (302, "/chat/lobby/")
    assert own.get("/chat/lobby/").status_code == 200

    elsewhere = Client(headers={"origin": "https://evil.example"})
    elsewhere.post("/embed/lobby/open/", form)
    assert elsewhere.get("/chat/lobby/").status_code == 302  # to the login page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ("#0b7a75", "light", "compact", False)),
        (
            {"accent": "#FF8800", "scheme": "dark", "density": "cozy", "title": "show"},
            ("#ff8800", "dark", "cozy", True),
        ),
        (
            {"accent": "red", "scheme": "neon", "density": "x", "title": "1"},
            ("#0b7a75", "light", "compact", False),
        ),
        ({"accent": "#ff0000;background:url(x)"}, ("#0b7a75", "light", "compact", False)),
    ],
)
def test_a_snippet_overrides_the_theme_within_safe_values_only(query, expected):
    integration = integration_create(
        accent="#0B7A75", scheme="light", density="compact", show_title=False
    )

    theme = embed_theme(integration=integration, overrides=query)

    assert (theme.accent, theme.scheme, theme.density, theme.show_title) == expected


def test_text_on_the_accent_is_whichever_of_black_and_white_reads_better():
    assert accent_text("#0b7a75") == "#ffffff"
    assert accent_text("#ffdd00") == "#000000"
    assert accent_text("") == ""


def test_a_members_profile_page_says_they_sign_in_through_their_site(integration):
    member = embed_user(claims=sign_in_claims(token=token_for(integration, name="dana")))
    client = Client()
    client.force_login(member)

    page = client.get("/accounts/profile/").content.decode()

    assert "You sign in through the site that brought you here" in page
    assert "/accounts/password/change/" not in page
