"""How fast one user may send: a sliding window shared by all of the user's connections.

With Redis configured the window lives in Redis, so it holds across server processes;
otherwise in this process's memory.
"""

import threading
import time
from collections import defaultdict, deque

from django.conf import settings

from chat.infra.redis_clients import redis_async

# KEYS[1] the user's window; ARGV: now (ms), window (ms), limit, member
_TAKE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, ARGV[1] - ARGV[2])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return -1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tonumber(oldest[2]) + tonumber(ARGV[2]) - tonumber(ARGV[1])
"""


class MemoryRateLimiter:
    def __init__(self) -> None:
        self._sent: dict[int, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def take(self, *, user_id: int, limit: int, window: float) -> float | None:
        now = time.monotonic()
        with self._lock:
            sent = self._sent[user_id]
            while sent and sent[0] <= now - window:
                sent.popleft()
            if len(sent) < limit:
                sent.append(now)
                return None
            return sent[0] + window - now


class RedisRateLimiter:
    def __init__(self, url: str) -> None:
        self._url = url

    async def take(self, *, user_id: int, limit: int, window: float) -> float | None:
        client = redis_async(self._url)
        now_ms = int(time.time() * 1000)
        member = f"{now_ms}-{time.monotonic_ns()}"
        wait_ms = await client.eval(
            _TAKE, 1, f"chat:rate:{user_id}", now_ms, int(window * 1000), limit, member
        )
        return None if wait_ms < 0 else wait_ms / 1000


_memory = MemoryRateLimiter()


async def message_rate_take(*, user_id: int) -> float | None:
    """Count one message against the user's allowance: None when allowed, else seconds to wait."""
    allowance = {
        "user_id": user_id,
        "limit": settings.CHAT_RATE_LIMIT_MESSAGES,
        "window": settings.CHAT_RATE_LIMIT_SECONDS,
    }
    if settings.REDIS_URL:
        return await RedisRateLimiter(settings.REDIS_URL).take(**allowance)
    return _memory.take(**allowance)


def frame_too_big(*, text: str | None, binary: bytes | None) -> bool:
    """Over CHAT_MAX_FRAME_BYTES: the socket is closed with 4009 (daphne enforces the
    same bound with --websocket-max-message-size, before the frame reaches Django)."""
    size = len(text.encode()) if text is not None else len(binary or b"")
    return size > settings.CHAT_MAX_FRAME_BYTES
