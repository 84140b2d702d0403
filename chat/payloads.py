"""The JSON shapes the server sends, built in one place for both protocols."""

import json
from datetime import datetime

from chat.avatars import DEFAULT_AVATAR, avatar_url
from chat.models import Message, Room


def timestamp(moment: datetime) -> str:
    return moment.isoformat()


def user_payload(user) -> dict:
    profile = getattr(user, "profile", None)
    return {
        "id": user.pk,
        "name": user.get_username(),
        "avatar": avatar_url(profile.avatar if profile else DEFAULT_AVATAR),
    }


def room_payload(room: Room) -> dict:
    return {"slug": room.slug, "title": room.title}


def message_payload(message: Message) -> dict:
    payload = {
        "id": message.pk,
        "seq": message.seq,
        "room": message.room.slug,
        "author": user_payload(message.author),
        "body": message.body,
        "created": timestamp(message.created),
        "client_msg_id": message.client_msg_id,
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
