"""Writes: sending messages and creating rooms. Announcements go out after commit."""

import logging
import secrets

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from chat.access.direct import direct_send_check
from chat.attention.notify import message_notify
from chat.broadcast import room_broadcast
from chat.errors import BodyTooLong, ChatError, EmptyBody, RateLimited
from chat.limits import message_rate_take, room_allowance_check
from chat.messaging.mentions import mentions_find, mentions_save, payload_cache
from chat.messaging.numbering import (
    message_insert_numbered,
    numbered_insert_possible,
    room_seq_take,
)
from chat.messaging.replies import reply_target
from chat.models import Message, Room, Upload
from chat.moderation.filters import FilterOutcome, filter_apply
from chat.moderation.rules import send_check
from chat.names import text_visible_check
from chat.payloads import frame, message_payload
from chat.text import controls_drop, has_visible
from chat.uploads.attaching import upload_attach, upload_usable

logger = logging.getLogger(__name__)


def message_body_clean(*, body: str, caption: bool = False) -> str:
    """The body as stored: controls dropped, trimmed; one that shows nothing is empty, which
    only a picture's caption (``caption``) may be."""
    body = controls_drop(body).strip()
    if not has_visible(body):
        if caption:
            return ""
        raise EmptyBody()
    limit = settings.CHAT_MESSAGE_MAX_LENGTH
    if len(body) > limit:
        raise BodyTooLong(
            _("A message can be at most %(limit)d characters long.") % {"limit": limit}
        )
    return body


def message_save(
    *,
    room: Room,
    author,
    body: str,
    client_msg_id: str | None = None,
    held: bool = False,
    reply_to: Message | None = None,
    upload: Upload | None = None,
) -> tuple[Message, bool]:
    """Save a message numbered in its room, in its own transaction, with the people it
    mentions and the picture it shows: the message and True, or, for a resend of a
    ``client_msg_id`` this author used before, the earlier message and False.

    The insert comes first and the unique constraint on (author, client_msg_id) catches the
    resend. A plain message on PostgreSQL is one statement (number and insert together,
    chat/messaging/numbering.py); elsewhere, or with a mention or a picture to save with it,
    UPDATE … RETURNING and INSERT in a transaction.
    """
    found = mentions_find(body=body)
    message = Message(
        room=room,
        author=author,
        body=body,
        client_msg_id=client_msg_id,
        held=held,
        reply_to=reply_to,
    )
    try:
        if not found and upload is None and numbered_insert_possible():
            message_insert_numbered(message=message)
            mentions_save(message=message, found=found)  # none: no query, an empty cache
        else:
            with transaction.atomic():
                message.seq = room_seq_take(room=room)
                message.save(force_insert=True)
                mentions_save(message=message, found=found)
                if upload is not None:
                    upload_attach(upload=upload, message=message)
    except IntegrityError:
        if sent := message_sent_before(author=author, client_msg_id=client_msg_id):
            return sent, False
        raise
    if upload is None:
        Message.image.related.set_cached_value(message, None)
    payload_cache(message)["reactions"] = []
    return message, True


def message_sent_before(*, author, client_msg_id: str | None) -> Message | None:
    if client_msg_id is None:
        return None
    return Message.objects.filter(author=author, client_msg_id=client_msg_id).first()


def message_screen(*, room: Room, author, body: str, moderator: bool) -> FilterOutcome:
    """The room's rules and the word filter on one send (chat/moderation/): refused with
    their error, or the body to save and whether it is held."""
    rules = send_check(room=room, author=author, moderator=moderator)
    direct_send_check(room=room, author=author)
    return filter_apply(
        room=room, author=author, body=body, moderator=moderator, entries=rules["filtered"]
    )


def message_accept(
    *,
    room: Room,
    author,
    body: str,
    client_msg_id: str | None,
    moderator: bool,
    reply_to_id: int | None = None,
    upload_key: str | None = None,
) -> tuple[Message, bool]:
    """Screen and save a send in one trip to the database thread: ``message_save``'s answer.
    A refused resend of a message saved before returns that message: a mute, a filter entry
    or slow mode added since (or the deletion of the message it answers, or its picture
    used) takes back nothing that was acknowledged."""
    try:
        screened = message_screen(room=room, author=author, body=body, moderator=moderator)
        reply_to = reply_target(room=room, reply_to_id=reply_to_id)
        upload = upload_usable(author=author, room=room, key=upload_key) if upload_key else None
    except ChatError:
        if sent := message_sent_before(author=author, client_msg_id=client_msg_id):
            return sent, False
        raise
    return message_save(
        room=room,
        author=author,
        body=screened.body,
        client_msg_id=client_msg_id,
        held=screened.held,
        reply_to=reply_to,
        upload=upload,
    )


async def message_send(
    *,
    room: Room,
    author,
    body: str,
    client_msg_id: str | None = None,
    moderator: bool = False,
    reply_to_id: int | None = None,
    upload_key: str | None = None,
) -> Message:
    """Save a message, then announce it to the room: its transaction has committed by then.
    With ``upload_key`` it shows that picture (chat/uploads/), and its body is a caption
    that may be empty.

    A resend with the same ``client_msg_id`` from the same author (after a dropped
    connection, or racing the first send) returns the message saved the first time and
    announces nothing, even past the rate limit, a mute or a filter entry added since. A
    failed announcement is logged, not raised: the message is saved, and clients recover
    it by its number (see docs/reliability.md). A message the filter holds is announced as
    its number alone, so that receivers see no gap.
    """
    body = message_body_clean(body=body, caption=upload_key is not None)
    if (retry_after := await message_rate_take(user_id=author.pk)) is not None:
        # Looked up only here: for a send within the limit the insert itself finds a resend.
        sent = await database_sync_to_async(message_sent_before)(
            author=author, client_msg_id=client_msg_id
        )
        if sent is not None:
            return sent
        raise RateLimited(retry_after)
    message, new = await database_sync_to_async(message_accept)(
        room=room,
        author=author,
        body=body,
        client_msg_id=client_msg_id,
        moderator=moderator,
        reply_to_id=reply_to_id,
        upload_key=upload_key,
    )
    if new:
        await message_announce(message=message, room=room)
    return message


async def message_announce(*, message: Message, room: Room) -> None:
    try:
        text = None if message.held else frame("message", message=message_payload(message))
        await room_broadcast(room_slug=room.slug, text=text, seq=message.seq)
    except Exception:
        logger.exception("announcing message %s in room %s failed", message.pk, room.slug)
    if not message.held:
        await message_notify(message=message, room=room)


def room_create(*, creator, title: str, slug: str = "") -> Room:
    text_visible_check(text=title)  # a title must not hide text or turn it around
    slug = slug or slugify(title) or f"room-{secrets.token_hex(3)}"
    with transaction.atomic():
        room_allowance_check(creator=creator)
        return Room.objects.create(creator=creator, title=title, slug=slug)
