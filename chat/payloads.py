"""The JSON shapes the server sends, built in one place for both protocols."""

import json
from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse

from chat.avatars import DEFAULT_AVATAR, avatar_url
from chat.models import Message, Room


def timestamp(moment: datetime) -> str:
    return moment.isoformat()


def user_payload(user) -> dict:
    profile = getattr(user, "profile", None)
    return {
        "id": user.pk,
        "name": user.get_username(),
        "avatar": profile.avatar_url if profile else avatar_url(DEFAULT_AVATAR),
    }


def room_payload(room: Room) -> dict:
    return {"slug": room.slug, "title": room.title, "kind": room.kind}


def message_image(message: Message):
    """The message's picture (an Upload), or None; no query when it was loaded with the
    message (``for_payload``, ``message_save``)."""
    try:
        return message.image
    except ObjectDoesNotExist:
        return None


def has_image(message: Message) -> bool:
    return message_image(message) is not None


REPLY_EXCERPT_LENGTH = 100


def reply_payload(original: Message | None) -> dict | None:
    """The quote of the message a reply answers: who, and how it started."""
    if original is None:
        return None
    deleted = original.deleted_at is not None
    return {
        "id": original.pk,
        "author": user_payload(original.author),
        "excerpt": "" if deleted else original.body[:REPLY_EXCERPT_LENGTH],
        "deleted": deleted,
        # A picture's quote may have no words: the page then says it quotes a picture.
        "image": not deleted and has_image(original),
    }


def reactions_payload(reactions) -> list[dict]:
    """Reactions grouped by emoji, in the order each emoji was first given."""
    by_emoji: dict[str, list[dict]] = {}
    for reaction in sorted(reactions, key=lambda reaction: reaction.pk):
        by_emoji.setdefault(reaction.emoji, []).append(
            {"id": reaction.user_id, "name": reaction.user.get_username()}
        )
    return [{"emoji": emoji, "users": users} for emoji, users in by_emoji.items()]


def mention_payload(mention) -> dict:
    return {"id": mention.user_id, "name": mention.user.get_username(), "text": mention.text}


def image_payload(upload) -> dict:
    """A message's picture: where to fetch it and its thumbnail, and their sizes, so that the
    page reserves the space before either arrives."""
    key = upload.key
    return {
        "url": reverse("upload", kwargs={"key": key}),
        "thumb_url": reverse("upload-thumbnail", kwargs={"key": key}),
        "width": upload.width,
        "height": upload.height,
        "thumb_width": upload.thumb_width,
        "thumb_height": upload.thumb_height,
    }


def message_payload(message: Message) -> dict:
    """A message as pages see it. Load it with ``Message.objects.for_payload()`` (or as
    message_save returns it): its replies, reactions and mentions then cost no query."""
    payload = {
        "id": message.pk,
        "seq": message.seq,
        "room": message.room.slug,
        "author": user_payload(message.author),
        "body": message.body,
        "created": timestamp(message.created),
        "client_msg_id": message.client_msg_id,
        "edited": timestamp(message.edited_at) if message.edited_at else None,
        "reply_to": reply_payload(message.reply_to) if message.reply_to_id else None,
        "mentions": [mention_payload(mention) for mention in message.mentions.all()],
        "reactions": reactions_payload(message.reactions.all()),
        "image": image_payload(upload) if (upload := message_image(message)) else None,
    }
    # Only moderators' history holds these (and an author's own held messages).
    if message.deleted_at is not None:
        payload["deleted"] = True
    if message.held:
        payload["held"] = True
    return payload


def frame(frame_type: str, **fields) -> str:
    """A server-to-client frame as the text that goes on the wire."""
    return json.dumps({"type": frame_type, **fields}, ensure_ascii=False)
