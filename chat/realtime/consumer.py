"""The new page's WebSocket endpoint, /ws/chat/<slug>/: parse, check, call the core."""

import logging
import re
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from chat.access.rules import room_for_reader
from chat.broadcast import user_group
from chat.errors import ChatError, ServerError
from chat.infra.json_logging import log_event
from chat.limits import frame_too_big
from chat.messaging.changes import changes_read
from chat.moderation.errors import sanction_event_error
from chat.moderation.sockets import standing_read
from chat.payloads import frame, room_payload, user_payload
from chat.presence.tracker import (
    ConnectionCapReached,
    presence_announce,
    presence_enter,
)
from chat.realtime.attention import AttentionFrames
from chat.realtime.message_commands import MessageCommands
from chat.realtime.protocol import (
    ID_MAX,
    ChangeReaction,
    DeleteMessage,
    EditMessage,
    FetchHistory,
    MarkRead,
    Ping,
    SendMessage,
    Typing,
    client_frame_parse,
)
from chat.sockets.addresses import FewSocketsPerAddress
from chat.sockets.close_codes import (
    CLOSE_BANNED,
    CLOSE_FRAME_TOO_BIG,
    CLOSE_KICKED,
    CLOSE_NOT_AUTHENTICATED,
    CLOSE_NOT_FOUND,
    CLOSE_TOO_MANY_CONNECTIONS,
)
from chat.sockets.fanout import room_feed_add, room_feed_remove
from chat.sockets.feed import SocketFeed, backlog_read
from chat.sockets.heartbeat import heartbeat
from chat.sockets.language import language_from_scope
from chat.sockets.lifetime import (
    LeavesOnAnyExit,
    NoDatabaseHopPerEvent,
    frame_failed,
    room_socket_exit,
)

logger = logging.getLogger(__name__)

CLOSE_ROOM_NOT_FOUND = CLOSE_NOT_FOUND
AFTER_ID = re.compile(r"[0-9]{1,19}")


def _after_id(scope) -> int | None:
    """The last message id the client holds, from ``?after_id=`` (absent or junk: none).
    ASCII digits only (``str.isdigit`` takes "²" and "٣"), and no more than an id can be."""
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("after_id", [])
    if not values or not AFTER_ID.fullmatch(values[0]):
        return None
    after_id = int(values[0])
    return after_id if after_id <= ID_MAX else None


class ChatConsumer(
    MessageCommands,
    AttentionFrames,
    FewSocketsPerAddress,
    LeavesOnAnyExit,
    NoDatabaseHopPerEvent,
    AsyncWebsocketConsumer,
):
    room = None
    me: dict | None = None
    left = False
    moderator = False
    language = settings.LANGUAGE_CODE

    async def connect(self):
        # Accept first: a refusal before accepting reaches the browser as a bare
        # 403 with no reason, while a close code after accepting is readable.
        await self.accept()
        self.language = language_from_scope(self.scope)
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=CLOSE_NOT_AUTHENTICATED)
            return
        room, self.user = await self._load(self.scope["url_route"]["kwargs"]["slug"], user)
        if room is None:
            # A private room or a conversation its user is no member of looks the same.
            await self.close(code=CLOSE_ROOM_NOT_FOUND)
            return
        standing, attention = await database_sync_to_async(self._standing)(room)
        if standing.refusal is not None:
            log_event(logger, "banned", user=user.pk, room=room.slug)
            with translation.override(self.language):
                await self._send_error(standing.refusal, None)
            await self.close(code=CLOSE_BANNED)
            return
        self.moderator = standing.moderator
        self.room, self.me = room, user_payload(self.user)
        self.feed = SocketFeed(
            write=self.send_quietly, close=self.close_with, recheck=self._recheck
        )
        # Join the room before reading the backlog: between the two, every message is
        # in one or the other (the feed drops the overlap).
        await room_feed_add(room=room, feed=self.feed)
        await self.channel_layer.group_add(user_group(user.pk), self.channel_name)
        try:
            online, first = await presence_enter(
                room=room.slug,
                user=self.me,
                channel_name=self.channel_name,
                cap=settings.CHAT_MAX_CONNECTIONS_PER_USER,
            )
        except ConnectionCapReached:
            log_event(logger, "connection_cap", user=user.pk)
            await self._unjoin()
            await self.close(code=CLOSE_TOO_MANY_CONNECTIONS)
            return
        heartbeat().add(consumer=self, room=room.slug, user_id=user.pk)
        await self.send(
            text_data=frame(
                "welcome",
                me=self.me,
                room=room_payload(room),
                online=[entry.payload() for entry in online],
                count=len(online),
                moderator=standing.moderator,
                # The rules guests_read_only and guest_images are about guests.
                guest=self.user.profile.is_guest,
                rules=standing.rules,
                muted=standing.mute,
                deleted=standing.deleted,
                edit_window_seconds=settings.CHAT_EDIT_WINDOW_MINUTES * 60,
                **attention,
            )
        )
        after_id = _after_id(self.scope)
        backlog = await backlog_read(room=room, after_id=after_id)
        for text in backlog.frames:
            await self.send(text_data=text)
        if after_id is not None and backlog.complete:
            for text in await changes_read(room=room, up_to_id=after_id):
                await self.send(text_data=text)
        await self.send(text_data=frame("synced", complete=backlog.complete))
        self.feed.start(last_seq=backlog.last_seq)
        if first:
            await presence_announce(room=room.slug, user=self.me, frame_type="presence.joined")
        log_event(logger, "connect", user=user.pk, room=room.slug)

    async def _unjoin(self) -> None:
        """Undo what connect did before entering presence."""
        await room_feed_remove(room=self.room, feed=self.feed)
        await self.channel_layer.group_discard(user_group(self.me["id"]), self.channel_name)
        self.me = None  # nothing left for leave() to undo

    async def leave(self, *, code):
        if self.me is None or self.left:
            return
        self.left = True
        await room_socket_exit(
            room=self.room,
            user=self.me,
            feed=self.feed,
            channel_name=self.channel_name,
            layer=self.channel_layer,
        )
        log_event(logger, "disconnect", user=self.me["id"], room=self.room.slug, code=code)

    async def receive(self, text_data=None, bytes_data=None):
        if self.me is None:
            return  # closing: refused in connect
        if frame_too_big(text=text_data, binary=bytes_data):
            log_event(logger, "frame_too_big", user=self.me["id"], room=self.room.slug)
            await self.close(code=CLOSE_FRAME_TOO_BIG)
            return
        with translation.override(self.language):
            await self._receive(text_data, bytes_data)

    async def _receive(self, text_data, bytes_data):
        client_msg_id = message_id = command = None
        try:
            command = client_frame_parse(text=text_data, binary=bytes_data)
            message_id = getattr(command, "message_id", None)
            if isinstance(command, SendMessage):
                client_msg_id = command.client_msg_id
                await self._send_message(command)
            elif isinstance(command, FetchHistory):
                await self._send_history(command)
            elif isinstance(command, EditMessage):
                await self._edit(command)
            elif isinstance(command, DeleteMessage):
                await self._delete(command)
            elif isinstance(command, ChangeReaction):
                await self._react(command)
            elif isinstance(command, MarkRead):
                await self._mark_read(command.seq)
            elif isinstance(command, Typing):
                await self._typing()
            elif isinstance(command, Ping):
                await self.send(text_data=frame("pong"))
        except ChatError as error:
            if error.code == "rate_limited":
                log_event(logger, "rate_limited", user=self.me["id"], room=self.room.slug)
            # A refused reaction names its emoji: which of the page's clicks to undo.
            extra = {"emoji": command.emoji} if isinstance(command, ChangeReaction) else {}
            await self._send_error(error, client_msg_id or error.client_msg_id, message_id, extra)
        except Exception:
            frame_failed(logger, user=self.me["id"], room=self.room.slug)
            await self._send_error(ServerError(), client_msg_id, message_id)

    async def chat_logout(self, event):
        """The user logged out somewhere: their sessions' sockets close too."""
        await self.close(code=CLOSE_NOT_AUTHENTICATED)

    async def chat_sanction(self, event):
        """A moderator acted on this user (chat/moderation/live.py), here or site-wide."""
        if self.me is None or event["room"] not in (None, self.room.slug):
            return
        action, fields = event["action"], {"until": event["until"], "reason": event["reason"]}
        with translation.override(self.language):
            if action in ("ban", "kick"):
                await self._send_error(sanction_event_error(event), None)
                await self.close(code=CLOSE_BANNED if action == "ban" else CLOSE_KICKED)
            elif action == "mute":
                await self.send(text_data=frame("moderation.muted", room=event["room"], **fields))
            elif action == "unmute":
                await self.send(text_data=frame("moderation.unmuted", room=event["room"]))

    async def _send_error(
        self,
        error: ChatError,
        client_msg_id: str | None,
        message_id: int | None = None,
        extra: dict | None = None,
    ):
        fields = {"code": error.code, "detail": str(error.detail), **error.fields()}
        if client_msg_id is not None:
            fields["client_msg_id"] = client_msg_id
        if message_id is not None:
            fields["message_id"] = message_id
        fields.update(extra or {})
        await self.send(text_data=frame("error", **fields))

    def _standing(self, room):
        """What connect reads of the user in the room, in one trip to the database thread:
        their standing (chat/moderation/sockets.py) and, unless refused, the welcome's
        attention fields."""
        standing = standing_read(user=self.user, room=room, scope=self.scope)
        return standing, self._attention(room) if standing.refusal is None else None

    @database_sync_to_async
    def _load(self, slug: str, user):
        user = get_user_model().objects.select_related("profile").get(pk=user.pk)
        return room_for_reader(user=user, slug=slug), user
