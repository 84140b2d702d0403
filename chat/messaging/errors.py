"""What the message actions refuse, each with a stable code (docs/protocol.md)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chat.errors import ChatError


class MessageNotFound(ChatError):
    code = "not_found"
    detail = _("That message is not in this room, or it was deleted.")


class ReplyNotFound(ChatError):
    code = "reply_not_found"
    detail = _("The message you are replying to is not in this room, or it was deleted.")


class NotYours(ChatError):
    code = "forbidden"
    detail = _("Only its author can edit a message.")


class EditWindowPassed(ChatError):
    code = "edit_window_passed"

    def __init__(self, minutes: int):
        super().__init__(
            ngettext(
                "A message can be edited for %(minutes)d minute after it is sent.",
                "A message can be edited for %(minutes)d minutes after it is sent.",
                minutes,
            )
            % {"minutes": minutes}
        )


class InvalidEmoji(ChatError):
    code = "invalid_emoji"
    detail = _("A reaction is one emoji.")


class TooManyReactions(ChatError):
    code = "too_many_reactions"

    def __init__(self, limit: int):
        super().__init__(
            _("A message can have at most %(limit)d different reactions.") % {"limit": limit}
        )
