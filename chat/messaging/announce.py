"""What a change to a message tells the room: frames without a seq (they change a message
the pages have, and carry no number of their own)."""

import logging

from chat.broadcast import room_broadcast
from chat.payloads import frame

logger = logging.getLogger(__name__)


async def room_frame_send(*, room_slug: str, frame_type: str, **fields) -> None:
    """Announce after the change committed. A failure is logged, not raised: the change is
    saved, and a page that reconnects is sent what changed while it was away."""
    try:
        await room_broadcast(room_slug=room_slug, text=frame(frame_type, room=room_slug, **fields))
    except Exception:
        logger.exception("announcing %s in room %s failed", frame_type, room_slug)
