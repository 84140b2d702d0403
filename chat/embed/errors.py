"""Why a host site's sign-in is refused, each with a stable code (docs/embed.md)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chat.errors import ChatError, RateLimited


class TokenInvalid(ChatError):
    """Unreadable, not HS256, or not signed with its integration's secret."""

    code = "token_invalid"
    detail = _(
        "The sign-in token is not valid: it could not be read, or its signature does not "
        "match the integration's secret."
    )


class TokenExpired(ChatError):
    code = "token_expired"
    detail = _("The sign-in token has expired. The host site must sign a new one.")


class TokenNotYetValid(ChatError):
    code = "token_not_yet_valid"
    detail = _("The sign-in token is not valid yet. Check the host server's clock.")


class TokenTooLongLived(ChatError):
    code = "token_too_long_lived"

    def __init__(self, minutes: int):
        super().__init__(
            ngettext(
                "A sign-in token may be valid for at most %(minutes)d minute.",
                "A sign-in token may be valid for at most %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes}
        )


class IntegrationUnknown(ChatError):
    code = "integration_unknown"
    detail = _("The sign-in token's “iss” names no active integration of this site.")


class ClaimInvalid(ChatError):
    code = "claim_invalid"


class NameInvalid(ChatError):
    code = "name_invalid"


class OriginRefused(ChatError):
    code = "origin_refused"
    detail = _("This page's site may not sign people in with this integration's tokens.")


class AccountDisabled(ChatError):
    """The account was turned off in the admin: no token brings it back."""

    code = "banned"
    detail = _("This account has been turned off on this site.")


class SignInRateLimited(RateLimited):
    message = _("Too many sign-ins from this network. Try again in %(seconds)s s.")


class GuestsNotAllowed(ChatError):
    """The integration lets only the members its site signs in chat."""

    code = "guests_not_allowed"
    detail = _("Sign in on the site to chat here.")
