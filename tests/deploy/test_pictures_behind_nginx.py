"""Pictures as docker compose serves them: uploaded through nginx, checked by the app, and
sent by nginx from the media volume (X-Accel-Redirect, deploy/nginx.conf), with the
picture's headers; the volume itself is not reachable from outside."""

import http.client
import json
import secrets
import urllib.parse
from pathlib import Path

from tests.deploy.conftest import nginx_in_front_of
from tests.deploy.deployment_files import COMPOSE_MEDIA_ROOT, compose, manage
from tests.pictures import picture
from tests.web_clients import Guest, frame_of, guest_login, room_socket


def raw_request(guest: Guest, method: str, path: str, body: bytes = b"", headers=None):
    """One request whose answer is kept as bytes."""
    url = urllib.parse.urlsplit(guest.base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers={**guest.headers(), **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def multipart(field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(12)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_compose_shares_the_media_volume_with_nginx_read_only_where_nginx_looks():
    services = compose()["services"]
    environment = services["web"]["environment"]
    assert environment["MEDIA_ROOT"] == COMPOSE_MEDIA_ROOT
    assert f"media:{COMPOSE_MEDIA_ROOT}" in services["web"]["volumes"]
    assert f"media:{COMPOSE_MEDIA_ROOT}:ro" in services["nginx"]["volumes"]
    assert "media" in compose()["volumes"]
    site = (Path(__file__).parents[2] / "deploy" / "nginx.conf").read_text()
    prefix = environment["CHAT_UPLOAD_ACCEL_REDIRECT"]
    assert f"location {prefix} {{\n        internal;\n        alias {COMPOSE_MEDIA_ROOT}/;" in site


async def test_a_picture_goes_up_through_nginx_and_comes_back_from_the_volume(trial_app):
    allowed = manage(
        "shell",
        "-c",
        "from chat.models import Room; Room.objects.filter(slug='lobby').update(guest_images=True)",
        env=trial_app.env,
    )
    assert allowed.returncode == 0, allowed.stderr
    with nginx_in_front_of(trial_app) as (site, _):
        guest = guest_login(site)
        body, content_type = multipart("image", "photo.jpg", picture("JPEG", size=(900, 300)))
        status, _, answer = raw_request(
            guest,
            "POST",
            "/chat/lobby/uploads/",
            body,
            {
                "Content-Type": content_type,
                "X-CSRFToken": guest.cookies["csrftoken"],
                "Origin": guest.origin,
                "Referer": f"{guest.origin}/chat/lobby/",
            },
        )
        assert status == 201, answer[:500]
        upload = json.loads(answer)["upload"]
        async with await room_socket(guest) as socket:
            await frame_of(socket, "synced")
            await socket.send(
                json.dumps(
                    {
                        "type": "message.send",
                        "body": "",
                        "client_msg_id": "n1",
                        "upload": upload["id"],
                    }
                )
            )
            await frame_of(socket, "ack", client_msg_id="n1")

        status, headers, data = raw_request(guest, "GET", upload["thumb_url"])

        assert status == 200
        assert headers["Content-Type"] == "image/jpeg"
        assert headers.get_all("X-Content-Type-Options") == ["nosniff"]
        assert headers["Content-Security-Policy"] == "default-src 'none'"
        assert "X-Accel-Redirect" not in headers
        media = Path(trial_app.env["MEDIA_ROOT"])
        stored = media / "uploads" / upload["id"][:2] / f"{upload['id']}.thumb.jpg"
        assert data == stored.read_bytes()
        # nginx sent it: the app itself answered with the file's name only.
        to_app = Guest(
            name=guest.name, base_url=trial_app.url, host=guest.host, cookies=guest.cookies
        )
        status, headers, data = raw_request(to_app, "GET", upload["thumb_url"])
        assert (status, data) == (200, b"")
        assert headers["X-Accel-Redirect"].endswith(f"{upload['id']}.thumb.jpg")
        # The volume is not a way in.
        direct = f"/protected-media/uploads/{upload['id'][:2]}/{upload['id']}.jpg"
        assert raw_request(guest, "GET", direct)[0] == 404
        # Nor is an unsent or unknown picture for a stranger.
        assert (
            raw_request(Guest(name="x", base_url=site, host=guest.host), "GET", "/uploads/nope/")[0]
            == 404
        )
