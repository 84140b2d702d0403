"""The socket behind every path no endpoint serves: accepted, then closed with 4404.

Without it the router raises "No route found", which servers answer with an HTTP 500 and
a traceback in the log. Accepting first makes the close code readable by the client (a
refusal before accepting reaches a browser as a bare 403)."""

from channels.generic.websocket import AsyncWebsocketConsumer

from chat.sockets.close_codes import CLOSE_NOT_FOUND


class NoSuchEndpoint(AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()
        await self.close(code=CLOSE_NOT_FOUND)
