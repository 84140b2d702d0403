"""Finding messages by their text (docs/protocol.md, "Search over HTTP").

A search finds the messages whose body holds the query, in any case, newest first: in one
room, or in every room the viewer may read. Who may read which messages is the history's
rule: deleted and held messages only for the room's moderators (and a held one for its
author, who sees it in the room too).

On PostgreSQL a GIN index over each body's character pairs (migration 0009,
``chat_search_grams``) finds the candidates, for Chinese as for English, whatever the
database's locale; ``ILIKE`` then keeps the bodies that hold the query. Elsewhere (SQLite,
for development) ``icontains`` scans the room.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import BooleanField, F, Func, OuterRef, QuerySet, Subquery, Value
from django.utils.translation import gettext_lazy as _

from chat.access.rules import rooms_readable
from chat.errors import ChatError, RateLimited
from chat.limits import allowance_take
from chat.models import Message, Room
from chat.moderation.roles import can_moderate, rooms_moderated
from chat.payloads import message_payload, room_payload, timestamp, user_payload
from chat.text import controls_drop, has_visible, is_text

QUERY_MIN_LENGTH = 2
QUERY_MAX_LENGTH = 100
PAGE_SIZE = 20
PAGE_SIZE_MAX = 50
CONTEXT_BODY_LENGTH = 200
# From here on (CJK radicals, kana, ideographs, hangul, fullwidth forms) one character is a
# word: such a query may be one character long, and chat_search_grams() indexes each one.
WIDE_SCRIPT_START = 0x2E80


class InvalidSearch(ChatError):
    code = "invalid"


class SearchRateLimited(RateLimited):
    message = _("You are searching too fast. Try again in %(seconds)s s.")


def search_query_clean(*, query: str) -> str:
    """The query as searched: without control characters and surrounding whitespace, 2 to
    100 characters (one is enough in Chinese, Japanese or Korean)."""
    if not is_text(query):
        raise InvalidSearch(_("The search is not valid text."))
    query = controls_drop(query).strip()
    if len(query) > QUERY_MAX_LENGTH:
        raise InvalidSearch(_("Search for at most %(max)d characters.") % {"max": QUERY_MAX_LENGTH})
    wide = len(query) == 1 and ord(query) >= WIDE_SCRIPT_START
    if (len(query) < QUERY_MIN_LENGTH and not wide) or not has_visible(query):
        raise InvalidSearch(
            _("Search for at least %(min)d characters.") % {"min": QUERY_MIN_LENGTH}
        )
    return query


def search_allowance_take(*, user_id: int) -> None:
    """Count one search (or one more page of results) against the user's allowance;
    SearchRateLimited past CHAT_SEARCH_RATE_LIMIT_QUERIES in CHAT_SEARCH_RATE_LIMIT_SECONDS."""
    wait = allowance_take(
        key=f"search:{user_id}",
        limit=settings.CHAT_SEARCH_RATE_LIMIT_QUERIES,
        window=settings.CHAT_SEARCH_RATE_LIMIT_SECONDS,
    )
    if wait is not None:
        raise SearchRateLimited(wait)


def _visible(*, viewer, room: Room | None) -> QuerySet[Message]:
    """What ``viewer`` may find: in the rooms they may read (chat/access/rules.py decides, for
    every path), the history's rule, room by room."""
    messages = Message.objects.filter(room__in=rooms_readable(user=viewer))
    if room is not None:
        moderator = can_moderate(user=viewer, room=room)
        return messages.filter(room=room).visible_to(viewer, moderator=moderator)
    moderated = rooms_moderated(user=viewer)
    if moderated is None:
        return messages
    return messages.visible_to(viewer, moderator=False) | messages.filter(room__in=moderated)


class _BodyHolds(Func):
    """PostgreSQL: ``body`` holds ``query`` in any case. The first half is migration 0009's
    index condition (every character pair of the query is one of the body's, or its one
    character), the second the exact test; ILIKE lower-cases as those functions do."""

    output_field = BooleanField()

    def __init__(self, query: str):
        # \ is LIKE's escape character: \, % and _ in the query mean themselves.
        literal = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        super().__init__(F("body"), Value(query), Value(f"%{literal}%"))

    def as_sql(self, compiler, connection, **extra):
        (body, body_params), (query, query_params), (pattern, pattern_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        sql = (
            f"(chat_search_grams({body}) @> chat_search_query_grams({query}) "
            f"AND {body} ILIKE {pattern})"
        )
        return sql, (*body_params, *query_params, *body_params, *pattern_params)


def _holding(messages: QuerySet[Message], query: str) -> QuerySet[Message]:
    if connections[messages.db].vendor == "postgresql":
        return messages.filter(_BodyHolds(query))
    return messages.filter(body__icontains=query)


@dataclass(frozen=True)
class SearchHit:
    message: Message
    before: Message | None  # the message before it in its room, as the viewer sees the room
    after: Message | None


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    has_more: bool  # older matches exist: ask again with before_id = the last hit's id


def messages_search(
    *,
    viewer,
    query: str,
    room: Room | None = None,
    before_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> SearchPage:
    """The messages ``viewer`` may read whose body holds ``query`` (cleaned by
    search_query_clean), newest first: in ``room``, or in every room they may read; only
    those older than ``before_id`` when given. At most ``limit`` (1 to 50)."""
    query = search_query_clean(query=query)
    limit = max(1, min(limit, PAGE_SIZE_MAX))
    visible = _visible(viewer=viewer, room=room)
    found = _holding(visible, query)
    if before_id is not None:
        found = found.filter(id__lt=before_id)
    # The ids first: a common word matches thousands, and only a page of them is read whole.
    ids = list(found.order_by("-id").values_list("id", flat=True)[: limit + 1])
    # Ordered by room too, though it is one room: the (room, id) index then serves it, where
    # the planner might walk every room's messages by id to find a quiet room's neighbour.
    neighbour = visible.filter(room=OuterRef("room_id")).values("id")
    earlier = neighbour.filter(id__lt=OuterRef("id")).order_by("-room_id", "-id")
    later = neighbour.filter(id__gt=OuterRef("id")).order_by("room_id", "id")
    hits = list(
        Message.objects.filter(pk__in=ids[:limit])
        .for_payload()
        .annotate(before_id=Subquery(earlier[:1]), after_id=Subquery(later[:1]))
        .order_by("-id")
    )
    context_ids = {m.before_id for m in hits} | {m.after_id for m in hits}
    context = Message.objects.filter(pk__in=context_ids - {None}).select_related("author__profile")
    by_id = {message.pk: message for message in context}
    return SearchPage(
        hits=[
            SearchHit(message=m, before=by_id.get(m.before_id), after=by_id.get(m.after_id))
            for m in hits
        ],
        has_more=len(ids) > limit,
    )


def _context_payload(message: Message | None) -> dict | None:
    if message is None:
        return None
    payload = {
        "id": message.pk,
        "author": user_payload(message.author),
        "body": message.body[:CONTEXT_BODY_LENGTH],
        "created": timestamp(message.created),
    }
    if message.deleted_at is not None:
        payload["deleted"] = True
    if message.held:
        payload["held"] = True
    return payload


def search_page_payload(page: SearchPage) -> dict:
    """The endpoint's answer: each hit's message, room and neighbours, and where the next
    page starts (``next_before_id``, null at the oldest match)."""
    return {
        "results": [
            {
                "message": message_payload(hit.message),
                "room": room_payload(hit.message.room),
                "context": {
                    "before": _context_payload(hit.before),
                    "after": _context_payload(hit.after),
                },
            }
            for hit in page.hits
        ],
        "has_more": page.has_more,
        "next_before_id": page.hits[-1].message.pk if page.has_more else None,
    }
