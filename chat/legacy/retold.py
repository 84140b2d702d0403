"""The room's new-protocol frames retold in the old page's words, once per process.

Each of the old page's presence frames carries the room's whole ``user_list``. Built per
socket, a join storm of N such pages is N events times N sockets, each asking Redis for the
online list and encoding it: O(N²) work on the event loop, and enough Redis calls at once to
exhaust the pool (100 pages logging in together took 10-14 s, and 5 failed). The room's
receiver hands every socket of the process the same frame text, so the first of the old
page's sockets to reach it builds the retelling and the others reuse it; messages likewise.
A burst of joins or leaves (a ``presence.batch``) is told as one frame each, naming who.
"""

import asyncio
import json
from collections import OrderedDict

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chat.legacy.protocol import (
    MODERATION_TYPES,
    PRESENCE_TYPES,
    moderation_text,
    presence_frame,
    system_frame,
    user_frame,
)
from chat.presence.tracker import presence_store

# Frames kept per process: a socket further behind than this builds its own again.
KEPT = 256
NAMES_SHOWN = 3  # names in a burst's frame before "and N others"
NOBODY = 0  # the user id of a burst's frames: no socket skips them as its own login

# (room, site, language, new-protocol text) -> the task building [(user id, type, text), ...]
_built: "OrderedDict[tuple[str, str, str], asyncio.Task]" = OrderedDict()


async def _retell(room: str, site: str, text: str) -> list[tuple[int, str, str]]:
    data = json.loads(text)
    if data.get("type") == "message":
        message = data["message"]
        return [(message["author"]["id"], "message", user_frame(message, site=site))]
    if data.get("type") in MODERATION_TYPES:
        # The old page cannot take a line back or change its composer: it is told in words.
        return [(NOBODY, data["type"], system_frame(moderation_text(data)))]
    events = data["events"] if data.get("type") == "presence.batch" else [data]
    events = [event for event in events if event.get("type") in PRESENCE_TYPES]
    if not events:
        return []
    online = await presence_store().online(room=room)
    if len(events) == 1:
        event = events[0]
        name = event["user"]["name"]
        frame_text = presence_frame(event["type"], name=name, online=online, site=site)
        return [(event["user"]["id"], event["type"], frame_text)]
    # A burst (a presence.batch) is one login and one logout frame, each naming everyone it
    # tells of, with the list as it is now: a frame per event would carry the whole list each
    # time, N² entries per socket for a crowd of N arriving together.
    told = []
    for event_type in PRESENCE_TYPES:
        names = [event["user"]["name"] for event in events if event["type"] == event_type]
        if names:
            frame_text = presence_frame(
                event_type, name=names_text(names), online=online, site=site
            )
            told.append((NOBODY, event_type, frame_text))
    return told


async def _retell_in(language: str, room: str, site: str, text: str):
    with translation.override(language):
        return await _retell(room, site, text)


def names_text(names: list[str]) -> str:
    """ "alice, bob and carol", or "alice, bob, carol and 37 others" for a crowd."""
    if len(names) == 1:
        return names[0]
    shown = names[:NAMES_SHOWN]
    others = len(names) - len(shown)
    if others:
        return ngettext(
            "%(names)s and %(count)d other", "%(names)s and %(count)d others", others
        ) % {"names": ", ".join(shown), "count": others}
    return _("%(names)s and %(last)s") % {"names": ", ".join(shown[:-1]), "last": shown[-1]}


async def legacy_retold(
    *, room: str, site: str, language: str, text: str
) -> list[tuple[int, str, str]]:
    """(user id, new-protocol type, old-page frame) for what ``text`` tells the room: a
    message's author, or a presence event's user (NOBODY for a burst's); nothing for the
    other frames. ``language`` is the reading socket's, for the names of a burst."""
    key = (room, site, language, text)
    task = _built.get(key)
    if task is None or task.get_loop() is not asyncio.get_running_loop():
        task = _built[key] = asyncio.ensure_future(_retell_in(language, room, site, text))
        while len(_built) > KEPT:
            _built.popitem(last=False)
    else:
        _built.move_to_end(key)
    try:
        # Shielded: one socket closing while it waits must not cancel the others' frames.
        return await asyncio.shield(task)
    except Exception:
        if _built.get(key) is task:
            del _built[key]  # a failed build (Redis) is not kept for the next socket
        raise
