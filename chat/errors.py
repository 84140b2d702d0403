"""Rule violations that a client is told about, each with a stable code."""

import math
from datetime import timedelta

from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


class ChatError(Exception):
    """A request broke a rule. ``code`` is stable for programs, ``detail`` is for people."""

    code = "invalid"
    detail = _("The request was not valid.")
    # The refused send's own id, when the error is found before the send is parsed whole.
    client_msg_id: str | None = None

    def __init__(self, detail=None, *, client_msg_id: str | None = None):
        if detail is not None:
            self.detail = detail
        if client_msg_id is not None:
            self.client_msg_id = client_msg_id
        super().__init__(str(self.detail))

    def fields(self) -> dict:
        """Extra fields of the error frame, beside code and detail."""
        return {}


class ServerError(ChatError):
    code = "server_error"
    detail = _("Something went wrong on the server.")


class EmptyBody(ChatError):
    code = "empty_body"
    detail = _("A message cannot be empty.")


class BodyTooLong(ChatError):
    code = "body_too_long"


class NicknameTaken(ChatError):
    code = "nickname_taken"
    detail = _("That nickname is taken. Please choose another one.")


class RateLimited(ChatError):
    code = "rate_limited"
    message = _("You are sending too fast. Try again in %(seconds)s s.")

    def __init__(self, retry_after: float):
        self.retry_after = round(retry_after, 1)
        super().__init__(str(self.message) % {"seconds": max(1, round(retry_after))})

    def fields(self) -> dict:
        return {"retry_after": self.retry_after}


class HistoryRateLimited(RateLimited):
    """Too many history pages: the same code and ``retry_after`` as for messages."""

    message = _("You are reading history too fast. Try again in %(seconds)s s.")


def wait_text(seconds: float) -> str:
    """How long until a refusal lifts, in the reader's language ("15 minutes", "5 小时")."""
    # Whole minutes, rounded up: never sooner than the limit allows, nor "0 minutes".
    now = timezone.now()
    minutes = max(1, math.ceil(seconds / 60))
    return timeuntil(now + timedelta(minutes=minutes), now=now)


class TooManyGuests(ChatError):
    """More new guests from one address (or one browser) than an hour allows."""

    code = "too_many_guests"

    def __init__(self, retry_after: float):
        self.retry_after = retry_after
        super().__init__(
            gettext(
                "Too many guests have joined from this browser or network in the last hour. "
                "Please try again in %(wait)s, or log in."
            )
            % {"wait": wait_text(retry_after)}
        )


class TooManyRooms(ChatError):
    """More rooms by one person than a day allows."""

    code = "too_many_rooms"

    def __init__(self, retry_after: float, limit: int):
        self.retry_after = retry_after
        super().__init__(
            ngettext(
                "You can create at most %(limit)d room a day. Please try again in %(wait)s.",
                "You can create at most %(limit)d rooms a day. Please try again in %(wait)s.",
                limit,
            )
            % {"limit": limit, "wait": wait_text(retry_after)}
        )
