"""The word and link filter (WordFilter rows, site-wide and per room).

Entries are read on every send, one query: the table is small, and a change in the admin
must hold on the next send on every process, which no per-process cache would give.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from chat.errors import wait_text
from chat.models import Room, WordFilter
from chat.moderation.errors import Filtered

# Looked for in the folded text, so "ＨＴＴＰＳ：／／" and "WWW." count too.
_LINK = re.compile(r"https?://|www\.")


@dataclass(frozen=True)
class FilterOutcome:
    body: str  # the body to save: masked where an entry says "mask"
    held: bool  # an entry says "hold": shown to its author and moderators only


class LinkTooSoon(Filtered):
    """Links from guests made minutes ago: what spam accounts are made for."""

    def __init__(self, retry_after: float):
        self.retry_after = retry_after
        super().__init__(
            gettext("New guests cannot post links yet. You can in %(wait)s.")
            % {"wait": wait_text(retry_after)}
        )


def filter_apply(
    *, room: Room, author, body: str, moderator: bool = False, entries: bool = True
) -> FilterOutcome:
    """What the filter makes of ``body``; Filtered when an entry refuses it. Refuse beats
    hold beats mask, and every mask entry applies; moderators are exempt from hold and the
    link rule, not from refuse or mask. ``entries`` False: the caller knows the room has
    none (``send_rules_read``), so none is read."""
    folded, origin = _folded(body)
    held, spans = False, []
    found_entries = (
        WordFilter.objects.filter(Q(room__isnull=True) | Q(room=room)).values_list(
            "pattern", "match", "action"
        )
        if entries
        else []
    )
    for pattern, match, action in found_entries:
        found = _matches(folded, pattern=pattern, whole_word=match == WordFilter.WORD)
        if not found:
            continue
        if action == WordFilter.REFUSE:
            raise Filtered()
        if action == WordFilter.HOLD:
            held = True
        elif action == WordFilter.MASK:
            # A match may start or end inside what one character folded into ("ß": "ss"):
            # the whole character goes.
            spans += [(origin[start][0], origin[end - 1][1]) for start, end in found]
    if not moderator:
        _links_check(author=author, folded=folded)
    return FilterOutcome(body=_masked(body, spans), held=held and not moderator)


def _folded(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``text`` as compared: NFKC, casefolded, without format characters (zero-width, bidi),
    so that fullwidth letters, case and hidden joiners do not get a word past. With it, for
    each folded character, the span of ``text`` it came from: folding changes lengths
    ("ﬁ" is "fi", "ß" is "ss", "e" and a combining accent are "é"), so a mask needs them."""
    folded: list[str] = []
    origin: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        # A letter and its combining marks fold together: NFKC composes them.
        end = start + 1
        while end < len(text) and unicodedata.category(text[end]).startswith("M"):
            end += 1
        for character in unicodedata.normalize("NFKC", text[start:end]).casefold():
            if unicodedata.category(character) != "Cf":
                folded.append(character)
                origin.append((start, end))
        start = end
    return "".join(folded), origin


def _matches(folded: str, *, pattern: str, whole_word: bool) -> list[tuple[int, int]]:
    key = _folded(pattern)[0]
    if not key:
        return []  # a pattern of nothing but format characters would match everything
    regex = re.escape(key)
    if whole_word:
        # Not \b: a pattern may begin or end with a non-word character ("f*ck").
        regex = rf"(?<!\w){regex}(?!\w)"
    return [found.span() for found in re.finditer(regex, folded)]


def _masked(body: str, spans: list[tuple[int, int]]) -> str:
    """``body`` with each span, merged where entries overlap, replaced by "***"."""
    parts, done = [], 0
    for start, end in sorted(spans):
        if end <= done:
            continue
        if start < done:  # overlaps the span just masked: extend it
            done = end
            continue
        parts += [body[done:start], "***"]
        done = end
    return "".join(parts) + body[done:]


def _links_check(*, author, folded: str) -> None:
    profile = getattr(author, "profile", None)
    if profile is not None and not profile.is_guest:
        return
    wait = timedelta(minutes=settings.CHAT_GUEST_LINK_MINUTES) - (
        timezone.now() - author.date_joined
    )
    if wait > timedelta(0) and _LINK.search(folded):
        raise LinkTooSoon(wait.total_seconds())
