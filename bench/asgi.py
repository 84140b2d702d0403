"""The site's ASGI application, with bench-only experiments switched on by BENCH_EXPERIMENTS.

    BENCH_EXPERIMENTS=dispatch

``dispatch``: ChatConsumer handles ``chat.frame`` and ``websocket.receive`` without the
``aclose_old_connections()`` that channels' ``AsyncConsumer.dispatch`` awaits before every
event. That call is ``sync_to_async(close_old_connections)``, thread-sensitive, so every
delivery of every message waits for the one thread that also runs ``message_send``.
The handlers reach the database only through ``database_sync_to_async``, which closes
stale connections itself. Since commit 3ec635c the consumers do this themselves
(chat/lifetime.py, ``NoDatabaseHopPerEvent``), so on such a tree the experiment changes
nothing; it stays to measure older trees and as the place for the next experiment. The
site does not use this module.
"""

import os

from chatsite.asgi import application

EXPERIMENTS = {name for name in os.environ.get("BENCH_EXPERIMENTS", "").split(",") if name}
UNKNOWN = EXPERIMENTS - {"dispatch"}
if UNKNOWN:
    raise ValueError(f"unknown BENCH_EXPERIMENTS {sorted(UNKNOWN)}")

if "dispatch" in EXPERIMENTS:
    from channels.consumer import AsyncConsumer, get_handler_name

    from chat.consumers import ChatConsumer

    async def dispatch(self, message):
        if message["type"] in ("chat.frame", "websocket.receive"):
            await getattr(self, get_handler_name(message))(message)
        else:
            await AsyncConsumer.dispatch(self, message)

    ChatConsumer.dispatch = dispatch

__all__ = ["application"]
