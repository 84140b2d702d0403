"""Rule violations that a client is told about, each with a stable code."""

from django.utils.translation import gettext
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

    def __init__(self, retry_after: float):
        self.retry_after = round(retry_after, 1)
        super().__init__(
            gettext("You are sending too fast. Try again in %(seconds)s s.")
            % {"seconds": max(1, round(retry_after))}
        )

    def fields(self) -> dict:
        return {"retry_after": self.retry_after}
