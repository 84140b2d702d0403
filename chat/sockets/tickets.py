"""The socket of an embedded room, which has no session cookie (chat/embed/tickets.py): its
``?ticket=`` says whose it is. Inside AuthMiddlewareStack: a socket with a ticket is its
ticket's user's (or nobody's, for a bad one), whatever cookie came with it."""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser

from chat.embed.tickets import ticket_user


def scope_ticket(scope) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("ticket", [])
    return values[0] if values else None


class TicketAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        ticket = scope_ticket(scope)
        if ticket is not None:
            user = await database_sync_to_async(ticket_user)(ticket=ticket)
            scope = {**scope, "user": user or AnonymousUser()}
        return await super().__call__(scope, receive, send)
