"""Reactions: any one emoji, once per person per emoji on a message, taken back at will."""

import emoji as emoji_data
from channels.db import database_sync_to_async
from django.db import IntegrityError, transaction
from django.utils import timezone

from chat.errors import RateLimited
from chat.limits import reaction_rate_take
from chat.messaging.announce import room_frame_send
from chat.messaging.errors import InvalidEmoji, MessageNotFound, TooManyReactions
from chat.models import Message, Reaction, Room
from chat.models.messages import EMOJI_MAX_LENGTH
from chat.moderation.sanctions import mute_active, sanction_error
from chat.payloads import user_payload

QUICK_REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🎉"]
EMOJI_PER_MESSAGE_MAX = 20
VARIATION_SELECTOR = "\ufe0f"


def emoji_clean(*, text: str) -> str:
    """``text`` as one emoji in its fully-qualified form ("❤" and "❤️" are one reaction);
    InvalidEmoji when it is anything else (a letter, two emoji, an emoji and text)."""
    if not isinstance(text, str) or not 0 < len(text) <= EMOJI_MAX_LENGTH:
        raise InvalidEmoji()
    text = text.strip()
    if not emoji_data.is_emoji(text):
        raise InvalidEmoji()
    bare = text.replace(VARIATION_SELECTOR, "")
    qualified = emoji_data.STATUS["fully_qualified"]
    for form in (text, bare + VARIATION_SELECTOR, bare):
        if emoji_data.EMOJI_DATA.get(form, {}).get("status") == qualified:
            return form
    return text


def _reactable(*, room: Room, message_id: int) -> Message:
    """A message of ``room`` the room can see: none on a deleted or held one."""
    message = Message.objects.in_room(room).visible().filter(pk=message_id).first()
    if message is None:
        raise MessageNotFound()
    return message


def _touch(message: Message) -> None:
    Message.objects.filter(pk=message.pk).update(changed_at=timezone.now())


def reaction_add_apply(*, user, room: Room, message_id: int, emoji: str) -> bool:
    """Add ``user``'s ``emoji`` to the message; False when it was there already. A mute
    holds reactions too: they are a way of speaking."""
    if (mute := mute_active(user=user, room=room)) is not None:
        raise sanction_error(mute)
    message = _reactable(room=room, message_id=message_id)
    with transaction.atomic():
        given = Reaction.objects.filter(message=message)
        if given.filter(user=user, emoji=emoji).exists():
            return False
        new_emoji = not given.filter(emoji=emoji).exists()
        if new_emoji and given.values("emoji").distinct().count() >= EMOJI_PER_MESSAGE_MAX:
            raise TooManyReactions(EMOJI_PER_MESSAGE_MAX)
        try:
            with transaction.atomic():
                Reaction.objects.create(message=message, user=user, emoji=emoji)
        except IntegrityError:
            return False  # the same click, twice at once
        _touch(message)
    return True


def reaction_remove_apply(*, user, room: Room, message_id: int, emoji: str) -> bool:
    """Take back ``user``'s ``emoji``; False when there was none."""
    message = _reactable(room=room, message_id=message_id)
    with transaction.atomic():
        removed, _ = Reaction.objects.filter(message=message, user=user, emoji=emoji).delete()
        if removed:
            _touch(message)
    return bool(removed)


async def reaction_change(*, user, room: Room, message_id: int, emoji: str, add: bool) -> bool:
    """Add or take back a reaction, then tell the room (``reaction.added`` or
    ``reaction.removed``) once it has committed. Both are idempotent: nothing is told when
    nothing changed."""
    emoji = emoji_clean(text=emoji)
    if (retry_after := await reaction_rate_take(user_id=user.pk)) is not None:
        raise RateLimited(retry_after)
    apply = reaction_add_apply if add else reaction_remove_apply
    changed = await database_sync_to_async(apply)(
        user=user, room=room, message_id=message_id, emoji=emoji
    )
    if changed:
        await room_frame_send(
            room_slug=room.slug,
            frame_type="reaction.added" if add else "reaction.removed",
            message_id=message_id,
            emoji=emoji,
            user=user_payload(user),
        )
    return changed
