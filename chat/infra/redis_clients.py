"""Redis clients for the presence store and the rate limiter, one pool per URL (and loop).

They connect exactly as the channel layer does: ``redis_host`` turns a REDIS_URL into the
channel layer's ``hosts`` entry (settings.py), and the clients here are built from the same
entry, so a password, TLS (``rediss://``) or Sentinel applies to all three alike.
"""

import asyncio
import hashlib
import hmac
import threading
import weakref
from collections.abc import Sequence

import redis
import redis.asyncio
import redis.asyncio.retry
import redis.asyncio.sentinel
import redis.retry
import redis.sentinel
from redis.backoff import ExponentialBackoff
from redis.connection import SSLConnection, parse_url
from redis.exceptions import ConnectionError, TimeoutError

# A dead Redis must fail a request within seconds, not hang it.
TIMEOUTS = {"socket_timeout": 2, "socket_connect_timeout": 2}
SENTINEL_PORT = 26379

# A Redis restart closes every pooled connection, and the pool's check when it hands one out
# misses a close it has not read yet: the first command sent on it failed (a refused send, a
# socket closed with 1011). Such a command is sent once more, on a new connection, after
# 0.1 s. So a Redis that is back answers it, while one that is down still fails at once (its
# connect is refused) and a silent one within two socket timeouts; the Lua scripts of
# presence and the rate limiter are written to be run twice. No health check here: redis-py
# 8.1 runs its PING inside the connect's own retry, and a silent Redis took four socket
# timeouts to fail instead of two.
RETRIES = 1
BACKOFF_SECONDS = 0.05  # the pause is twice this: redis-py's backoff(1) is base * 2**1
# The channel layer's connections are PINGed when idle this long: a pub/sub subscriber
# otherwise never notices a connection that died silently (no reset, e.g. a host gone).
HEALTH_CHECK_SECONDS = 10
# With every connection of the pool busy, a command waits this long for one to be
# released before it fails, rather than failing at once (MaxConnectionsError).
POOL_WAIT_SECONDS = 5


def _retry(module) -> dict:
    """redis-py's retry options, with ``module``'s (sync or asyncio) Retry class."""
    retry = module.Retry(ExponentialBackoff(cap=2 * BACKOFF_SECONDS, base=BACKOFF_SECONDS), RETRIES)
    return {"retry": retry, "retry_on_error": [ConnectionError, TimeoutError]}


_sync: dict[tuple, redis.Redis] = {}
_async: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def redis_prefix_default(secret_key: str) -> str:
    """A prefix for this deployment's Redis keys and channels: the same for every process
    that shares ``secret_key``, different for another site, and revealing nothing of it."""
    digest = hmac.new(secret_key.encode(), b"chat.redis-prefix", hashlib.sha256).hexdigest()
    return f"chat-{digest[:12]}"


def _address(sentinel: str) -> tuple[str, int]:
    host, _, port = sentinel.rpartition(":")
    if not host or not port.isdigit():  # no port given (or an IPv6 address without one)
        return sentinel.strip("[]"), SENTINEL_PORT
    return host.strip("[]"), int(port)


def redis_host(
    url: str, *, sentinels: Sequence[str] = (), sentinel_password: str = ""
) -> str | dict:
    """The channels-redis ``hosts`` entry for ``url``.

    Without sentinels, the URL itself. With them, the URL's host names the master they
    watch, and its password, database and TLS options are the master's.
    """
    if not sentinels:
        return url
    options = parse_url(url)
    master = options.pop("host")
    options.pop("port", None)
    # channels-redis and redis-py pick their own Sentinel-aware TLS connection for ssl=True.
    if options.pop("connection_class", None) is SSLConnection:
        options["ssl"] = True
    return {
        "sentinels": [_address(sentinel) for sentinel in sentinels],
        "master_name": master,
        "sentinel_kwargs": {"password": sentinel_password} if sentinel_password else None,
        **options,
    }


# channels-redis waits up to 5 s (its brpop_timeout) for a channel's next message, and
# redis-py 8 gives up reading a socket after 5 s by default: every quiet consumer died with
# a TimeoutError (redis/redis-py#4091). A dead Redis still fails at once (connection reset);
# a silent one is caught by the heartbeat's 2 s timeouts.
CHANNEL_LAYER_TIMEOUTS = {"socket_timeout": 30, "socket_connect_timeout": 5}
# The layer's commands are retried once too, after a restart closed their connection, but
# not after a timeout: with its 30 s read timeout that would make a silent Redis hang a
# socket's connect for a minute. channels-redis' pools raise MaxConnectionsError when full.
CHANNEL_LAYER_RETRY = {
    "retry": redis.asyncio.retry.Retry(
        ExponentialBackoff(cap=2 * BACKOFF_SECONDS, base=BACKOFF_SECONDS),
        RETRIES,
        supported_errors=(ConnectionError,),
    ),
    "health_check_interval": HEALTH_CHECK_SECONDS,
}


def channel_layer_host(
    url: str,
    *,
    sentinels: Sequence[str] = (),
    sentinel_password: str = "",
    max_connections: int | None = None,
) -> dict:
    """``redis_host`` with the read timeouts, retries and pool size the channel layer needs."""
    host = redis_host(url, sentinels=sentinels, sentinel_password=sentinel_password)
    if isinstance(host, str):
        host = {"address": host}
    pool = {"max_connections": max_connections} if max_connections else {}
    return {**host, **CHANNEL_LAYER_TIMEOUTS, **CHANNEL_LAYER_RETRY, **pool}


def channel_layers_redis(
    urls: Sequence[str],
    *,
    layer: str,
    prefix: str,
    capacity: int,
    expiry: int,
    sentinels: Sequence[str] = (),
    sentinel_password: str = "",
    max_connections: int | None = None,
) -> dict:
    """CHANNEL_LAYERS on Redis: channels-redis' ``pubsub`` or ``core`` layer over ``urls``.

    Its channels, groups and keys are named after the site's ``prefix`` (CHAT_REDIS_PREFIX),
    "<prefix>.asgi__group__room.lobby" and so on: pub/sub ignores database numbers, so
    without it two sites on one Redis would hear each other's rooms.
    """
    hosts = [
        channel_layer_host(
            url,
            sentinels=sentinels,
            sentinel_password=sentinel_password,
            max_connections=max_connections,
        )
        for url in urls
    ]
    config = {"hosts": hosts, "prefix": f"{prefix}.asgi"}
    if layer == "pubsub":
        return {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": config,
            }
        }
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {**config, "capacity": capacity, "expiry": expiry},
        }
    }


def _redis_settings() -> dict:
    from django.conf import settings

    return {
        "sentinels": tuple(settings.REDIS_SENTINELS),
        "sentinel_password": settings.REDIS_SENTINEL_PASSWORD,
        "max_connections": settings.CHAT_REDIS_MAX_CONNECTIONS,
    }


class _BlockingSentinelPool(
    redis.asyncio.sentinel.SentinelConnectionPool, redis.asyncio.BlockingConnectionPool
):
    """The master's pool, waiting for a free connection as BlockingConnectionPool does."""


class _BlockingSyncSentinelPool(
    redis.sentinel.SentinelConnectionPool, redis.BlockingConnectionPool
):
    pass


def _client(module, url: str, *, sentinels, sentinel_password: str, max_connections: int):
    """A client of ``module`` (redis or redis.asyncio) for the host entry of ``url``."""
    host = redis_host(url, sentinels=sentinels, sentinel_password=sentinel_password)
    options = {
        **TIMEOUTS,
        **_retry(module.retry),
        "max_connections": max_connections,
        "timeout": POOL_WAIT_SECONDS,
    }
    if isinstance(host, str):
        return module.Redis(connection_pool=module.BlockingConnectionPool.from_url(host, **options))
    host = dict(host)
    sentinel = module.sentinel.Sentinel(
        host.pop("sentinels"),
        sentinel_kwargs={**TIMEOUTS, **(host.pop("sentinel_kwargs") or {})},
        **TIMEOUTS,
    )
    pool = _BlockingSentinelPool if module is redis.asyncio else _BlockingSyncSentinelPool
    return sentinel.master_for(
        host.pop("master_name"), connection_pool_class=pool, **host, **options
    )


def redis_sync(url: str) -> redis.Redis:
    options = _redis_settings()
    key = (url, *options.values())
    with _lock:
        if key not in _sync:
            _sync[key] = _client(redis, url, **options)
        return _sync[key]


def redis_async(url: str) -> redis.asyncio.Redis:
    """A client for the running event loop: asyncio connections cannot cross loops."""
    options = _redis_settings()
    key = (url, *options.values())
    clients = _async.setdefault(asyncio.get_running_loop(), {})
    if key not in clients:
        clients[key] = _client(redis.asyncio, url, **options)
    return clients[key]
