"""The refusals moderation gives a client, each with a stable code (docs/protocol.md)."""

from datetime import datetime

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chat.errors import ChatError, RateLimited
from chat.payloads import timestamp


def until_text(until) -> str:
    """ "until 2026-12-01 14:05 UTC", "for good": when a sanction ends, for people. One
    numeric form for every language (a locale's "6:30 p.m." would end a sentence twice); the
    room page words ``until`` in the visitor's own time zone itself."""
    if until is None:
        return gettext("for good")
    return gettext("until %(when)s") % {"when": date_format(localtime(until), "Y-m-d H:i T")}


def with_reason(detail: str, reason: str) -> str:
    """``detail``, followed by the moderator's reason when one was given."""
    if not reason:
        return detail
    return gettext("%(detail)s Reason: %(reason)s") % {"detail": detail, "reason": reason}


class InvalidModeration(ChatError):
    code = "invalid"


class NotAllowed(ChatError):
    code = "forbidden"
    detail = _("You are not allowed to do that here.")


class Sanctioned(ChatError):
    """A mute or ban: says until when and why, in words and as fields."""

    message = ""

    def __init__(self, *, until: datetime | str | None, reason: str = "", room: str | None = None):
        if isinstance(until, str):  # as a channel-layer event carries it
            until = datetime.fromisoformat(until)
        self.until, self.reason, self.room = until, reason, room
        super().__init__(with_reason(gettext(self.message) % {"until": until_text(until)}, reason))

    def fields(self) -> dict:
        return {
            "until": timestamp(self.until) if self.until else None,
            "reason": self.reason,
            "room": self.room,
        }


class Muted(Sanctioned):
    code = "muted"
    message = _("A moderator muted you %(until)s: you can read but not send.")


class Banned(Sanctioned):
    code = "banned"
    message = _("A moderator banned you from this room %(until)s.")


class BannedFromSite(Banned):
    message = _("A moderator banned you from this site %(until)s.")


class Kicked(ChatError):
    code = "kicked"

    def __init__(self, *, reason: str = "", room: str | None = None):
        self.reason, self.room = reason, room
        detail = gettext("A moderator removed you from this room. You may come back.")
        super().__init__(with_reason(detail, reason))

    def fields(self) -> dict:
        return {"reason": self.reason, "room": self.room}


class ReadOnly(ChatError):
    code = "read_only"
    detail = _("This room is read-only: only moderators can post.")


class GuestsReadOnly(ReadOnly):
    detail = _("Guests can read this room but not post. Sign up to take part.")


class SlowMode(RateLimited):
    code = "slow_mode"
    message = _("Slow mode is on: one message every %(every)s s. Try again in %(seconds)s s.")

    def __init__(self, retry_after: float, *, every: int):
        self.retry_after = round(retry_after, 1)
        seconds = max(1, round(retry_after))
        ChatError.__init__(self, gettext(self.message) % {"every": every, "seconds": seconds})


class Filtered(ChatError):
    code = "filtered"
    detail = _("Your message contains a word or link that is not allowed here.")


def sanction_event_error(event: dict) -> ChatError:
    """The refusal a ``chat.sanction`` event of "ban" or "kick" (chat/moderation/live.py) is
    for the socket it reaches, in the active language."""
    if event["action"] == "kick":
        return Kicked(reason=event["reason"], room=event["room"])
    error_class = Banned if event["room"] else BannedFromSite
    return error_class(until=event["until"], reason=event["reason"], room=event["room"])
