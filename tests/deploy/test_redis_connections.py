"""Redis as production runs it: a password, TLS, several hosts, Sentinel, each reaching
the channel layer, presence and the rate limiter alike."""

import asyncio
import contextlib
import copy
import json
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers, get_channel_layer

from chat import limits
from chat.infra.redis_clients import CHANNEL_LAYER_RETRY, CHANNEL_LAYER_TIMEOUTS
from chat.presence import tracker
from tests.conftest import missing
from tests.deploy.deployment_files import (
    ROOT,
    clean_environment,
    plain,
    redis_process,
)


def settings_from(**env: str) -> dict:
    """The Redis settings chatsite/settings.py makes of these variables, read in a fresh process.

    The layer's retry policy is an object, not JSON: each host shows it as ``"retry": True``
    when it is CHANNEL_LAYER_RETRY, and use_redis_settings puts it back.
    """
    show = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "from chat.infra.redis_clients import CHANNEL_LAYER_RETRY as r; "
        "c = s.CHANNEL_LAYERS['default']['CONFIG']; "
        "c['hosts'] = [{**{k: v for k, v in h.items() if k not in r}, "
        "'retry': all(h.get(k) == v for k, v in r.items())} for h in c['hosts']]; "
        "print(json.dumps({'layers': s.CHANNEL_LAYERS, 'url': s.REDIS_URL, "
        "'sentinels': s.REDIS_SENTINELS, 'sentinel_password': s.REDIS_SENTINEL_PASSWORD, "
        "'prefix': s.CHAT_REDIS_PREFIX, 'max_connections': s.CHAT_REDIS_MAX_CONNECTIONS}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", show],
        cwd=ROOT,
        env=clean_environment(DEBUG="true", DJANGO_SETTINGS_MODULE="chatsite.settings", **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def use_redis_settings(settings, shown: dict) -> None:
    """Run this process on the settings another process made of the environment."""
    layers = copy.deepcopy(shown["layers"])
    config = layers["default"]["CONFIG"]
    assert all(host.pop("retry") for host in config["hosts"])
    config["hosts"] = [{**host, **CHANNEL_LAYER_RETRY} for host in config["hosts"]]
    settings.CHANNEL_LAYERS = layers
    settings.REDIS_URL = shown["url"]
    settings.CHAT_REDIS_PREFIX = shown["prefix"]
    settings.CHAT_REDIS_MAX_CONNECTIONS = shown["max_connections"]
    settings.REDIS_SENTINELS = shown["sentinels"]
    settings.REDIS_SENTINEL_PASSWORD = shown["sentinel_password"]
    settings.CHAT_RATE_LIMIT_MESSAGES = 2
    channel_layers.backends.clear()


async def exercise_redis() -> None:
    """The channel layer, presence and the rate limiter all work on the configured Redis."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("room.deploy", channel)
    await layer.group_send("room.deploy", {"type": "chat.frame", "text": "hi"})
    async with asyncio.timeout(5):
        assert (await layer.receive(channel))["text"] == "hi"
    await layer.flush()

    store = tracker.presence_store()
    assert type(store).__name__ == "RedisPresence"
    user = {"id": 41, "name": "deploy", "avatar": "/a1.svg"}
    assert await store.join(room="deploy", user=user, channel_name=channel) is True
    assert await store.counts(rooms=["deploy"]) == {"deploy": 1}
    assert await store.leave(room="deploy", user_id=41, channel_name=channel) is True

    user_id = secrets.randbelow(10**9)
    assert await limits.message_rate_take(user_id=user_id) is None
    assert await limits.message_rate_take(user_id=user_id) is None
    assert await limits.message_rate_take(user_id=user_id) > 0  # the third of 2 allowed
    # The same windows from sync code (new guests), through the synchronous client.
    window = {"key": f"deploy:{user_id}", "limit": 1, "window": 60}
    assert await sync_to_async(limits.allowance_take)(**window) is None
    assert await sync_to_async(limits.allowance_take)(**window) > 0


def layer_addresses(shown: dict) -> list[str]:
    """The Redis URLs of the channel layer's hosts, each with the layer's read timeouts."""
    hosts = shown["layers"]["default"]["CONFIG"]["hosts"]
    assert all(host.items() >= CHANNEL_LAYER_TIMEOUTS.items() for host in hosts)
    return [host["address"] for host in hosts]


async def test_a_password_protected_redis_serves_the_layer_presence_and_rate_limits(settings):
    password = secrets.token_hex(16)
    with redis_process(plain("--requirepass", password)) as port:
        shown = settings_from(REDIS_URL=f"redis://:{password}@127.0.0.1:{port}/0")
        assert layer_addresses(shown) == [shown["url"]]
        use_redis_settings(settings, shown)
        await exercise_redis()

        # The password is really needed: without it the same server refuses.
        use_redis_settings(settings, settings_from(REDIS_URL=f"redis://127.0.0.1:{port}/1"))
        with pytest.raises(Exception, match=r"(?i)auth"):
            await exercise_redis()


async def test_several_redis_urls_shard_the_layer_and_keep_presence_on_the_first(settings):
    with redis_process(plain()) as first, redis_process(plain()) as second:
        urls = [f"redis://127.0.0.1:{first}/0", f"redis://127.0.0.1:{second}/0"]
        shown = settings_from(REDIS_URL=",".join(urls))
        assert layer_addresses(shown) == urls
        assert shown["url"] == urls[0]
        use_redis_settings(settings, shown)
        await exercise_redis()

        # Groups are spread over both servers (channels-redis hashes them onto its hosts).
        layer = get_channel_layer()
        channel = await layer.new_channel()
        for number in range(40):
            await layer.group_add(f"room.shard{number}", channel)
        import redis

        for port in (first, second):
            # The pub/sub layer subscribes to a group's channel on the host it hashes to.
            pattern = f"{shown['prefix']}.asgi__group__*"
            subscribed = redis.Redis(port=port).pubsub_channels(pattern)
            assert subscribed, f"no groups on :{port}"
        await layer.flush()


def tls_certificate(directory: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1."""
    if shutil.which("openssl") is None:
        missing("openssl (to make a test certificate)")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            *(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
            ),
            *("-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return cert, key


async def test_rediss_urls_reach_a_tls_redis_for_the_layer_presence_and_rate_limits(
    settings, tmp_path
):
    cert, key = tls_certificate(tmp_path)
    password = secrets.token_hex(16)

    def tls(port: int, directory: Path) -> list[str]:
        return [
            *plain("--requirepass", password)(0, directory),
            "--tls-port",
            str(port),
            "--tls-cert-file",
            str(cert),
            "--tls-key-file",
            str(key),
            "--tls-ca-cert-file",
            str(cert),
            "--tls-auth-clients",
            "no",
        ]

    with contextlib.ExitStack() as stack:
        try:
            port = stack.enter_context(redis_process(tls))
        except RuntimeError as error:
            missing(f"a redis-server built with TLS ({error})")
        url = f"rediss://:{password}@127.0.0.1:{port}/0?ssl_ca_certs={cert}"
        shown = settings_from(REDIS_URL=url)
        assert layer_addresses(shown) == [url]
        use_redis_settings(settings, shown)
        await exercise_redis()

        # The server's certificate is really checked: without the CA it is refused.
        untrusted = f"rediss://:{password}@127.0.0.1:{port}/1"
        use_redis_settings(settings, settings_from(REDIS_URL=untrusted))
        with pytest.raises(Exception, match=r"(?i)certificate"):
            await exercise_redis()


async def test_sentinel_settings_find_the_master_for_the_layer_presence_and_rate_limits(settings):
    password = secrets.token_hex(16)
    with redis_process(plain("--requirepass", password)) as master:

        def sentinel(port: int, directory: Path) -> list[str]:
            conf = directory / "sentinel.conf"
            conf.write_text(
                f"port {port}\nbind 127.0.0.1\ndir {directory}\n"
                f"sentinel monitor chatmaster 127.0.0.1 {master} 1\n"
                f"sentinel auth-pass chatmaster {password}\n"
            )
            return [str(conf), "--sentinel"]

        with redis_process(sentinel) as sentinel_port:
            shown = settings_from(
                REDIS_URL=f"redis://:{password}@chatmaster/0",
                REDIS_SENTINELS=f"127.0.0.1:{sentinel_port}",
            )
            host = shown["layers"]["default"]["CONFIG"]["hosts"][0]
            assert host["master_name"] == "chatmaster"
            assert host["sentinels"] == [["127.0.0.1", sentinel_port]]
            assert (host["password"], host["db"]) == (password, 0)
            use_redis_settings(settings, shown)
            await exercise_redis()


def test_sentinel_settings_carry_tls_and_the_sentinels_own_password():
    shown = settings_from(
        REDIS_URL="rediss://:pw@mymaster/2?ssl_ca_certs=/etc/ca.pem",
        REDIS_SENTINELS="10.0.0.1:26379,10.0.0.2",
        REDIS_SENTINEL_PASSWORD="sentinel-pw",
    )
    host = shown["layers"]["default"]["CONFIG"]["hosts"][0]
    assert host == {
        "sentinels": [["10.0.0.1", 26379], ["10.0.0.2", 26379]],
        "master_name": "mymaster",
        "sentinel_kwargs": {"password": "sentinel-pw"},
        "password": "pw",
        "db": 2,
        "ssl": True,
        "ssl_ca_certs": "/etc/ca.pem",
        "max_connections": 1000,
        "retry": True,
        **CHANNEL_LAYER_TIMEOUTS,
    }
