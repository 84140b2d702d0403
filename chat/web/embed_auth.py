"""The HTTP requests of an embedded room, which has no session cookie (chat/embed/tickets.py):
its ``X-Chat-Ticket`` header says whose they are.

Such a request needs no CSRF token. CSRF abuses a credential the browser adds by itself (a
cookie); a header is added only by the page's own script, and no other site can add it to a
request to us: a custom header takes a CORS preflight, which this site never grants."""

from django.contrib.auth.models import AnonymousUser

from chat.embed.tickets import ticket_user

TICKET_HEADER = "X-Chat-Ticket"


class EmbedTicketMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ticket = request.headers.get(TICKET_HEADER)
        if ticket is not None:
            request.user = ticket_user(ticket=ticket) or AnonymousUser()
            request._dont_enforce_csrf_checks = True
        return self.get_response(request)
