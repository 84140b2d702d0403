"""Names people read: one key for names that look alike, and characters nobody can see.

A nickname is unique by its key (Profile.name_key), not by its letters: "Émile" and
"émile", or "admin" in Latin, Cyrillic, fullwidth or mathematical bold letters, are one
name to the reader and so one key. The key is the Unicode TR39 skeleton of the name's
NFKC case fold, computed in Python so that SQLite and PostgreSQL compare the same way.
"""

import hashlib
import re
import unicodedata
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chat.errors import ChatError
from chat.text import is_invisible

# Unicode's confusables.txt (Unicode 13.0.0), trimmed: see the file's header.
CONFUSABLES = Path(__file__).with_name("confusables.txt")
MAPPING = re.compile(r"([0-9A-F]+) ; ([0-9A-F ]+)")
# Key columns are bounded: a key longer than this keeps a prefix and a hash of the rest.
NAME_KEY_MAX_LENGTH = 200
# Joins a key to the number that made it unique when two old names already collided
# (migration 0005). A control character: no key of a name ever contains one.
COLLISION_MARK = "\x1f"

INVISIBLE_MESSAGE = _(
    "Invisible and control characters (such as zero-width spaces or text direction marks) "
    "are not allowed."
)


class InvisibleCharacters(ChatError):
    code = "invisible_characters"
    detail = INVISIBLE_MESSAGE


@cache
def _prototypes() -> dict[str, str]:
    table = {}
    for line in CONFUSABLES.read_text(encoding="utf-8").splitlines():
        match = MAPPING.fullmatch(line)
        if match:
            source, prototype = match.groups()
            table[chr(int(source, 16))] = "".join(chr(int(cp, 16)) for cp in prototype.split())
    return table


def _skeleton(text: str) -> str:
    """TR39's skeleton: NFD, each character to its prototype, NFD again."""
    table = _prototypes()
    mapped = "".join(table.get(char, char) for char in unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFD", mapped)


def _fold(text: str) -> str:
    # NFKC_Casefold as Python can spell it: fullwidth and math letters to plain ones, no case.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def name_key(name: str) -> str:
    """The text two names share when a reader cannot tell them apart."""
    # Folded before the skeleton, so case never matters, and again after it: some
    # prototypes are capitals (DIGIT ZERO's is LATIN CAPITAL LETTER O).
    key = _skeleton(_fold(_skeleton(_fold(name.strip()))))
    if len(key) > NAME_KEY_MAX_LENGTH:
        digest = hashlib.sha256(key.encode()).hexdigest()
        key = key[: NAME_KEY_MAX_LENGTH - len(digest)] + digest
    return key


def invisible_characters(text: str) -> list[str]:
    """The characters of ``text`` a reader would not see; empty when there are none.

    Spaces between words are seen (as gaps), and so is a variation selector right after a
    character it can change (the emoji form of ❤); one after nothing, a space or another
    invisible character is invisible itself.
    """
    found = []
    drawn = False  # whether the character before is one a variation selector may change
    for char in text:
        space = unicodedata.category(char) == "Zs"
        selector = "VARIATION SELECTOR" in unicodedata.name(char, "")
        if is_invisible(char) and not space and not (selector and drawn):
            found.append(char)
        drawn = not (space or is_invisible(char))
    return found


def visible_validate(value: str) -> None:
    """A form validator: refuses text that holds invisible or control characters."""
    if invisible_characters(value):
        raise ValidationError(INVISIBLE_MESSAGE, code="invisible_characters")


def text_visible_check(*, text: str) -> None:
    """The core's own check, for callers that come without a form."""
    if invisible_characters(text):
        raise InvisibleCharacters()
