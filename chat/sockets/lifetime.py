"""How the room sockets' consumers run: leaving however they end, dispatching cheaply."""

import logging

from channels.consumer import get_handler_name

from chat.broadcast import user_group
from chat.infra.json_logging import log_event
from chat.presence.tracker import presence_exit
from chat.sockets.fanout import room_feed_remove
from chat.sockets.heartbeat import heartbeat
from chat.sockets.server_send import SERVER_SEND

logger = logging.getLogger(__name__)


def frame_failed(log: logging.Logger, *, user: int | None, room: str) -> None:
    """Log a frame whose handling failed with the traceback; the caller answers the client
    and keeps the connection: one bad frame must not take it down."""
    log_event(log, "error", level=logging.ERROR, exc_info=True, user=user, room=room)


class LeavesOnAnyExit:
    """Calls ``leave(code)`` once, whether the socket closed or the consumer failed.

    Channels calls ``disconnect()`` only when the server reports the socket closed. A
    handler that raises (Redis unreachable, a send on a socket that is closing) ends the
    consumer without it, and its user would stay online for good: the heartbeat would
    even keep renewing them. Subclasses implement ``leave`` and must make it idempotent.
    """

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self.leave(code=None)

    async def disconnect(self, code):
        await self.leave(code=code)

    async def leave(self, *, code) -> None:
        raise NotImplementedError

    async def close_with(self, code: int) -> None:
        await self.close(code=code)

    async def send_quietly(self, text: str) -> None:
        """Send, or do nothing when the socket is closing: its disconnect is on the way.
        Straight to the server where chatsite/asgi.py gave its send (chat/sockets/server_send.py):
        what ``self.send`` adds on the way is for HTTP responses."""
        try:
            if (server_send := self.scope.get(SERVER_SEND)) is not None:
                await server_send({"type": "websocket.send", "text": text})
            else:
                await self.send(text_data=text)
        except Exception:
            logger.debug("send on a closing socket dropped", exc_info=True)


async def room_socket_exit(*, room, user: dict, feed, channel_name: str, layer) -> None:
    """Undo what a socket in a room set up, whichever protocol: its heartbeat, its room's
    feed, its user's group, its presence (announcing the user gone when it was the last)."""
    heartbeat().remove(channel_name=channel_name)
    await room_feed_remove(room=room, feed=feed)
    await layer.group_discard(user_group(user["id"]), channel_name)
    await presence_exit(room=room.slug, user=user, channel_name=channel_name)


class NoDatabaseHopPerEvent:
    """Dispatches events without Channels' ``aclose_old_connections()`` before each one.

    That call is a thread-sensitive ``sync_to_async``: every delivery of every message
    waited its turn on the one thread that also saves messages, which capped a room at a
    few thousand deliveries a second (docs/performance.md). These consumers reach the
    database only through ``database_sync_to_async``, which closes stale connections itself.
    """

    async def dispatch(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)
