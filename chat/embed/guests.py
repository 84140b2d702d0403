"""A visitor the host site did not sign in, joining an embedded room as a guest: as at /join/
(the same limits and bans), unless the integration lets only its members chat."""

from chat import identity, limits
from chat.embed.errors import GuestsNotAllowed
from chat.models import Integration, Room
from chat.moderation import devices
from chat.moderation.sanctions import ban_check


def embed_guest_join(
    *, integration: Integration, room: Room, nickname: str, avatar: str, address: str | None
):
    """A new guest for ``room``'s embed on ``integration``'s site. An embed has no cookie of
    ours, so the ban check and the allowance go by the client's address alone."""
    if not integration.guests_without_token:
        raise GuestsNotAllowed()
    ban_check(room=room, address_key=devices.address_key(address))
    limits.guest_allowance_take(address=address)
    return identity.guest_create(nickname=nickname, avatar=avatar)
