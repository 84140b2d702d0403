"""The PHP chat room's JSON protocol (docs/legacy.md): its frames in, its shapes out.

Nothing here touches the database or the channel layer; chat/legacy/consumer.py does, through
the same core as the new page. Client frames are checked for shape and type here,
the way the join form checks a nickname; the rules stay in the services.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from chat.avatars import AVATAR_KEYS, DEFAULT_AVATAR
from chat.errors import ChatError
from chat.identity import NICKNAME_MAX_LENGTH, User
from chat.moderation.errors import Muted
from chat.names import INVISIBLE_MESSAGE, invisible_characters
from chat.payloads import frame
from chat.presence.tracker import OnlineUser
from chat.sockets.frames import InvalidField, frame_parse
from chat.text import is_text

# The old page picks "img/a1.jpg" .. "img/a12.jpg"; the shipped SVGs have the same numbers.
HEADERIMG = re.compile(r"img/(a\d{1,2})\.jpg")
# The new protocol's presence frames and the old page's names for them.
PRESENCE_TYPES = {"presence.joined": "login", "presence.left": "logout"}
# The new protocol's moderation frames for a room, told to the old page as system lines.
MODERATION_TYPES = {"message.deleted", "room.rules"}


class InvalidName(ChatError):
    code = "invalid_name"


class NameInUse(ChatError):
    code = "name_in_use"
    detail = gettext_lazy("That name is in use right now. Please choose another one.")


class NotLoggedIn(ChatError):
    code = "not_logged_in"
    detail = gettext_lazy("Log in before sending messages.")


class AlreadyLoggedIn(ChatError):
    code = "already_logged_in"
    detail = gettext_lazy("You are logged in already.")


@dataclass(frozen=True)
class Login:
    name: str
    avatar: str  # one of AVATAR_KEYS


@dataclass(frozen=True)
class Say:
    text: str


def avatar_from_headerimg(path) -> str:
    """The shipped avatar for the old page's path; the default for anything else."""
    match = HEADERIMG.fullmatch(path) if isinstance(path, str) else None
    if match and match.group(1) in AVATAR_KEYS:
        return match.group(1)
    return DEFAULT_AVATAR


def _name_clean(name: str) -> str:
    name = name.strip()
    if invisible_characters(name):  # zero-width, bidi controls, Hangul fillers, controls
        raise InvalidName(INVISIBLE_MESSAGE)
    try:
        if not 0 < len(name) <= NICKNAME_MAX_LENGTH:
            raise ValidationError("length")
        User.username_validator(name)
    except ValidationError as error:
        raise InvalidName(
            _("A name must be 1 to %(max)d characters: letters, digits and @ . + - _ only.")
            % {"max": NICKNAME_MAX_LENGTH}
        ) from error
    return name


def _login(data: dict) -> Login:
    name = data.get("msg")
    headerimg = data.get("headerimg")
    if not is_text(name) or not (headerimg is None or is_text(headerimg)):
        raise InvalidField(_("“msg” and “headerimg” must be text."))
    return Login(name=_name_clean(name), avatar=avatar_from_headerimg(headerimg))


def _say(data: dict) -> Say:
    text = data.get("msg")
    if not is_text(text):
        raise InvalidField(_("“msg” must be text."))
    return Say(text=text)


PARSERS = {"login": _login, "user": _say}


def legacy_frame_parse(*, text: str | None, binary: bytes | None = None):
    """The command a frame of the old page asks for; a ChatError saying why when none."""
    return frame_parse(text=text, binary=binary, parsers=PARSERS)


def absolute_url(path: str, *, site: str) -> str:
    """A path of ours (an avatar, a picture) made absolute for the old page, which may be
    served from another site."""
    return urljoin(f"{site}/", path) if site else path


def _local(moment: datetime | str) -> datetime:
    # Presence stores keep "since" as a datetime (memory) or as ISO text (shared stores).
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return timezone.localtime(moment, timezone.get_default_timezone())


def user_list(online: list[OnlineUser], *, site: str) -> list[dict]:
    """The old page's ``user_list``: the presence store's entries for a room, oldest first."""
    return [
        {
            "username": entry.user["name"],
            "headerimg": absolute_url(entry.user["avatar"], site=site),
            "login_time": _local(entry.since).strftime("%H:%M"),
        }
        for entry in online
    ]


def presence_frame(presence_type: str, *, name: str, online: list[OnlineUser], site: str) -> str:
    """``login`` / ``logout`` for a new-protocol ``presence.joined`` / ``presence.left``."""
    return frame(PRESENCE_TYPES[presence_type], msg=name, user_list=user_list(online, site=site))


def legacy_text(message: dict, *, site: str) -> str:
    """A message's text for the old page, which shows no pictures: the caption, then the
    picture's address on a line of its own."""
    image = message.get("image")
    if not image:
        return message["body"]
    link = absolute_url(image["url"], site=site)
    return f"{message['body']}\n{link}" if message["body"] else link


def user_frame(message: dict, *, site: str) -> str:
    """The old page's ``user`` frame for a new-protocol message payload."""
    author = message["author"]
    created = _local(message["created"])
    fields = {
        "from": author["name"],
        "msg": legacy_text(message, site=site),
        "headerimg": absolute_url(author["avatar"], site=site),
        "create_time": created.strftime("%Y-%m-%d %H:%M:%S"),
    }
    return frame("user", **fields)


def system_frame(text: str) -> str:
    return frame("system", msg=text)


def moderation_text(data: dict) -> str:
    """A room's ``message.deleted`` or ``room.rules`` frame in words, for the old page."""
    if data["type"] == "message.deleted":
        if data.get("by_author"):
            return _("A message was deleted by its author.")
        count = len(data["ids"])
        return ngettext(
            "A moderator removed a message.", "A moderator removed %(count)d messages.", count
        ) % {"count": count}
    rules = data["rules"]
    if rules["read_only"]:
        return _("This room is read-only now: only moderators can post.")
    parts = []
    if rules["guests_read_only"]:
        parts.append(_("Guests can read this room but not post."))
    if rules["slow_mode_seconds"]:
        parts.append(
            _("Slow mode is on: one message every %(seconds)d s.")
            % {"seconds": rules["slow_mode_seconds"]}
        )
    return " ".join(parts) or _("Everyone can post in this room again.")


def sanction_text(event: dict) -> str:
    """A ``chat.sanction`` event of "mute" or "unmute" in words, for the old page."""
    if event["action"] == "unmute":
        return _("You can send messages again.")
    return str(Muted(until=event["until"], reason=event["reason"], room=event["room"]).detail)


def handshake_frame() -> str:
    return frame("handShake", msg=_("Connected. Log in with a name to chat."))
