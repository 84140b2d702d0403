"""The consumers' way to the database: Channels' ``database_sync_to_async``, without a health
check on a connection that answered a moment ago.

Channels closes stale connections before and after every call, as Django does around a
request; with ``CONN_HEALTH_CHECKS`` each call then began with ``SELECT 1``. A socket is not a
request: a send made three round trips where two do, and a connect paid one per step (9 % of
a worker's samples while 1,000 sockets connected; docs/performance.md, round 2). A connection
that answered within ``RECENT_SECONDS`` is taken to be alive; past that, the check runs as
before. Should the database have gone in between, that one call fails (its error reaches the
client, nothing is acknowledged) and the next one checks and reconnects.
"""

import time

from asgiref.sync import SyncToAsync
from channels.db import DatabaseSyncToAsync
from django.db import close_old_connections, connections

RECENT_SECONDS = 1.0


class DatabaseHop(DatabaseSyncToAsync):
    def thread_handler(self, loop, *args, **kwargs):
        close_old_connections()
        now = time.monotonic()
        for connection in connections.all(initialized_only=True):
            used = getattr(connection, "_chat_used_at", None)
            alive = connection.connection is not None and not connection.errors_occurred
            if alive and used is not None and now - used < RECENT_SECONDS:
                connection.health_check_done = True
        try:
            return SyncToAsync.thread_handler(self, loop, *args, **kwargs)
        finally:
            done = time.monotonic()
            for connection in connections.all(initialized_only=True):
                connection._chat_used_at = done if connection.connection is not None else None
            close_old_connections()


database_sync_to_async = DatabaseHop
