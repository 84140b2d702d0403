"""Presence shared by every server process through Redis, with heartbeats and a TTL.

Each connection is a member with an expiry time. Live processes push their
connections' expiry forward on every heartbeat; a process that dies (even by
``kill -9``) stops doing so, and the sweep that every process runs removes its
connections once they expire, announcing the users who are then gone.

Keys (``P`` is ``chat:p``):
  P:rooms               set of rooms that have presence
  P:{room}:users        hash user id -> {"user": ..., "since": ...} (one entry per user)
  P:{room}:conns        zset "uid|channel" -> expiry (ms), for the sweep
  P:{room}:u:{uid}      zset channel -> expiry, the user's connections to the room
  P:user:{uid}          zset "room|channel" -> expiry, all the user's connections
Scripts compute some keys themselves, so presence needs one Redis (not a cluster).
"""

import json
import time

from django.utils import timezone

from chat.infra.redis_clients import redis_async
from chat.payloads import timestamp

P = "chat:p"

# ARGV: room, uid, channel, expiry, now, entry json
_JOIN = """
local P, room, uid, channel, expiry = 'chat:p', ARGV[1], ARGV[2], ARGV[3], ARGV[4]
redis.call('ZADD', P..':'..room..':conns', expiry, uid..'|'..channel)
redis.call('ZADD', P..':'..room..':u:'..uid, expiry, channel)
redis.call('ZADD', P..':user:'..uid, expiry, room..'|'..channel)
redis.call('SADD', P..':rooms', room)
return redis.call('HSETNX', P..':'..room..':users', uid, ARGV[6])
"""

# ARGV: room, uid, channel, now. Returns 1 when that was the user's last connection.
_LEAVE = """
local P, room, uid, channel, now = 'chat:p', ARGV[1], ARGV[2], ARGV[3], ARGV[4]
redis.call('ZREM', P..':'..room..':conns', uid..'|'..channel)
redis.call('ZREM', P..':user:'..uid, room..'|'..channel)
local mine = P..':'..room..':u:'..uid
redis.call('ZREM', mine, channel)
redis.call('ZREMRANGEBYSCORE', mine, 0, now)
if redis.call('ZCARD', mine) == 0 then
  return redis.call('HDEL', P..':'..room..':users', uid)
end
return 0
"""

# ARGV: expiry, then room, uid, channel for each local connection.
# Returns the positions (1-based) of connections Redis no longer knew: its state was lost.
_REFRESH = """
local P, expiry, lost = 'chat:p', ARGV[1], {}
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

# ARGV: now. Returns room, entry json pairs for users whose last connection expired.
_SWEEP = """
local P, now, gone = 'chat:p', ARGV[1], {}
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
    def __init__(self, *, url: str, ttl_seconds: float) -> None:
        self.url = url
        self.ttl_ms = int(ttl_seconds * 1000)

    @property
    def _redis(self):
        return redis_async(self.url)

    async def join(self, *, room: str, user: dict, channel_name: str) -> bool:
        now = _now_ms()
        entry = json.dumps({"user": user, "since": timestamp(timezone.now())})
        first = await self._redis.eval(
            _JOIN, 0, room, user["id"], channel_name, now + self.ttl_ms, now, entry
        )
        return bool(first)

    async def leave(self, *, room: str, user_id: int, channel_name: str) -> bool:
        return bool(await self._redis.eval(_LEAVE, 0, room, user_id, channel_name, _now_ms()))

    async def connection_count(self, *, user_id: int) -> int:
        """The user's live connections, to any room, on any process."""
        return await self._redis.zcount(f"{P}:user:{user_id}", _now_ms(), "+inf")

    async def is_online(self, *, user_id: int) -> bool:
        return await self.connection_count(user_id=user_id) > 0

    async def online(self, *, room: str) -> list[RedisOnlineUser]:
        entries = await self._redis.hvals(f"{P}:{room}:users")
        online = [RedisOnlineUser(json.loads(entry)) for entry in entries]
        return sorted(online, key=lambda entry: entry.since)

    async def counts(self, *, rooms: list[str]) -> dict[str, int]:
        async with self._redis.pipeline(transaction=False) as pipe:
            for room in rooms:
                pipe.hlen(f"{P}:{room}:users")
            return dict(zip(rooms, await pipe.execute(), strict=True))

    async def refresh(self, *, connections: list[tuple[str, int, str]]) -> list[int]:
        """Push the expiry of this process's connections forward; indexes of those Redis lost."""
        if not connections:
            return []
        args = [item for connection in connections for item in connection]
        lost = await self._redis.eval(_REFRESH, 0, _now_ms() + self.ttl_ms, *args)
        return [position - 1 for position in lost]

    async def sweep(self) -> list[tuple[str, dict]]:
        """Remove expired connections; (room, user) for each user that is now gone."""
        gone = await self._redis.eval(_SWEEP, 0, _now_ms())
        pairs = zip(gone[::2], gone[1::2], strict=True)
        return [(room.decode(), json.loads(entry)["user"]) for room, entry in pairs]
