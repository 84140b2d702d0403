"""Integrations in the admin: the secret is shown once, in a message, when one is made and
when "New secret" replaces it, never in the form; allowed origins are checked and kept as a
browser writes them."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from chat.models import Integration
from chat.models.integrations import origin_normalize
from tests.embed import integration_create

pytestmark = pytest.mark.django_db
LIST = "/admin/chat/integration/"


@pytest.fixture
def staff(client):
    admin = get_user_model().objects.create_superuser("root", password="x" * 12)
    client.force_login(admin)
    return admin


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_new_integration_shows_its_secret_once(client, staff):
    response = client.post(
        f"{LIST}add/",
        {
            "name": "Example",
            "allowed_origins": "HTTPS://Www.Example.com/\n\nhttp://localhost:8080",
            "guests_without_token": "on",
            "active": "on",
            "scheme": "auto",
            "density": "cozy",
            "show_title": "on",
        },
        follow=True,
    )

    integration = Integration.objects.get()
    assert len(integration.secret) >= 43
    assert any(integration.secret in message for message in shown_messages(response))
    assert integration.allowed_origins == "https://www.example.com\nhttp://localhost:8080"
    change = client.get(f"{LIST}{integration.pk}/change/").content.decode()
    assert integration.secret not in change
    assert integration.secret_masked in change and integration.public_id in change


def test_the_add_form_has_no_secret_field(client, staff):
    page = client.get(f"{LIST}add/").content.decode()
    assert 'name="secret"' not in page and 'name="public_id"' not in page


def test_new_secret_asks_first_then_shows_the_new_one_once(client, staff):
    integration = integration_create()
    old = integration.secret
    change = client.get(f"{LIST}{integration.pk}/change/").content.decode()
    assert f"{LIST}{integration.pk}/new-secret/" in change

    asked = client.get(f"{LIST}{integration.pk}/new-secret/")
    integration.refresh_from_db()
    assert asked.status_code == 200 and integration.secret == old

    response = client.post(f"{LIST}{integration.pk}/new-secret/", follow=True)

    integration.refresh_from_db()
    assert integration.secret != old
    assert any(integration.secret in message for message in shown_messages(response))
    again = client.get(f"{LIST}{integration.pk}/change/").content.decode()
    assert integration.secret not in again


def test_an_origin_on_plain_http_is_refused_unless_local(client, staff):
    response = client.post(
        f"{LIST}add/", {"name": "Example", "allowed_origins": "http://www.example.com"}
    )
    assert response.status_code == 200
    assert "allowed_origins" in response.context["adminform"].form.errors
    assert not Integration.objects.exists()


@pytest.mark.parametrize(
    ("written", "origin"),
    [
        ("https://example.com", "https://example.com"),
        ("https://EXAMPLE.com:443/", "https://example.com"),
        ("https://example.com:8443", "https://example.com:8443"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("https://bücher.example", "https://xn--bcher-kva.example"),
    ],
)
def test_origins_are_kept_as_a_browser_writes_them(written, origin):
    assert origin_normalize(written) == origin


@pytest.mark.parametrize(
    "written",
    [
        "example.com",
        "ftp://example.com",
        "https://example.com/path",
        "https://user@example.com",
        "https://example.com?x=1",
        "https://",
        "https://*.example.com",
        "https://example.com:99999",
    ],
)
def test_what_is_not_an_origin_is_refused(written):
    with pytest.raises(ValidationError):
        origin_normalize(written)


def test_external_accounts_are_listed_read_only(client, staff):
    assert client.get("/admin/chat/externalaccount/").status_code == 200
    assert client.get("/admin/chat/externalaccount/add/").status_code == 403
