import os
import shutil
import subprocess
import tempfile

import pytest
import redis
from asgiref.sync import SyncToAsync
from channels.layers import channel_layers
from django.db import connections

from chat import limits
from chat.infra.redis_clients import channel_layer_host
from chat.presence import tracker
from devtools.loopback import free_port, redis_arguments, wait_for_port
from tests.factories import UserFactory

IN_CI = os.environ.get("CI", "").lower() == "true"
MEMORY_LAYER = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def missing(what: str) -> None:
    """A needed service is absent: a failure in CI, a skip on a developer's machine."""
    if IN_CI:
        pytest.fail(f"{what} is required when CI=true", pytrace=False)
    pytest.skip(f"{what} is not available")


def redis_layer(url: str) -> dict:
    """The channel layer as settings.py builds it for REDIS_URL, read timeouts included."""
    return {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [channel_layer_host(url)]},
        }
    }


@pytest.fixture(scope="session")
def redis_url():
    """REDIS_URL when set, else a throwaway redis-server of the suite's own."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    binary = shutil.which("redis-server")
    if binary is None:
        missing("Redis (set REDIS_URL or install redis-server)")
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="chat-redis-")
    server = subprocess.Popen([binary, *redis_arguments(port, workdir)], stdout=subprocess.DEVNULL)
    try:
        wait_for_port(port, server, what="redis-server")
    except RuntimeError as error:
        server.kill()
        missing(str(error))
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)
    shutil.rmtree(workdir, ignore_errors=True)


def _use_layer(settings, layers: dict) -> None:
    settings.CHANNEL_LAYERS = layers
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test's uploaded pictures in a folder of its own (default_storage follows)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def isolated_realtime(settings):
    """Each test starts with an empty in-memory channel layer and nobody online."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
    _use_layer(settings, MEMORY_LAYER)
    settings.REDIS_URL = ""
    tracker._store = tracker.MemoryPresence()
    limits._memory = limits.MemoryRateLimiter()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def database_thread_closed_after_each_test():
    """sync_to_async (the async ORM, the tests' own calls) runs in asgiref's one database
    thread, which outlives every test; unlike database_sync_to_async it does not close its
    connection, which would hold the test database open when pytest-django drops it."""
    yield
    SyncToAsync.single_thread_executor.submit(connections.close_all).result()


@pytest.fixture
def redis_settings(settings, redis_url):
    """The channel layer, presence and rate limits on a real, emptied Redis."""
    redis.Redis.from_url(redis_url).flushdb()
    _use_layer(settings, redis_layer(redis_url))
    settings.REDIS_URL = redis_url
    return redis_url


@pytest.fixture(params=["memory", "redis"])
def layer(request):
    """Runs a test once on the in-memory layer and once on a real Redis."""
    if request.param == "redis":
        request.getfixturevalue("redis_settings")
    return request.param


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def lobby(db):
    """The lobby from the data migration (recreated after a transactional test's flush)."""
    from chat.models import Room

    return Room.objects.get_or_create(slug="lobby", defaults={"title": "Lobby"})[0]


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


@pytest.fixture
def carol(db):
    return UserFactory(username="carol")


@pytest.fixture
def other_room(db):
    from chat.models import Room

    return Room.objects.create(slug="other", title="Other")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests run last: Playwright's sync API keeps an event loop running in the main
    thread while its browser is open, and asyncio tests cannot start one after it."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
