"""The room page's socket, on its messages: send, edit, delete, react, read history. Each
parses nothing (chat/realtime/protocol.py did) and decides nothing (the core does): it calls
the core and answers the socket."""

from channels.db import database_sync_to_async

from chat import selectors, services
from chat.errors import HistoryRateLimited
from chat.limits import history_rate_take
from chat.messaging.edits import message_current, message_edit
from chat.messaging.reactions import reaction_change
from chat.moderation.deletion import message_delete_in_room
from chat.payloads import frame, message_payload, timestamp
from chat.realtime.protocol import (
    ChangeReaction,
    DeleteMessage,
    EditMessage,
    FetchHistory,
    SendMessage,
)


class MessageCommands:
    """For ChatConsumer: what it needs is ``self.user``, ``self.room``, ``self.me``,
    ``self.moderator`` and ``self.feed``."""

    async def _send_message(self, command: SendMessage):
        with self.feed.held():
            message = await services.message_send(
                room=self.room,
                author=self.user,
                body=command.body,
                client_msg_id=command.client_msg_id,
                moderator=self.moderator,
                reply_to_id=command.reply_to,
                upload_key=command.upload,
            )
            fields = {"held": True} if message.held else {}
            await self.send(
                text_data=frame(
                    "ack",
                    client_msg_id=command.client_msg_id,
                    id=message.pk,
                    seq=message.seq,
                    created=timestamp(message.created),
                    **fields,
                )
            )

    async def _edit(self, command: EditMessage):
        edited = await message_edit(
            actor=self.user,
            room=self.room,
            message_id=command.message_id,
            body=command.body,
            moderator=self.moderator,
        )
        if edited is None:
            # Nothing changed, so the room heard nothing: the editor still gets an answer.
            current = await database_sync_to_async(message_current)(
                room=self.room, message_id=command.message_id
            )
            await self.send(text_data=frame("message.edited", room=self.room.slug, message=current))

    async def _send_history(self, command: FetchHistory):
        wait = await history_rate_take(user_id=self.me["id"])
        if wait is not None:
            raise HistoryRateLimited(wait)
        viewer = {"viewer": self.user, "moderator": self.moderator}
        fields = {"before_id": command.before_id, "after_id": command.after_id}
        if command.around_id is not None:
            messages, has_more, has_newer = await database_sync_to_async(selectors.messages_around)(
                room=self.room, around_id=command.around_id, limit=command.limit, **viewer
            )
            fields.update(around_id=command.around_id, has_newer=has_newer)
        else:
            messages, has_more = await database_sync_to_async(selectors.messages_page)(
                room=self.room,
                before_id=command.before_id,
                after_id=command.after_id,
                limit=command.limit,
                **viewer,
            )
        await self.send(
            text_data=frame(
                "history",
                messages=[message_payload(message) for message in messages],
                has_more=has_more,
                **fields,
            )
        )

    async def _delete(self, command: DeleteMessage):
        await database_sync_to_async(message_delete_in_room)(
            actor=self.user, room=self.room, message_id=command.message_id
        )

    async def _react(self, command: ChangeReaction):
        await reaction_change(
            user=self.user,
            room=self.room,
            message_id=command.message_id,
            emoji=command.emoji,
            add=command.add,
        )
