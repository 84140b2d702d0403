"""The server's own ``send`` for a socket's frames, past the middleware that has nothing to do
with them.

Channels' SessionMiddleware wraps every ASGI send so that it can save a changed session on an
HTTP response. A WebSocket frame is never one, yet each delivery paid for the check (the
session's lazy object, ``is_empty()``): 9 % of a worker's samples at 20,000 deliveries a second
(docs/performance.md, round 2). The outermost middleware keeps the server's send in the scope;
the consumers write their frames through it.
"""

SERVER_SEND = "chat.server_send"


class ServerSendMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        return await self.app({**scope, SERVER_SEND: send}, receive, send)
