"""Two sites on one Redis server hear nothing of each other: CHAT_REDIS_PREFIX.

Pub/sub ignores database numbers, so a second site on another database of the same Redis
used to receive the first one's presence frames in its lobby. Each case is also run with
both sites on one prefix, where they do hear each other: that is what the prefix prevents.
"""

import json
import subprocess
import sys

import pytest
from asgiref.sync import sync_to_async
from django.utils.module_loading import import_string

from chat import limits
from chat.broadcast import FRAME_EVENT, room_broadcast, room_group
from chat.infra.redis_clients import channel_layers_redis
from chat.payloads import frame
from chat.presence import tracker
from chat.presence.redis_store import RedisPresence
from tests.conftest import _use_layer
from tests.deploy.deployment_files import ROOT, clean_environment
from tests.sockets import joined, next_frame, next_of_type

ALICE = {"id": 1, "name": "alice", "avatar": "/a1.svg"}
PRODUCTION = {"DEBUG": "false", "ALLOWED_HOSTS": "chat.example.com"}
SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "layer = s.CHANNEL_LAYERS['default']; "
    "print(json.dumps({'prefix': s.CHAT_REDIS_PREFIX, 'backend': layer['BACKEND'], "
    "'layer_prefix': layer['CONFIG'].get('prefix')}))"
)


def started(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env=clean_environment(DJANGO_SETTINGS_MODULE="chatsite.settings", **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def site(**env: str) -> dict:
    """The Redis prefixes a server process makes of this environment."""
    result = started(**PRODUCTION, REDIS_URL="redis://redis:6379/0", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_each_site_has_a_prefix_of_its_own_derived_from_its_secret_not_showing_it():
    secret, other_secret = "s" * 50, "t" * 50
    first = site(SECRET_KEY=secret)
    second_process = site(SECRET_KEY=secret, CHANNEL_LAYER="core")
    other_site = site(SECRET_KEY=other_secret)

    assert first["prefix"] == second_process["prefix"] != other_site["prefix"]
    assert first["layer_prefix"] == second_process["layer_prefix"] == f"{first['prefix']}.asgi"
    assert other_site["layer_prefix"] == f"{other_site['prefix']}.asgi"
    assert "s" * 8 not in first["prefix"] and "t" * 8 not in other_site["prefix"]
    assert site(SECRET_KEY=secret, CHAT_REDIS_PREFIX="chat-eu")["layer_prefix"] == "chat-eu.asgi"


def test_a_prefix_that_cannot_name_channels_is_refused_at_start():
    for bad in ("chat:eu", "chat eu", "x" * 41):
        result = started(**PRODUCTION, SECRET_KEY="s" * 50, CHAT_REDIS_PREFIX=bad)
        assert result.returncode != 0
        assert "CHAT_REDIS_PREFIX must be" in result.stderr


def site_layers(url: str, prefix: str, backend: str) -> dict:
    """CHANNEL_LAYERS of a site with ``prefix`` on ``url``, as settings.py makes them."""
    return channel_layers_redis([url], layer=backend, prefix=prefix, capacity=100, expiry=60)


def layer_of(layers: dict):
    config = layers["default"]
    return import_string(config["BACKEND"])(**config["CONFIG"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("backend", ["pubsub", "core"])
@pytest.mark.parametrize("prefixes", [("site-a", "site-b"), ("site-b", "site-b")])
async def test_a_broadcast_in_one_sites_lobby_reaches_only_that_sites_lobby(
    redis_settings, settings, alice, lobby, backend, prefixes
):
    prefix_a, prefix_b = prefixes
    settings.CHAT_REDIS_PREFIX = prefix_b
    _use_layer(settings, site_layers(redis_settings, prefix_b, backend))
    socket_b, _ = await joined(alice)  # site B's lobby, read by its room receiver
    await next_of_type(socket_b, "synced")
    assert (await next_frame(socket_b))["user"]["name"] == "alice"  # her own arrival
    site_a = layer_of(site_layers(redis_settings, prefix_a, backend))

    presence_a = frame("presence.joined", user={"id": 99, "name": "from site A"}, count=1)
    await site_a.group_send(room_group("lobby"), {"type": FRAME_EVENT, "text": presence_a})
    await room_broadcast(room_slug="lobby", text=frame("pong"))  # site B's own, after it

    heard = await next_frame(socket_b)
    if prefix_a == prefix_b:
        assert heard["type"] == "presence.joined" and heard["user"]["name"] == "from site A"
    else:
        assert heard["type"] == "pong", heard
    await socket_b.disconnect()
    await site_a.flush()


@pytest.mark.parametrize("prefixes", [("site-a", "site-b"), ("site-b", "site-b")])
async def test_one_sites_presence_is_not_listed_nor_swept_by_another(
    redis_settings, settings, prefixes
):
    prefix_a, prefix_b = prefixes
    settings.CHAT_REDIS_PREFIX = prefix_a
    site_a = tracker.presence_store()
    await site_a.join(room="lobby", user=ALICE, channel_name="tab-1")
    dead_process_of_a = RedisPresence(url=redis_settings, ttl_seconds=0, prefix=prefix_a)
    await dead_process_of_a.join(room="lobby", user={**ALICE, "id": 2}, channel_name="x")

    settings.CHAT_REDIS_PREFIX = prefix_b
    site_b = tracker.presence_store()
    listed = [entry.user["id"] for entry in await site_b.online(room="lobby")]
    counted = (await site_b.counts(rooms=["lobby"]))["lobby"]
    swept = await site_b.sweep()

    if prefix_a == prefix_b:
        assert (listed, counted, await site_b.connection_count(user_id=1)) == ([1, 2], 2, 1)
        assert [user["id"] for _, user in swept] == [2]
    else:
        assert (listed, counted, await site_b.connection_count(user_id=1)) == ([], 0, 0)
        assert swept == []
        assert [user["id"] for _, user in await site_a.sweep()] == [2]  # site A's own sweep


@pytest.mark.parametrize("prefixes", [("site-a", "site-b"), ("site-b", "site-b")])
async def test_one_sites_rate_limits_do_not_count_against_another(
    redis_settings, settings, prefixes
):
    prefix_a, prefix_b = prefixes
    settings.CHAT_RATE_LIMIT_MESSAGES = 1
    take_guest = sync_to_async(limits.allowance_take)
    guests = {"key": "guests:address:192.0.2.1", "limit": 1, "window": 60}
    settings.CHAT_REDIS_PREFIX = prefix_a
    assert await limits.message_rate_take(user_id=1) is None
    assert await take_guest(**guests) is None

    settings.CHAT_REDIS_PREFIX = prefix_b
    if prefix_a == prefix_b:
        assert await limits.message_rate_take(user_id=1) > 0
        assert await take_guest(**guests) > 0
    else:
        assert await limits.message_rate_take(user_id=1) is None
        assert await take_guest(**guests) is None
