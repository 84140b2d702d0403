"""Settings come from the environment; production refuses unsafe ones at start."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "chat.example.com"}
SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'layer': s.CHANNEL_LAYERS['default']['BACKEND'], 'debug': s.DEBUG, "
    "'hosts': s.ALLOWED_HOSTS}))"
)


def start(**environment) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}
    }
    env.update(environment, DJANGO_SETTINGS_MODULE="chatsite.settings")
    return subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_with_nothing_set_the_app_refuses_to_start_without_a_secret():
    result = start()
    assert result.returncode != 0
    assert "set the SECRET_KEY environment variable" in result.stderr


def test_production_needs_allowed_hosts():
    result = start(DEBUG="false", SECRET_KEY="k" * 50)
    assert result.returncode != 0
    assert "set ALLOWED_HOSTS" in result.stderr


def test_production_refuses_a_wildcard_host():
    result = start(**{**PRODUCTION, "ALLOWED_HOSTS": "*"})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS=* is refused when DEBUG is off" in result.stderr


def test_the_embedded_default_is_sqlite_and_the_in_memory_layer():
    shown = json.loads(start(DEBUG="true").stdout)
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["layer"] == "channels.layers.InMemoryChannelLayer"


def test_production_settings_switch_to_postgresql_and_redis():
    shown = json.loads(
        start(
            **PRODUCTION,
            DATABASE_URL="postgres://chat:pw@db:5432/chat",
            REDIS_URL="redis://redis:6379/0",
        ).stdout
    )
    assert shown == {
        "engine": "django.db.backends.postgresql",
        "layer": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "debug": False,
        "hosts": ["chat.example.com"],
    }


def test_the_queueing_redis_layer_can_be_chosen_instead():
    shown = json.loads(
        start(**PRODUCTION, REDIS_URL="redis://redis:6379/0", CHANNEL_LAYER="core").stdout
    )
    assert shown["layer"] == "channels_redis.core.RedisChannelLayer"


def test_an_unknown_channel_layer_is_refused():
    result = start(**PRODUCTION, REDIS_URL="redis://redis:6379/0", CHANNEL_LAYER="rabbit")
    assert result.returncode != 0
    assert "CHANNEL_LAYER must be pubsub or core" in result.stderr


@pytest.mark.django_db
def test_healthz_reports_database_and_channel_layer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "channel_layer": "ok"}


@pytest.mark.django_db
def test_healthz_fails_when_the_channel_layer_is_unreachable(client, settings):
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    channel_layers.backends.clear()

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["channel_layer"] == "error"
    assert response.json()["database"] == "ok"
