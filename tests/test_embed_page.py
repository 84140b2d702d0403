"""The embedded room's page (templates/chat/embed.html): framed only by 'self' and the
integration's origins, every other page still refusing any frame; 404 where there is nothing to
embed; the theme rendered only within its safe values."""

import html

import pytest
from django.test import Client

from chat.models import Room
from tests.embed import integration_create

pytestmark = pytest.mark.django_db
ORIGINS = "https://host.example\nhttps://forum.example:8443"


def directive(response, name: str) -> list[str]:
    for part in response.headers["Content-Security-Policy"].split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    raise AssertionError(f"no {name} in {response.headers['Content-Security-Policy']}")


@pytest.fixture
def integration(db):
    return integration_create(allowed_origins=ORIGINS)


def test_the_embed_page_is_framed_by_the_integrations_origins_only(integration, lobby):
    response = Client().get(f"/embed/lobby/?integration={integration.public_id}")

    assert response.status_code == 200
    assert directive(response, "frame-ancestors") == [
        "'self'",
        "https://host.example",
        "https://forum.example:8443",
    ]
    assert "X-Frame-Options" not in response.headers
    assert directive(response, "script-src") == ["'self'"]  # the rest of the policy holds
    page = response.content.decode()
    assert 'class="site-header"' not in page
    assert "{#" not in page and "{%" not in page  # no comment left in the page
    assert "chat/embed_session.js" in page and "chat/room.js" in page
    assert page.index("chat/embed_session.js") < page.index("chat/room.js")


@pytest.mark.parametrize("path", ["/", "/chat/lobby/", "/join/"])
def test_every_other_page_still_refuses_any_frame(integration, lobby, alice, path):
    client = Client()
    if path == "/chat/lobby/":
        client.force_login(alice)

    response = client.get(path)

    assert response.status_code == 200
    assert directive(response, "frame-ancestors") == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_nothing_to_embed_is_a_404(integration, lobby):
    Room.objects.create(slug="hidden", title="Hidden", kind=Room.PRIVATE)
    inactive = integration_create(name="Old", active=False)
    client = Client()

    assert client.get("/embed/lobby/").status_code == 404
    assert client.get("/embed/lobby/?integration=nope").status_code == 404
    assert client.get(f"/embed/lobby/?integration={inactive.public_id}").status_code == 404
    assert client.get(f"/embed/hidden/?integration={integration.public_id}").status_code == 404
    assert client.get(f"/embed/nowhere/?integration={integration.public_id}").status_code == 404


def body_classes(response) -> set[str]:
    page = response.content.decode()
    start = page.index('<body class="') + len('<body class="')
    return set(page[start : page.index('"', start)].split())


def test_the_theme_is_the_integrations_unless_the_snippet_asks_within_safe_values(lobby):
    integration = integration_create(accent="#FFCC00", scheme="dark", density="compact")
    url = f"/embed/lobby/?integration={integration.public_id}"
    client = Client()

    plain = client.get(url)
    assert {"scheme-dark", "density-compact", "accent-custom"} <= body_classes(plain)
    assert 'data-accent="#ffcc00" data-accent-text="#000000"' in plain.content.decode()

    asked = client.get(url + "&accent=%23102030&scheme=light&density=cozy&title=hide")
    assert {"scheme-light", "density-cozy", "title-hidden"} <= body_classes(asked)
    assert 'data-accent="#102030" data-accent-text="#ffffff"' in asked.content.decode()

    hostile = client.get(url + '&accent=red;"><script>&scheme=x"y&density=huge&title=maybe')
    page = hostile.content.decode()
    assert {"scheme-dark", "density-compact"} <= body_classes(hostile)
    assert "title-hidden" not in body_classes(hostile)
    assert 'data-accent="#ffcc00"' in page and "<script>&" not in page and 'x"y' not in page


def test_without_an_accent_the_sites_own_is_kept(integration, lobby):
    response = Client().get(f"/embed/lobby/?integration={integration.public_id}&accent=blue")

    assert "accent-custom" not in body_classes(response)
    assert 'data-accent=""' in response.content.decode()


def test_the_guest_form_is_there_only_where_guests_may_come(lobby):
    open_to_guests = integration_create(guests_without_token=True)
    members_only = integration_create(name="Members", guests_without_token=False)
    client = Client()

    guests = client.get(f"/embed/lobby/?integration={open_to_guests.public_id}").content.decode()
    members = client.get(f"/embed/lobby/?integration={members_only.public_id}").content.decode()

    assert 'id="embed-guest"' in guests and 'name="nickname"' in guests
    assert 'id="embed-guest"' not in members and 'id="embed-members-only"' in members


def test_the_admin_shows_the_snippet_and_a_preview_of_the_theme(lobby, django_user_model):
    integration = integration_create(accent="#0f766e")
    staff = django_user_model.objects.create_superuser("owner", password="x" * 12)
    client = Client()
    client.force_login(staff)

    page = client.get(f"/admin/chat/integration/{integration.pk}/change/").content.decode()

    script = (
        '<script src="http://testserver/static/chat/embed.js" data-room="lobby" '
        f'data-integration="{integration.public_id}" async></script>'
    )
    assert html.escape(script) in page  # as text to copy, never as a tag of the admin's page
    preview = f'src="/embed/lobby/?integration={integration.public_id}"'
    assert preview in page
    # The preview may be framed by this site's own admin ('self').
    framed = client.get(f"/embed/lobby/?integration={integration.public_id}")
    assert directive(framed, "frame-ancestors")[0] == "'self'"
