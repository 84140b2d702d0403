"""Reads: what a room holds and who may see it."""

from chat.models import Message, Room
from chat.payloads import message_payload


def room_get(*, slug: str) -> Room | None:
    return Room.objects.filter(slug=slug).first()


def _readable(*, room: Room, viewer, moderator: bool):
    messages = Message.objects.in_room(room).for_payload()
    if viewer is None:
        return messages.visible()
    return messages.visible_to(viewer, moderator=moderator)


def messages_page(
    *,
    room: Room,
    before_id: int | None = None,
    after_id: int | None = None,
    limit: int,
    viewer=None,
    moderator: bool = False,
) -> tuple[list[Message], bool]:
    """One page of a room's history in ascending id order, and whether more lie beyond it.

    With ``after_id`` the page starts right after that id (catching up); otherwise
    it ends right before ``before_id``, or at the newest message. What ``viewer`` may see:
    moderators deleted and held messages too, an author their own held ones.
    """
    messages = _readable(room=room, viewer=viewer, moderator=moderator)
    if after_id is not None:
        page = list(messages.after(after_id).order_by("id")[: limit + 1])
        return page[:limit], len(page) > limit
    if before_id is not None:
        messages = messages.before(before_id)
    page = list(messages.order_by("-id")[: limit + 1])
    has_more = len(page) > limit
    return list(reversed(page[:limit])), has_more


def messages_around(
    *, room: Room, around_id: int, limit: int, viewer=None, moderator: bool = False
) -> tuple[list[Message], bool, bool]:
    """The page of history around ``around_id`` (a jump to a reply's original or a search
    result): about half before it, the message itself if ``viewer`` may see it, the rest
    after; and whether older and newer messages lie beyond the page."""
    messages = _readable(room=room, viewer=viewer, moderator=moderator)
    older_wanted = limit // 2
    older = list(messages.filter(id__lt=around_id).order_by("-id")[: older_wanted + 1])
    has_more = len(older) > older_wanted
    older = list(reversed(older[:older_wanted]))
    newer_wanted = limit - len(older)
    newer = list(messages.filter(id__gte=around_id).order_by("id")[: newer_wanted + 1])
    has_newer = len(newer) > newer_wanted
    return older + newer[:newer_wanted], has_more, has_newer


def room_last_seq(*, room: Room) -> int:
    """The number of the room's newest committed message (0 for none)."""
    return Room.objects.values_list("last_seq", flat=True).get(pk=room.pk)


def room_catch_up(*, room: Room, after_id: int | None, limit: int) -> tuple[int, list[dict] | None]:
    """The room's newest seq now, and the messages after ``after_id`` up to it.

    The messages are None when there are more than ``limit``: too many to replay.
    The seq is read first, so every message up to it is committed and included;
    anything later reaches the caller through the room's group.
    """
    last_seq = room_last_seq(room=room)
    if after_id is None:
        return last_seq, []
    missed = list(
        Message.objects.in_room(room)
        .visible()
        .after(after_id)
        .filter(seq__lte=last_seq)
        .for_payload()
        .order_by("seq")[: limit + 1]
    )
    if len(missed) > limit:
        return last_seq, None
    return last_seq, [message_payload(message) for message in missed]


def messages_between(*, room: Room, after_seq: int, before_seq: int) -> list[dict]:
    """The messages a socket missed between two it received (a dropped notification)."""
    missed = (
        Message.objects.in_room(room)
        .visible()
        .filter(seq__gt=after_seq, seq__lt=before_seq)
        .for_payload()
        .order_by("seq")
    )
    return [message_payload(message) for message in missed]


RECENT_DELETIONS_LIMIT = 500


def messages_deleted_recently(*, room: Room, since) -> list[int]:
    """Ids of the room's messages deleted since ``since``: a page that reconnects takes
    them off its screen, in case it was away when they went."""
    return list(
        Message.objects.in_room(room)
        .filter(deleted_at__gte=since)
        .order_by("-deleted_at")
        .values_list("id", flat=True)[:RECENT_DELETIONS_LIMIT]
    )
