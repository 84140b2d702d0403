"""What access to rooms refuses, each with a stable code (docs/protocol.md)."""

from django.utils.translation import gettext_lazy as _

from chat.errors import ChatError


class RoomNotFound(ChatError):
    code = "room_not_found"
    detail = _("There is no such room, or you are not a member of it.")


class NotMember(ChatError):
    code = "removed"
    detail = _("You are no longer a member of this room.")


class BlockedConversation(ChatError):
    code = "blocked"
    detail = _("You cannot send direct messages to this person.")


class InviteInvalid(ChatError):
    code = "invite_invalid"
    detail = _("This invitation link has expired or was revoked. Ask for a new one.")


class NotRoomManager(ChatError):
    code = "forbidden"
    detail = _("Only the room's owner can do that.")


class InvalidAccessChange(ChatError):
    code = "invalid"
    detail = _("That change is not possible.")
