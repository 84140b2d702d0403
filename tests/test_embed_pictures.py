"""A host site's picture of its member (chat/embed/pictures.py): fetched once from the host's
own origins, re-encoded as a square without metadata, stored and served here; nothing is
fetched from anywhere else, a redirect is not followed, and a picture that cannot be had
leaves the avatar as it was."""

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from chat.embed.accounts import embed_user
from chat.embed.tokens import sign_in_claims
from chat.payloads import user_payload
from tests.embed import integration_create, token_for
from tests.pictures import HTML_AS_PNG, photo_with_location

pytestmark = pytest.mark.django_db


class Host:
    """The host site: serves its members' pictures and remembers what was asked."""

    def __init__(self):
        self.asked: list[str] = []
        self.files = {
            "/me.jpg": (200, photo_with_location(size=(300, 200))),
            "/page.png": (200, HTML_AS_PNG),
            "/moved.jpg": (302, b""),
        }
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                host.asked.append(self.path)
                status, body = host.files.get(self.path, (404, b""))
                self.send_response(status)
                if status == 302:
                    self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def host():
    site = Host()
    yield site
    site.close()


def signed_in(integration, **claims):
    return embed_user(claims=sign_in_claims(token=token_for(integration, **claims)))


def test_the_hosts_picture_is_worn_as_a_square_without_its_metadata(host):
    integration = integration_create(allowed_origins=host.origin)

    member = signed_in(integration, avatar=f"{host.origin}/me.jpg")

    avatar = user_payload(member)["avatar"]
    assert avatar.startswith(f"/avatars/{member.pk}/")
    response = Client().get(avatar)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.size == (128, 128)
    assert not image.getexif()
    # Asked once: a later sign-in with the same picture asks nothing.
    signed_in(integration, avatar=f"{host.origin}/me.jpg")
    assert host.asked == ["/me.jpg"]


def test_a_shipped_avatar_in_a_later_token_takes_the_pictures_place(host):
    integration = integration_create(allowed_origins=host.origin)
    member = signed_in(integration, avatar=f"{host.origin}/me.jpg")
    stored = member.profile.picture

    member = signed_in(integration, avatar="a5")

    assert user_payload(member)["avatar"] == "/static/avatars/a5.svg"
    assert not default_storage.exists(stored)


@pytest.mark.parametrize("path", ["/page.png", "/missing.jpg", "/moved.jpg"])
def test_a_picture_that_cannot_be_had_leaves_the_avatar_as_it_was(host, path):
    integration = integration_create(allowed_origins=host.origin)

    member = signed_in(integration, avatar=f"{host.origin}{path}")

    assert user_payload(member)["avatar"] == "/static/avatars/a1.svg"
    assert host.asked == [path]  # the redirect was not followed


def test_nothing_is_fetched_from_outside_the_integrations_origins(host):
    integration = integration_create(allowed_origins="https://host.example")

    member = signed_in(integration, avatar=f"{host.origin}/me.jpg")

    assert user_payload(member)["avatar"] == "/static/avatars/a1.svg"
    assert host.asked == []


def test_a_picture_address_that_names_no_stored_picture_is_not_found(alice):
    assert Client().get(f"/avatars/{alice.pk}/{'0' * 20}.jpg").status_code == 404
    assert Client().get(f"/avatars/{alice.pk}/../../secret.jpg").status_code == 404
