"""The PHP chat room's WebSocket endpoint, at / and /ws/legacy/<slug>/ (docs/legacy.md).

A thin adapter over the same core as /ws/chat/: the old page sends no cookie, so a
``login`` frame names a guest; from then on the socket is in the room's group and
presence like any other, and the new protocol's frames that reach it through the
group are retold in the old page's shapes.
"""

import asyncio
import logging

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chat import identity, selectors, services
from chat.broadcast import user_group
from chat.errors import ChatError
from chat.infra.json_logging import log_event
from chat.legacy.protocol import (
    AlreadyLoggedIn,
    Login,
    NameInUse,
    NotLoggedIn,
    Say,
    handshake_frame,
    legacy_frame_parse,
    presence_frame,
    sanction_text,
    system_frame,
)
from chat.legacy.retold import legacy_retold
from chat.limits import frame_too_big, guest_allowance_take
from chat.moderation.devices import address_from_scope, browser_from_scope, device_seen
from chat.moderation.errors import Sanctioned, sanction_event_error
from chat.moderation.sockets import legacy_login_check
from chat.payloads import user_payload
from chat.presence.tracker import presence_announce, presence_enter, presence_exit, presence_store
from chat.sockets.addresses import FewSocketsPerAddress
from chat.sockets.close_codes import (
    CLOSE_BANNED,
    CLOSE_FRAME_TOO_BIG,
    CLOSE_KICKED,
    CLOSE_LOGIN_TIMEOUT,
    CLOSE_NOT_AUTHENTICATED,
)
from chat.sockets.fanout import room_feed_add
from chat.sockets.feed import SocketFeed, backlog_read
from chat.sockets.heartbeat import heartbeat
from chat.sockets.language import language_from_scope
from chat.sockets.lifetime import (
    LeavesOnAnyExit,
    NoDatabaseHopPerEvent,
    frame_failed,
    room_socket_exit,
)
from chat.sockets.origin import site_url

logger = logging.getLogger(__name__)

HELD_NOTICE = gettext_lazy(
    "Your message is held for review: it will appear when a moderator approves it."
)
LOBBY = "lobby"  # the room of the root path, where the old page (which knows no rooms) connects
CLOSE_ROOM_NOT_FOUND = 4404


class LegacyConsumer(
    FewSocketsPerAddress, LeavesOnAnyExit, NoDatabaseHopPerEvent, AsyncWebsocketConsumer
):
    room = None
    user = None
    me: dict | None = None  # user_payload(), set by a successful login
    deadline: asyncio.TimerHandle | None = None
    left = False
    moderator = False

    async def connect(self):
        # No authentication: the old page has no session. Nothing is shared with this
        # socket until it logs in.
        await self.accept()
        self.language = language_from_scope(self.scope)
        self.site = site_url(self.scope)
        slug = self.scope["url_route"]["kwargs"].get("slug", LOBBY)
        self.room = await database_sync_to_async(selectors.room_get)(slug=slug)
        with translation.override(self.language):
            if self.room is None:
                await self.send(text_data=system_frame(_("There is no room at this address.")))
                await self.close(code=CLOSE_ROOM_NOT_FOUND)
                return
            if not self.room.is_public:
                await self._refuse_private()
                return
            await self.send(text_data=handshake_frame())
        # A socket that never logs in holds a place for nothing: it gets a deadline.
        self.deadline = asyncio.get_running_loop().call_later(
            settings.CHAT_LEGACY_LOGIN_SECONDS,
            lambda: asyncio.ensure_future(self._login_too_late()),
        )
        log_event(logger, "legacy_connect", room=self.room.slug)

    async def _login_too_late(self):
        if self.me is not None or self.left:
            return
        with translation.override(self.language):
            notice = _("You did not log in within %(seconds)s s; reload the page to try again.")
            await self.send_quietly(
                system_frame(notice % {"seconds": round(settings.CHAT_LEGACY_LOGIN_SECONDS)})
            )
        await self.close(code=CLOSE_LOGIN_TIMEOUT)

    async def leave(self, *, code):
        if self.deadline is not None:
            self.deadline.cancel()
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
        log_event(
            logger,
            "disconnect",
            user=self.me["id"],
            room=self.room.slug,
            code=code,
            protocol="legacy",
        )

    async def receive(self, text_data=None, bytes_data=None):
        if self.room is None:
            return  # closing: the room does not exist
        if frame_too_big(text=text_data, binary=bytes_data):
            await self.close(code=CLOSE_FRAME_TOO_BIG)
            return
        with translation.override(self.language):
            try:
                command = legacy_frame_parse(text=text_data, binary=bytes_data)
                if isinstance(command, Login):
                    await self._login(command)
                elif isinstance(command, Say):
                    await self._say(command)
            except Sanctioned as error:
                await self.send(text_data=system_frame(str(error.detail)))
                if error.code == "banned":
                    await self.close(code=CLOSE_BANNED)
            except ChatError as error:
                await self.send(text_data=system_frame(str(error.detail)))
            except Exception:
                frame_failed(logger, user=self.me and self.me["id"], room=self.room.slug)
                await self.send(text_data=system_frame(_("Something went wrong on the server.")))

    async def chat_logout(self, event):
        """Staff deactivated this guest (chat/signals.py): the socket closes at once."""
        await self.close(code=CLOSE_NOT_AUTHENTICATED)

    async def chat_notify(self, event):
        """A direct message or a mention for this user (chat/attention/notify.py): the room
        page's; the old page is only ever in public rooms, where it reads the line anyway."""

    async def chat_read(self, event):
        """The user read further in some room, on another page: the old page keeps no count."""

    async def chat_sanction(self, event):
        """A moderator acted on this guest (chat/moderation/live.py), here or site-wide."""
        if self.me is None or event["room"] not in (None, self.room.slug):
            return
        with translation.override(self.language):
            if event["action"] in ("ban", "kick"):
                await self.send_quietly(system_frame(str(sanction_event_error(event).detail)))
                await self.close(code=CLOSE_BANNED if event["action"] == "ban" else CLOSE_KICKED)
            else:
                await self.send_quietly(system_frame(sanction_text(event)))

    async def _refuse_private(self) -> None:
        """Private rooms and direct conversations are the room page's: the old page has no
        way to prove who it is, so it is told in its words and closed (as for no room)."""
        await self.send(
            text_data=system_frame(_("This room is private: open it on the site's room page."))
        )
        await self.close(code=CLOSE_ROOM_NOT_FOUND)

    async def _recheck(self) -> None:
        """Who may read the room changed: if it is private now, the old page leaves it."""
        room = await database_sync_to_async(selectors.room_get)(slug=self.room.slug)
        if room is None or not room.is_public:
            with translation.override(self.language):
                await self._refuse_private()

    async def retell(self, new_text: str) -> None:
        """A new-protocol frame for the room, retold in the old page's words (or not at all)."""
        for user_id, event_type, text in await legacy_retold(
            room=self.room.slug, site=self.site, language=self.language, text=new_text
        ):
            if event_type == "presence.joined" and user_id == self.me["id"]:
                continue  # its own login frame went out at login
            await self.send_quietly(text)

    async def _login(self, command: Login):
        if self.me is not None:
            raise AlreadyLoggedIn()
        store = presence_store()
        found = await database_sync_to_async(identity.legacy_guest_find)(nickname=command.name)
        # Banned: the name's guest, or (for a new name) this browser or address.
        moderator = await database_sync_to_async(legacy_login_check)(
            user=found, room=self.room, scope=self.scope
        )
        if found is not None and await store.is_online(user_id=found.pk):
            raise NameInUse()
        if found is None:  # a new guest, counted against the address as at /join/
            client = self.scope.get("client") or (None,)
            await sync_to_async(guest_allowance_take)(address=client[0])
        user = await database_sync_to_async(identity.legacy_guest_login)(
            nickname=command.name, avatar=command.avatar, found=found
        )
        # Two sockets logging in with one name at the same moment must not both get it:
        # checked again right before entering, and entering must be the user's first.
        if await store.is_online(user_id=user.pk):
            raise NameInUse()
        await database_sync_to_async(device_seen)(
            user=user,
            browser=browser_from_scope(self.scope),
            address=address_from_scope(self.scope),
        )
        me = user_payload(user)
        _online, first = await presence_enter(
            room=self.room.slug, user=me, channel_name=self.channel_name
        )
        if not first:
            await presence_exit(room=self.room.slug, user=me, channel_name=self.channel_name)
            raise NameInUse()
        self.user, self.me, self.moderator = user, me, moderator
        self.deadline.cancel()
        await self.channel_layer.group_add(user_group(user.pk), self.channel_name)
        self.feed = SocketFeed(write=self.retell, close=self.close_with, recheck=self._recheck)
        await room_feed_add(room=self.room, feed=self.feed)
        # The old page has no history: it starts at whatever is said next.
        backlog = await backlog_read(room=self.room, after_id=None)
        # The old page's own "login" frame, before anything the room says: it comes back
        # through the room too (retell skips that copy), maybe batched, maybe later.
        online = await store.online(room=self.room.slug)
        await self.send(
            text_data=presence_frame(
                "presence.joined", name=me["name"], online=online, site=self.site
            )
        )
        self.feed.start(last_seq=backlog.last_seq)
        heartbeat().add(consumer=self, room=self.room.slug, user_id=user.pk)
        await presence_announce(room=self.room.slug, user=self.me, frame_type="presence.joined")
        log_event(logger, "connect", user=self.me["id"], room=self.room.slug, protocol="legacy")

    async def _say(self, command: Say):
        if self.me is None:
            raise NotLoggedIn()
        # Saved, then announced to the room; this socket's own copy comes back through
        # its feed like everyone else's, except for a held one, which nobody else sees yet.
        message = await services.message_send(
            room=self.room, author=self.user, body=command.text, moderator=self.moderator
        )
        if message.held:
            await self.send(text_data=system_frame(str(HELD_NOTICE)))
