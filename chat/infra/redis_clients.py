"""Redis clients for the presence store and the rate limiter, one pool per URL (and loop).

They connect exactly as the channel layer does: ``redis_host`` turns a REDIS_URL into the
channel layer's ``hosts`` entry (settings.py), and the clients here are built from the same
entry, so a password, TLS (``rediss://``) or Sentinel applies to all three alike.
"""

import asyncio
import threading
import weakref
from collections.abc import Sequence

import redis
import redis.asyncio
import redis.asyncio.sentinel
import redis.sentinel
from redis.connection import SSLConnection, parse_url

# A dead Redis must fail a request within seconds, not hang it.
TIMEOUTS = {"socket_timeout": 2, "socket_connect_timeout": 2}
SENTINEL_PORT = 26379

_sync: dict[str, redis.Redis] = {}
_async: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


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


def channel_layer_host(
    url: str, *, sentinels: Sequence[str] = (), sentinel_password: str = ""
) -> dict:
    """``redis_host`` with the read timeouts the channel layer's blocking reads need."""
    host = redis_host(url, sentinels=sentinels, sentinel_password=sentinel_password)
    if isinstance(host, str):
        host = {"address": host}
    return {**host, **CHANNEL_LAYER_TIMEOUTS}


def _sentinel_settings() -> dict:
    from django.conf import settings

    return {
        "sentinels": settings.REDIS_SENTINELS,
        "sentinel_password": settings.REDIS_SENTINEL_PASSWORD,
    }


def _client(module, url: str):
    """A client of ``module`` (redis or redis.asyncio) for the host entry of ``url``."""
    host = redis_host(url, **_sentinel_settings())
    if isinstance(host, str):
        return module.Redis.from_url(host, **TIMEOUTS)
    options = dict(host)
    sentinel = module.sentinel.Sentinel(
        options.pop("sentinels"),
        sentinel_kwargs={**TIMEOUTS, **(options.pop("sentinel_kwargs") or {})},
        **TIMEOUTS,
    )
    return sentinel.master_for(options.pop("master_name"), **options)


def redis_sync(url: str) -> redis.Redis:
    with _lock:
        if url not in _sync:
            _sync[url] = _client(redis, url)
        return _sync[url]


def redis_async(url: str) -> redis.asyncio.Redis:
    """A client for the running event loop: asyncio connections cannot cross loops."""
    clients = _async.setdefault(asyncio.get_running_loop(), {})
    if url not in clients:
        clients[url] = _client(redis.asyncio, url)
    return clients[url]
