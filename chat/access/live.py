"""What a change of access tells open sockets, after its commit: every socket in the room
asks again whether its user may still read it, and closes if not, on every process."""

import logging

from asgiref.sync import async_to_sync
from django.db import transaction

from chat.broadcast import room_broadcast

logger = logging.getLogger(__name__)


def access_changed_announce(*, room_slug: str) -> None:
    async def send():
        await room_broadcast(room_slug=room_slug, text=None, access=True)

    def announce():
        try:
            async_to_sync(send)()
        except Exception:
            # The change is saved and every connect checks it; open sockets learn of it when
            # they reconnect.
            logger.exception("announcing an access change in %s failed", room_slug)

    transaction.on_commit(announce)
