"""Redis clients for the presence store and the rate limiter, one pool per URL (and loop)."""

import asyncio
import threading
import weakref

import redis
import redis.asyncio

_sync: dict[str, redis.Redis] = {}
_async: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def redis_sync(url: str) -> redis.Redis:
    with _lock:
        if url not in _sync:
            _sync[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        return _sync[url]


def redis_async(url: str) -> redis.asyncio.Redis:
    """A client for the running event loop: asyncio connections cannot cross loops."""
    clients = _async.setdefault(asyncio.get_running_loop(), {})
    if url not in clients:
        clients[url] = redis.asyncio.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return clients[url]
