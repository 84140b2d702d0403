"""Writes: sending messages and creating rooms. Announcements go out after commit."""

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext as _

from chat.broadcast import room_broadcast_sync
from chat.errors import BodyTooLong, EmptyBody, RateLimited
from chat.limits import message_rate_take
from chat.models import Message, Room
from chat.payloads import frame, message_payload


def message_body_clean(*, body: str) -> str:
    body = body.strip()
    if not body:
        raise EmptyBody()
    limit = settings.CHAT_MESSAGE_MAX_LENGTH
    if len(body) > limit:
        raise BodyTooLong(
            _("A message can be at most %(limit)d characters long.") % {"limit": limit}
        )
    return body


def room_seq_take(*, room: Room) -> int:
    """The next number in the room. Call inside a transaction: the room's row stays locked
    until commit, so the next sender waits and numbers follow commit order."""
    Room.objects.filter(pk=room.pk).update(last_seq=F("last_seq") + 1)
    return Room.objects.values_list("last_seq", flat=True).get(pk=room.pk)


def _message_sent_before(*, author, client_msg_id: str | None) -> Message | None:
    if client_msg_id is None:
        return None
    return Message.objects.filter(author=author, client_msg_id=client_msg_id).first()


def message_send(*, room: Room, author, body: str, client_msg_id: str | None = None) -> Message:
    """Save a message, then announce it to the room once the transaction has committed.

    A resend with the same ``client_msg_id`` from the same author (after a dropped
    connection, or racing the first send) returns the message saved the first time and
    announces nothing. A failed announcement is logged, not raised: the message is saved,
    and clients recover it by its number (see docs/reliability.md).
    """
    body = message_body_clean(body=body)
    if sent := _message_sent_before(author=author, client_msg_id=client_msg_id):
        return sent
    if (retry_after := message_rate_take(user_id=author.pk)) is not None:
        raise RateLimited(retry_after)
    try:
        with transaction.atomic():
            message = Message.objects.create(
                room=room,
                author=author,
                body=body,
                client_msg_id=client_msg_id,
                seq=room_seq_take(room=room),
            )
            text = frame("message", message=message_payload(message))
            transaction.on_commit(
                lambda: room_broadcast_sync(room=room, text=text, seq=message.seq), robust=True
            )
    except IntegrityError:
        if sent := _message_sent_before(author=author, client_msg_id=client_msg_id):
            return sent
        raise
    return message


def room_create(*, creator, title: str, slug: str = "") -> Room:
    slug = slug or slugify(title) or f"room-{secrets.token_hex(3)}"
    return Room.objects.create(creator=creator, title=title, slug=slug)
