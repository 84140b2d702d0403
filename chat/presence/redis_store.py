"""Presence shared by every server process through Redis, with heartbeats and a TTL.

Each connection is a member with an expiry time. Live processes push their
connections' expiry forward on every heartbeat; a process that dies (even by
``kill -9``) stops doing so, and the sweep that every process runs removes its
connections once they expire, announcing the users who are then gone.

Keys (``P`` is the site's CHAT_REDIS_PREFIX and ``:p``, passed to the scripts as KEYS[1]):
  P:rooms               set of rooms that have presence
  P:{room}:users        hash user id -> {"user": ..., "since": ...} (one entry per user)
  P:{room}:conns        zset "uid|channel" -> expiry (ms), for the sweep
  P:{room}:u:{uid}      zset channel -> expiry, the user's connections to the room
  P:user:{uid}          zset "room|channel" -> expiry, all the user's connections
  P:{room}:left:{chan}  for a minute: this connection's leave removed the user's entry
  P:sweep:{token}       for a minute: what that sweep returned
Scripts compute some keys themselves, so presence needs one Redis (not a cluster).

A command whose connection failed is sent once more (chat/infra/redis_clients.py), so a
script may run twice: running it again answers as the first run did.
"""

import json
import secrets
import time

from django.utils import timezone

from chat.infra.redis_clients import redis_async
from chat.payloads import timestamp


class ConnectionCapReached(Exception):
    """The user has CHAT_MAX_CONNECTIONS_PER_USER connections open already."""


def presence_prefix(site_prefix: str) -> str:
    """``P``: the presence keys' prefix, within the site's own (CHAT_REDIS_PREFIX)."""
    return f"{site_prefix}:p"


# KEYS[1]: P. ARGV: room, uid, channel, expiry, now, entry json, the user's connection cap
# (0: none). Returns 1 when first, 0 when not, -1 when the user has the cap's number of live
# connections already: counted and entered in one step, so sockets opened at once cannot all
# pass the count. Run again (its channel already known), it is first if the entry it wrote
# is still there.
_JOIN = """
local P, room, uid, channel, expiry = KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local again = redis.call('ZSCORE', P..':'..room..':u:'..uid, channel)
local cap = tonumber(ARGV[7])
if not again and cap > 0 and redis.call('ZCOUNT', P..':user:'..uid, ARGV[5], '+inf') >= cap then
  return -1
end
redis.call('ZADD', P..':'..room..':conns', expiry, uid..'|'..channel)
redis.call('ZADD', P..':'..room..':u:'..uid, expiry, channel)
redis.call('ZADD', P..':user:'..uid, expiry, room..'|'..channel)
redis.call('SADD', P..':rooms', room)
local first = redis.call('HSETNX', P..':'..room..':users', uid, ARGV[6])
if first == 0 and again and redis.call('HGET', P..':'..room..':users', uid) == ARGV[6] then
  return 1
end
return first
"""

# KEYS[1]: P. ARGV: room, uid, channel, now. Returns 1 when that was the user's last
# connection. The user's entry is then gone, and a mark says for a while that this channel
# removed it: run again, the script answers 1 again (the sweep leaves no mark).
_LEAVE = """
local P, room, uid, channel, now = KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local mark = P..':'..room..':left:'..channel
if redis.call('EXISTS', mark) == 1 then
  return 1
end
redis.call('ZREM', P..':'..room..':conns', uid..'|'..channel)
redis.call('ZREM', P..':user:'..uid, room..'|'..channel)
local mine = P..':'..room..':u:'..uid
redis.call('ZREM', mine, channel)
redis.call('ZREMRANGEBYSCORE', mine, 0, now)
if redis.call('ZCARD', mine) == 0 then
  local last = redis.call('HDEL', P..':'..room..':users', uid)
  if last == 1 then
    redis.call('SET', mark, 1, 'PX', 60000)
  end
  return last
end
return 0
"""

# KEYS[1]: P. ARGV: expiry, then room, uid, channel for each local connection.
# Returns the positions (1-based) of connections Redis no longer knew: its state was lost.
# Run again, it finds what the first run refreshed, and answers the same.
_REFRESH = """
local P, expiry, lost = KEYS[1], ARGV[1], {}
for i = 2, #ARGV, 3 do
  local room, uid, channel = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local conns = P..':'..room..':conns'
  if redis.call('ZSCORE', conns, uid..'|'..channel) then
    redis.call('ZADD', conns, 'XX', expiry, uid..'|'..channel)
    redis.call('ZADD', P..':'..room..':u:'..uid, expiry, channel)
    redis.call('ZADD', P..':user:'..uid, expiry, room..'|'..channel)
  else
    table.insert(lost, (i + 1) / 3)
  end
end
return lost
"""

# KEYS[1]: P. ARGV: now, a token new for each sweep. Returns room, entry json pairs for users
# whose last connection expired. The answer is kept for a minute under the token: a sweep
# run again returns it, since nothing else would announce those users as left.
_SWEEP = """
local P, now, gone = KEYS[1], ARGV[1], {}
local answer = P..':sweep:'..ARGV[2]
if redis.call('EXISTS', answer) == 1 then
  return redis.call('LRANGE', answer, 0, -1)
end
for _, room in ipairs(redis.call('SMEMBERS', P..':rooms')) do
  local conns = P..':'..room..':conns'
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', conns, 0, now)) do
    redis.call('ZREM', conns, member)
    local bar = string.find(member, '|', 1, true)
    local uid, channel = string.sub(member, 1, bar - 1), string.sub(member, bar + 1)
    redis.call('ZREM', P..':user:'..uid, room..'|'..channel)
    local mine = P..':'..room..':u:'..uid
    redis.call('ZREM', mine, channel)
    redis.call('ZREMRANGEBYSCORE', mine, 0, now)
    if redis.call('ZCARD', mine) == 0 then
      local entry = redis.call('HGET', P..':'..room..':users', uid)
      if entry then
        redis.call('HDEL', P..':'..room..':users', uid)
        table.insert(gone, room)
        table.insert(gone, entry)
      end
    end
  end
  if redis.call('HLEN', P..':'..room..':users') == 0 and redis.call('ZCARD', conns) == 0 then
    redis.call('SREM', P..':rooms', room)
  end
end
for i = 1, #gone, 1000 do
  redis.call('RPUSH', answer, unpack(gone, i, math.min(i + 999, #gone)))
end
redis.call('PEXPIRE', answer, 60000)
return gone
"""


def _now_ms() -> int:
    return int(time.time() * 1000)


class RedisOnlineUser:
    def __init__(self, entry: dict) -> None:
        self.user, self.since = entry["user"], entry["since"]

    def payload(self) -> dict:
        return {"user": self.user, "since": self.since}


class RedisPresence:
    def __init__(self, *, url: str, ttl_seconds: float, prefix: str) -> None:
        """``prefix``: the site's CHAT_REDIS_PREFIX, so that sites sharing a Redis keep
        their presence apart."""
        self.url = url
        self.ttl_ms = int(ttl_seconds * 1000)
        self.P = presence_prefix(prefix)

    @property
    def _redis(self):
        return redis_async(self.url)

    async def join(self, *, room: str, user: dict, channel_name: str, cap: int = 0) -> bool:
        now = _now_ms()
        entry = json.dumps({"user": user, "since": timestamp(timezone.now())})
        first = await self._redis.eval(
            _JOIN, 1, self.P, room, user["id"], channel_name, now + self.ttl_ms, now, entry, cap
        )
        if first < 0:
            raise ConnectionCapReached()
        return bool(first)

    async def leave(self, *, room: str, user_id: int, channel_name: str) -> bool:
        return bool(
            await self._redis.eval(_LEAVE, 1, self.P, room, user_id, channel_name, _now_ms())
        )

    async def connection_count(self, *, user_id: int) -> int:
        """The user's live connections, to any room, on any process."""
        return await self._redis.zcount(f"{self.P}:user:{user_id}", _now_ms(), "+inf")

    async def is_online(self, *, user_id: int) -> bool:
        return await self.connection_count(user_id=user_id) > 0

    async def online(self, *, room: str) -> list[RedisOnlineUser]:
        entries = await self._redis.hvals(f"{self.P}:{room}:users")
        online = [RedisOnlineUser(json.loads(entry)) for entry in entries]
        return sorted(online, key=lambda entry: entry.since)

    async def counts(self, *, rooms: list[str]) -> dict[str, int]:
        async with self._redis.pipeline(transaction=False) as pipe:
            for room in rooms:
                pipe.hlen(f"{self.P}:{room}:users")
            return dict(zip(rooms, await pipe.execute(), strict=True))

    async def refresh(self, *, connections: list[tuple[str, int, str]]) -> list[int]:
        """Push the expiry of this process's connections forward; indexes of those Redis lost."""
        if not connections:
            return []
        args = [item for connection in connections for item in connection]
        lost = await self._redis.eval(_REFRESH, 1, self.P, _now_ms() + self.ttl_ms, *args)
        return [position - 1 for position in lost]

    async def sweep(self) -> list[tuple[str, dict]]:
        """Remove expired connections; (room, user) for each user that is now gone."""
        gone = await self._redis.eval(_SWEEP, 1, self.P, _now_ms(), secrets.token_hex(8))
        pairs = zip(gone[::2], gone[1::2], strict=True)
        return [(room.decode(), json.loads(entry)["user"]) for room, entry in pairs]
