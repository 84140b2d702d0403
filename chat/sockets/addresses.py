"""How many sockets one client address may hold open in this process, on either endpoint.

Opening a socket costs a client nothing and the server a little memory for as long as it
stays open: without a bound one address could hold thousands (sockets of the old page need
no account at all). Each server process counts its own: with N workers one address may hold
N times CHAT_MAX_SOCKETS_PER_ADDRESS; nginx's ``limit_conn`` bounds the sum in front of them.
An IPv6 client counts by its /64, which one subscriber usually holds whole (as every limit
that counts by address does: chat/limits.py).
"""

import asyncio
import weakref
from collections import Counter

from django.conf import settings

from chat.limits import address_bucket
from chat.sockets.close_codes import CLOSE_TOO_MANY_CONNECTIONS

_open: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Counter]" = weakref.WeakKeyDictionary()


def address_key(scope) -> str | None:
    """The client's address as the limits count it (an IPv6 one by its /64); None if unknown."""
    client = scope.get("client")
    return address_bucket(client[0]) if client else None


class FewSocketsPerAddress:
    """Counts the consumer's socket against its client address for as long as it runs;
    past the bound the socket is accepted and closed with 4429, so the client can read why."""

    address: str | None = None
    address_refused = False

    async def __call__(self, scope, receive, send):
        counts = _open.setdefault(asyncio.get_running_loop(), Counter())
        address = address_key(scope)
        if address is not None and counts[address] >= settings.CHAT_MAX_SOCKETS_PER_ADDRESS:
            self.address_refused = True
            return await super().__call__(scope, receive, send)
        if address is not None:
            counts[address] += 1
        try:
            return await super().__call__(scope, receive, send)
        finally:
            if address is not None:
                counts[address] -= 1
                if counts[address] <= 0:
                    del counts[address]

    async def websocket_connect(self, message):
        if self.address_refused:
            await self.accept()
            await self.close(code=CLOSE_TOO_MANY_CONNECTIONS)
            return
        await super().websocket_connect(message)
