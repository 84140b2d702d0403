"""Parsing the new page's client frames (docs/protocol.md) into checked commands.

Only shapes and types are checked here; the rules (length, emptiness, who may
do what) belong to the services.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from chat.models import ID_MAX
from chat.sockets.frames import InvalidField, frame_parse
from chat.text import is_text

CLIENT_MSG_ID_MAX_LENGTH = 64
HISTORY_LIMIT_MAX = 100


@dataclass(frozen=True)
class SendMessage:
    body: str
    client_msg_id: str | None
    reply_to: int | None = None
    upload: str | None = None  # a picture uploaded first (docs/images.md)


@dataclass(frozen=True)
class FetchHistory:
    before_id: int | None
    after_id: int | None
    limit: int
    around_id: int | None = None


@dataclass(frozen=True)
class EditMessage:
    message_id: int
    body: str


@dataclass(frozen=True)
class DeleteMessage:
    message_id: int


@dataclass(frozen=True)
class ChangeReaction:
    message_id: int
    emoji: str
    add: bool


@dataclass(frozen=True)
class Ping:
    pass


@dataclass(frozen=True)
class MarkRead:
    seq: int


@dataclass(frozen=True)
class Typing:
    pass


def _optional_int(data: dict, name: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= ID_MAX:
        raise InvalidField(
            _("“%(field)s” must be a whole number from 0 to %(max)d.")
            % {"field": name, "max": ID_MAX}
        )
    return value


def _client_msg_id(data: dict) -> str | None:
    client_msg_id = data.get("client_msg_id")
    if client_msg_id is not None and (
        not is_text(client_msg_id) or not 0 < len(client_msg_id) <= CLIENT_MSG_ID_MAX_LENGTH
    ):
        raise InvalidField(
            _("“client_msg_id” must be text of 1 to %(max)d characters.")
            % {"max": CLIENT_MSG_ID_MAX_LENGTH}
        )
    return client_msg_id


def _required_int(data: dict, name: str) -> int:
    value = _optional_int(data, name)
    if value is None:
        raise InvalidField(_("“%(field)s” is required.") % {"field": name})
    return value


def _body(data: dict, client_msg_id: str | None = None) -> str:
    body = data.get("body")
    if not isinstance(body, str):
        raise InvalidField(_("“body” must be text."), client_msg_id=client_msg_id)
    if not is_text(body):
        raise InvalidField(
            _("“body” holds characters that are not valid Unicode text (lone surrogates)."),
            client_msg_id=client_msg_id,
        )
    return body


def _upload(data: dict) -> str | None:
    upload = data.get("upload")
    if upload is not None and (
        not isinstance(upload, str) or not upload.isascii() or not 0 < len(upload) <= 64
    ):
        raise InvalidField(_("“upload” must be the id an upload answered with."))
    return upload


def _send(data: dict) -> SendMessage:
    # The id first: an error about the body can then name the pending message it refuses.
    client_msg_id = _client_msg_id(data)
    try:
        upload = _upload(data)
        reply_to = _optional_int(data, "reply_to")
    except InvalidField as error:
        raise InvalidField(error.detail, client_msg_id=client_msg_id) from None
    # A picture's caption may be left out.
    body = "" if upload is not None and "body" not in data else _body(data, client_msg_id)
    return SendMessage(body=body, client_msg_id=client_msg_id, reply_to=reply_to, upload=upload)


def _edit(data: dict) -> EditMessage:
    return EditMessage(message_id=_required_int(data, "id"), body=_body(data))


def _delete(data: dict) -> DeleteMessage:
    return DeleteMessage(message_id=_required_int(data, "id"))


def _reaction(add: bool):
    def parse(data: dict) -> ChangeReaction:
        message_id = _required_int(data, "message_id")
        emoji = data.get("emoji")
        if not isinstance(emoji, str) or not is_text(emoji):
            raise InvalidField(_("“emoji” must be text."))
        return ChangeReaction(message_id=message_id, emoji=emoji, add=add)

    return parse


def _history(data: dict) -> FetchHistory:
    before_id = _optional_int(data, "before_id")
    after_id = _optional_int(data, "after_id")
    around_id = _optional_int(data, "around_id")
    if sum(value is not None for value in (before_id, after_id, around_id)) > 1:
        raise InvalidField(_("Give one of “before_id”, “after_id” and “around_id”, not more."))
    limit = _optional_int(data, "limit")
    if limit is None:
        limit = settings.CHAT_HISTORY_PAGE_SIZE
    if not 1 <= limit <= HISTORY_LIMIT_MAX:
        raise InvalidField(_("“limit” must be between 1 and %(max)d.") % {"max": HISTORY_LIMIT_MAX})
    return FetchHistory(before_id=before_id, after_id=after_id, limit=limit, around_id=around_id)


PARSERS = {
    "message.send": _send,
    "message.edit": _edit,
    "message.delete": _delete,
    "reaction.add": _reaction(add=True),
    "reaction.remove": _reaction(add=False),
    "history": _history,
    "ping": lambda data: Ping(),
    "read": lambda data: MarkRead(seq=_required_int(data, "seq")),
    "typing": lambda data: Typing(),
}


def client_frame_parse(*, text: str | None, binary: bytes | None = None):
    """The command a frame of the room page asks for (docs/protocol.md)."""
    return frame_parse(text=text, binary=binary, parsers=PARSERS)
