"""An embedded room's credential (chat/embed/tickets.py): a ticket instead of the session
cookie, which a third-party frame may not have. Over HTTP as X-Chat-Ticket (no CSRF token,
no cookie), on the socket as ?ticket=; bans, mutes and deactivation hold as for anyone."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.core import signing
from django.test import Client

from chat.embed.tickets import ticket_issue, ticket_user
from chat.models import Sanction
from chat.moderation.sanctions import sanction_record
from chatsite.asgi import application
from tests.factories import UserFactory
from tests.sockets import SITE_ORIGIN, close_code, session_cookie

pytestmark = pytest.mark.django_db


def test_a_ticket_stands_for_its_user_until_it_expires(alice, settings, monkeypatch):
    ticket = ticket_issue(user=alice)
    assert ticket_user(ticket=ticket) == alice

    later = signing.time.time() + settings.CHAT_EMBED_TICKET_HOURS * 3600 + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)

    assert ticket_user(ticket=ticket) is None


def test_a_forged_changed_or_foreign_ticket_stands_for_nobody(alice, bob):
    ticket = ticket_issue(user=alice)
    assert ticket_user(ticket=ticket[:-2] + ("AA" if not ticket.endswith("AA") else "BB")) is None
    assert ticket_user(ticket=signing.dumps({"u": bob.pk, "h": "x"}, salt="other")) is None
    assert ticket_user(ticket="") is None
    # Signed right, but another kind of signed value of this site.
    assert ticket_user(ticket=signing.dumps({"u": bob.pk})) is None


def test_a_password_change_or_deactivation_ends_a_ticket(alice, bob):
    alices, bobs = ticket_issue(user=alice), ticket_issue(user=bob)
    alice.set_password("another long passphrase")
    alice.save()
    bob.is_active = False
    bob.save()

    assert ticket_user(ticket=alices) is None
    assert ticket_user(ticket=bobs) is None


def test_over_http_the_ticket_is_the_user_and_needs_no_csrf_token(alice, lobby):
    embed = Client(enforce_csrf_checks=True, headers={"x-chat-ticket": ticket_issue(user=alice)})

    assert embed.get("/me/rooms/").status_code == 200
    response = embed.post(
        "/chat/lobby/notifications/", '{"muted": true}', content_type="application/json"
    )
    assert response.status_code == 200, response.content
    # Without the ticket, the same request is a stranger's.
    assert Client().get("/me/rooms/").status_code == 401


def test_a_bad_ticket_is_nobody_even_with_a_session_cookie(alice, bob):
    client = Client(headers={"x-chat-ticket": "not a ticket"})
    client.force_login(bob)

    assert client.get("/me/rooms/").status_code == 401


async def embed_socket(ticket: str, *, cookie: str | None = None):
    headers = [(b"host", b"localhost:8000"), (b"origin", SITE_ORIGIN.encode())]
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    return WebsocketCommunicator(application, f"/ws/chat/lobby/?ticket={ticket}", headers=headers)


@pytest.mark.django_db(transaction=True)
async def test_on_the_socket_the_ticket_is_the_user(alice, bob, lobby):
    ticket = await sync_to_async(ticket_issue)(user=alice)
    # A session cookie of someone else, as a browser that allows third-party cookies sends.
    socket = await embed_socket(ticket, cookie=await session_cookie(bob))
    connected, _ = await socket.connect()
    assert connected
    welcome = await socket.receive_json_from()
    assert (welcome["type"], welcome["me"]["name"]) == ("welcome", "alice")
    await socket.disconnect()

    refused = await embed_socket("forged")
    assert (await refused.connect())[0]
    assert await close_code(refused) == 4401


@pytest.mark.django_db(transaction=True)
async def test_a_banned_members_ticket_gets_no_further_than_anyone_banned(lobby):
    member = await sync_to_async(UserFactory)(username="member")
    staff = await sync_to_async(UserFactory)(username="staff", is_staff=True, is_superuser=True)
    ticket = await sync_to_async(ticket_issue)(user=member)
    await sync_to_async(sanction_record)(
        actor=staff, target=member, kind=Sanction.BAN, duration="forever", room=lobby
    )

    socket = await embed_socket(ticket)
    assert (await socket.connect())[0]
    assert await close_code(socket) == 4403
