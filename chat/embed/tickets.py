"""An embedded room's credential (docs/embed.md, "Without third-party cookies").

A room in an iframe on another site is a third-party page: browsers that block third-party
cookies (Safari, Firefox's strict mode, Chrome by choice) never send it our session cookie.
So the embed keeps no cookie: signing in (a host's token, or a guest's name) answers with a
ticket, which the page holds in memory and session storage (both partitioned by the host
site) and shows on each request: as ``X-Chat-Ticket`` over HTTP, as ``?ticket=`` on the
socket. A ticket is signed with SECRET_KEY, names its user and holds a piece of the user's
session hash, so a password change ends it, and lasts CHAT_EMBED_TICKET_HOURS.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.crypto import constant_time_compare

SALT = "chat.embed.ticket"
HASH_PART = 16


def ticket_issue(*, user) -> str:
    return signing.dumps(
        {"u": user.pk, "h": user.get_session_auth_hash()[:HASH_PART]}, salt=SALT, compress=False
    )


def ticket_user(*, ticket: str):
    """The active user ``ticket`` stands for, or None (unsigned, expired, for someone gone,
    turned off, or whose password changed since)."""
    try:
        data = signing.loads(ticket, salt=SALT, max_age=settings.CHAT_EMBED_TICKET_HOURS * 3600)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = get_user_model().objects.select_related("profile").filter(pk=data["u"]).first()
    if user is None or not user.is_active:
        return None
    if not constant_time_compare(str(data.get("h")), user.get_session_auth_hash()[:HASH_PART]):
        return None
    return user
