"""How fast one user may send: a sliding window shared by all of the user's connections.

With Redis configured the window lives in Redis, so it holds across server processes;
otherwise in this process's memory. The same windows count new guests per client address
and per browser (``guest_allowance_take``); rooms per person are counted in the database
(``room_allowance_check``).
"""

import ipaddress
import threading
import time
from collections import defaultdict, deque
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from chat.errors import TooManyGuests, TooManyRooms
from chat.infra.redis_clients import redis_async, redis_sync
from chat.models import Room

# KEYS[1] the user's window; ARGV: now (ms), window (ms), limit, member (new for each take).
# Run again after a failed connection (chat/infra/redis_clients.py), a take the first run
# counted is allowed again, not counted twice.
_TAKE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, ARGV[1] - ARGV[2])
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then
  return -1
end
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

    def forget_idle(self, *, idle: float) -> None:
        """Drop the windows with nothing counted in the last ``idle`` seconds (no shorter than
        the longest window in use): one per address or browser would otherwise stay forever."""
        cutoff = time.monotonic() - idle
        with self._lock:
            for key in [key for key, sent in self._sent.items() if not sent or sent[-1] <= cutoff]:
                del self._sent[key]


class RedisRateLimiter:
    def __init__(self, url: str, *, prefix: str) -> None:
        """``prefix``: the site's CHAT_REDIS_PREFIX, so that sites sharing a Redis count
        their users apart."""
        self._url = url
        self._prefix = prefix

    async def take(self, *, user_id: int, limit: int, window: float) -> float | None:
        client = redis_async(self._url)
        now_ms = int(time.time() * 1000)
        member = f"{now_ms}-{time.monotonic_ns()}"
        key = f"{self._prefix}:rate:{user_id}"
        wait_ms = await client.eval(_TAKE, 1, key, now_ms, int(window * 1000), limit, member)
        return None if wait_ms < 0 else wait_ms / 1000


_memory = MemoryRateLimiter()


async def message_rate_take(*, user_id: int) -> float | None:
    """Count one message against the user's allowance: None when allowed, else seconds to wait."""
    return await _rate_take(
        user_id=user_id,
        limit=settings.CHAT_RATE_LIMIT_MESSAGES,
        window=settings.CHAT_RATE_LIMIT_SECONDS,
    )


async def history_rate_take(*, user_id: int) -> float | None:
    """Count one history page against the user's allowance, as messages are counted: each
    page is a database query of up to 100 messages, and one socket asked for 200 in 2.5 s."""
    return await _rate_take(
        user_id=f"history:{user_id}",
        limit=settings.CHAT_HISTORY_RATE_LIMIT_PAGES,
        window=settings.CHAT_HISTORY_RATE_LIMIT_SECONDS,
    )


async def reaction_rate_take(*, user_id: int) -> float | None:
    """Count one reaction added or taken back: a click is cheap, a toggling script is not."""
    return await _rate_take(
        user_id=f"reactions:{user_id}",
        limit=settings.CHAT_RATE_LIMIT_REACTIONS,
        window=settings.CHAT_RATE_LIMIT_SECONDS,
    )


async def typing_rate_take(*, user_id: int, room_id: int) -> float | None:
    """One "typing" notice per user and room per CHAT_TYPING_EVERY_SECONDS, across tabs."""
    return await _rate_take(
        user_id=f"typing:{room_id}:{user_id}", limit=1, window=settings.CHAT_TYPING_EVERY_SECONDS
    )


async def _rate_take(*, user_id: int | str, limit: int, window: float) -> float | None:
    allowance = {"user_id": user_id, "limit": limit, "window": window}
    if settings.REDIS_URL:
        limiter = RedisRateLimiter(settings.REDIS_URL, prefix=settings.CHAT_REDIS_PREFIX)
        return await limiter.take(**allowance)
    return _memory.take(**allowance)


def frame_too_big(*, text: str | None, binary: bytes | None) -> bool:
    """Over CHAT_MAX_FRAME_BYTES: the socket is closed with 4009 (daphne enforces the
    same bound with --websocket-max-message-size, before the frame reaches Django)."""
    size = len(text.encode()) if text is not None else len(binary or b"")
    return size > settings.CHAT_MAX_FRAME_BYTES


GUEST_WINDOW_SECONDS = 3600.0
ROOM_WINDOW = timedelta(days=1)


def allowance_key(name: str) -> str:
    """The Redis key of the window ``name``: the one place these keys are spelled."""
    return f"{settings.CHAT_REDIS_PREFIX}:allowance:{name}"


def allowance_take(*, key: str, limit: int, window: float) -> float | None:
    """Count one against the window ``key``, from sync code: None when allowed, else seconds
    until the oldest one counted leaves it. The message rate's windows, in Redis when set."""
    if not settings.REDIS_URL:
        # The message rate's store (its keys there are int user ids, these are strings).
        _memory.forget_idle(idle=max(window, settings.CHAT_RATE_LIMIT_SECONDS))
        return _memory.take(user_id=key, limit=limit, window=window)
    now_ms = int(time.time() * 1000)
    member = f"{now_ms}-{time.monotonic_ns()}"
    wait_ms = redis_sync(settings.REDIS_URL).eval(
        _TAKE, 1, allowance_key(key), now_ms, int(window * 1000), limit, member
    )
    return None if wait_ms < 0 else wait_ms / 1000


def address_bucket(address: str | None) -> str:
    """One client address as the limits count it: an IPv4 address, or the /64 of an IPv6 one,
    the block a single home or server is given (one machine can use any of its addresses)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"  # no address (a Unix socket): such clients share one allowance
    if ip.version == 6:
        if ip.ipv4_mapped:  # ::ffff:192.0.2.1, an IPv4 client of a dual-stack server
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def guest_allowance_take(*, address: str | None, browser: str | None = None) -> None:
    """Count one new guest against its client's address and browser over the past hour;
    TooManyGuests past CHAT_GUESTS_PER_ADDRESS_PER_HOUR or CHAT_GUESTS_PER_BROWSER_PER_HOUR.

    The address is counted first, and so even when the browser is then refused: a client that
    drops its cookie is a new browser each time, and counting browsers first would keep a
    window for each of those, however many the address has been refused.
    """
    windows = [
        (f"guests:address:{address_bucket(address)}", settings.CHAT_GUESTS_PER_ADDRESS_PER_HOUR)
    ]
    if browser:
        windows.append((f"guests:browser:{browser}", settings.CHAT_GUESTS_PER_BROWSER_PER_HOUR))
    for key, limit in windows:
        wait = allowance_take(key=key, limit=limit, window=GUEST_WINDOW_SECONDS)
        if wait is not None:
            raise TooManyGuests(wait)


def room_allowance_check(*, creator) -> None:
    """TooManyRooms when ``creator`` made CHAT_ROOMS_PER_USER_PER_DAY rooms in the past 24
    hours. Counted in the database, which every process shares, Redis or not. Call inside a
    transaction: the creator's row stays locked until commit, so two requests at once are
    counted one after the other."""
    get_user_model().objects.select_for_update().filter(pk=creator.pk).values_list("pk").first()
    limit = settings.CHAT_ROOMS_PER_USER_PER_DAY
    now = timezone.now()
    recent = Room.objects.filter(creator=creator, created__gt=now - ROOM_WINDOW)
    count = recent.count()
    if count < limit:
        return
    # A room may be made again when enough of these are a day old to leave one place free.
    freed = recent.order_by("created").values_list("created", flat=True)[count - limit]
    raise TooManyRooms((freed + ROOM_WINDOW - now).total_seconds(), limit=limit)
