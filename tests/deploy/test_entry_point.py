"""The image's entry point outside Docker: its CMD and HEALTHCHECK against real services,
behind nginx over plain HTTP and behind a TLS proxy."""

import asyncio
import json
import re
import secrets
import time
import urllib.parse

import pytest
from websockets.exceptions import ConnectionClosed

from tests.deploy.conftest import (
    nginx_in_front_of,
)
from tests.deploy.deployment_files import (
    PRODUCTION_HOST,
)
from tests.web_clients import (
    Guest,
    frame_of,
    guest_login,
    http_request,
    room_socket,
    send_message,
)


def test_the_image_answers_its_health_check(trial_app):
    result = trial_app.healthcheck()
    assert result.returncode == 0, result.stderr
    guest = Guest(name="probe", base_url=trial_app.url, host=trial_app.url.removeprefix("http://"))
    status, _, body = http_request(guest, "GET", "/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok", "channel_layer": "ok"}


def test_the_image_serves_its_collected_static_files_and_compiled_translations(trial_app):
    browser = Guest(name="b", base_url=trial_app.url, host=trial_app.url.removeprefix("http://"))
    status, _, page = http_request(browser, "GET", "/join/", headers={"Accept-Language": "zh-CN"})
    assert status == 200 and "加入聊天" in page  # "Join the chat"
    stylesheet = re.search(r'href="(/static/chat/style\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "collectstatic's hashed names are in the page"
    status, headers, _ = http_request(browser, "GET", stylesheet.group(1))
    assert status == 200 and "immutable" in headers["Cache-Control"]  # whitenoise


async def test_the_image_carries_a_message_from_one_socket_to_another(trial_app):
    alice, bob = guest_login(trial_app.url), guest_login(trial_app.url)
    async with await room_socket(alice) as alice_socket, await room_socket(bob) as bob_socket:
        await frame_of(alice_socket, "synced")
        await frame_of(bob_socket, "synced")
        ack = await send_message(alice_socket, "hello over plain http")
        assert ack["type"] == "ack"
        received = await frame_of(bob_socket, "message")
        assert received["message"]["id"] == ack["id"]
        assert received["message"]["body"] == "hello over plain http"


async def test_the_image_drops_frames_over_64_kib_before_the_app_reads_them(trial_app):
    guest = guest_login(trial_app.url)
    async with await room_socket(guest) as socket_:
        me = (await frame_of(socket_, "welcome"))["me"]
        await socket_.send("x" * (64 * 1024 + 1))
        with pytest.raises(ConnectionClosed):
            await frame_of(socket_, "never")
    # uvicorn (--ws-max-size) closes with 1009 itself; the app, had it read the frame,
    # would have closed with 1009 too, but logged frame_too_big.
    assert socket_.close_code == 1009
    events = [line.get("event") for line in trial_app.log_lines() if line.get("user") == me["id"]]
    assert "frame_too_big" not in events


async def test_logs_are_json_lines_naming_user_room_and_worker_but_never_the_words(trial_app):
    guest = guest_login(trial_app.url)
    secret = f"private words {secrets.token_hex(8)}"
    async with await room_socket(guest) as socket_:
        me = (await frame_of(socket_, "welcome"))["me"]
        frames: list[dict] = []
        answers = [await send_message(socket_, f"{secret} #{n}", skipped=frames) for n in range(4)]
        # Every echo is in before closing: a send racing the close is another matter.
        acked = {answer["id"] for answer in answers if answer["type"] == "ack"}
        echoed = {frame["message"]["id"] for frame in frames if frame["type"] == "message"}
        for _ in acked - echoed:
            await frame_of(socket_, "message")
    assert [answer["type"] for answer in answers] == ["ack", "ack", "ack", "error"]
    assert answers[-1]["code"] == "rate_limited"

    def mine() -> dict[str, dict]:
        lines = [line for line in trial_app.log_lines() if line.get("user") == me["id"]]
        return {line.get("event"): line for line in lines}

    deadline = time.monotonic() + 15
    while "disconnect" not in mine() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    lines = mine()
    assert {"connect", "rate_limited", "disconnect"} <= set(lines), trial_app.output()
    for event in ("connect", "rate_limited", "disconnect"):
        line = lines[event]
        assert line["room"] == "lobby", line
        assert line["worker"].endswith(f":{trial_app.process.pid}"), line
        assert {"time", "level", "logger", "message"} <= set(line)
    assert "private words" not in trial_app.output()


def test_production_redirects_to_https_and_sends_hsts_and_secure_cookies(production_app):
    assert production_app.healthcheck().returncode == 0  # Host and scheme as Docker asks

    browser = Guest(name="b", base_url=production_app.url, host=PRODUCTION_HOST)
    status, headers, _ = http_request(browser, "GET", "/join/")
    assert status == 301
    assert headers["Location"] == f"https://{PRODUCTION_HOST}/join/"

    browser = Guest(name="b", base_url=production_app.url, host=PRODUCTION_HOST, https=True)
    status, headers, _ = http_request(browser, "GET", "/join/")
    assert status == 200
    assert headers["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert "; Secure" in headers["Set-Cookie"] or "; secure" in headers["Set-Cookie"]

    # Another host name is refused, whatever the proxy says.
    stranger = Guest(name="s", base_url=production_app.url, host="evil.example", https=True)
    assert http_request(stranger, "GET", "/join/")[0] == 400


async def test_nginx_proxies_pages_and_websockets_over_plain_http(trial_app):
    with nginx_in_front_of(trial_app) as (site, access_log):
        guest = guest_login(site)  # Host 127.0.0.1:<nginx port>: kept with its port
        status, _, _ = http_request(guest, "GET", "/healthz")
        assert status == 200
        # nginx writes the line once the response is out: a moment after the client has it.
        deadline = time.monotonic() + 5
        while "/healthz" not in access_log.read_text() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        requests = [json.loads(line) for line in access_log.read_text().splitlines()]
        assert requests[-1]["path"] == "/healthz" and requests[-1]["status"] == 200
        assert requests[-1]["upstream"] == f"127.0.0.1:{trial_app.port}"
        async with await room_socket(guest) as tab_1, await room_socket(guest) as tab_2:
            await frame_of(tab_1, "synced")
            await frame_of(tab_2, "synced")
            ack = await send_message(tab_1, "through nginx")
            echoed = await frame_of(tab_2, "message")
            assert ack["type"] == "ack" and echoed["message"]["id"] == ack["id"]
            await tab_2.send(json.dumps({"type": "ping"}))
            await frame_of(tab_2, "pong")


async def test_nginx_behind_a_tls_proxy_serves_the_production_app(production_app):
    with nginx_in_front_of(production_app) as (site, _):
        # As a TLS load balancer in front of nginx would send it: the site's name and https.
        guest = guest_login(site, host=PRODUCTION_HOST, https=True)
        async with await room_socket(guest) as socket_:
            await frame_of(socket_, "synced")
            ack = await send_message(socket_, "through a TLS proxy and nginx")
            assert ack["type"] == "ack"
        # Without the proxy's https, nginx reports its own scheme and Django redirects.
        plain_browser = Guest(name="p", base_url=site, host=PRODUCTION_HOST)
        status, headers, _ = http_request(plain_browser, "GET", "/")
        assert status == 301 and headers["Location"].startswith("https://")


def test_behind_nginx_a_client_cannot_choose_its_address_with_x_forwarded_for(trial_app):
    """The login lock counts wrong passwords per name and address: a client that could set
    its own address (X-Forwarded-For passed on, and uvicorn taking its first entry) would
    guess for ever, four tries per made-up address."""
    with nginx_in_front_of(trial_app) as (site, _):
        visitor = Guest(name="", base_url=site, host=urllib.parse.urlsplit(site).netloc)
        _, _, page = http_request(visitor, "GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"username": f"victim{secrets.token_hex(3)}", "password": "wrong"}
        statuses = []
        for attempt in range(5):
            status, _, _ = http_request(
                visitor,
                "POST",
                "/accounts/login/",
                body=urllib.parse.urlencode({**form, "csrfmiddlewaretoken": token}),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Referer": f"{site}/accounts/login/",
                    "X-Forwarded-For": f"198.51.100.{attempt + 1}",
                },
            )
            statuses.append(status)
        assert statuses == [200, 200, 200, 200, 429]
