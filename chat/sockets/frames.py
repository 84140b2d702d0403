"""The envelope both WebSocket protocols share: a JSON object with a ``type``.

Each protocol names its own types and parsers (chat/realtime/protocol.py,
chat/legacy/protocol.py); the checks on the envelope and their errors are the same.
"""

import json

from django.utils.translation import gettext as _

from chat.errors import ChatError


class InvalidJson(ChatError):
    code = "invalid_json"


class InvalidFrame(ChatError):
    code = "invalid_frame"


class UnknownType(ChatError):
    code = "unknown_type"


class InvalidField(ChatError):
    code = "invalid_field"


class BinaryUnsupported(ChatError):
    code = "binary_unsupported"


def frame_parse(*, text: str | None, binary: bytes | None, parsers: dict):
    """The command a text frame asks for, by its ``type`` in ``parsers``; a ChatError
    saying why when it asks for none. Shared by both WebSocket protocols."""
    if binary is not None:
        raise BinaryUnsupported(_("Binary frames are not supported; send JSON text frames."))
    try:
        data = json.loads(text)
    except (ValueError, RecursionError, TypeError) as error:
        raise InvalidJson(_("The frame is not valid JSON.")) from error
    if not isinstance(data, dict):
        raise InvalidFrame(_("A frame must be a JSON object."))
    frame_type = data.get("type")
    parser = parsers.get(frame_type) if isinstance(frame_type, str) else None
    if parser is None:
        raise UnknownType(_("Unknown frame type."))
    return parser(data)
