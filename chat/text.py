"""What counts as text: what a database, a log line and a socket can carry, and what a
reader can see. Shared by message bodies, names and room titles."""

import unicodedata

# Drawn as nothing, though not in a "format" or "control" category: Hangul fillers,
# the braille blank, and the combining grapheme joiner.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")
# Control characters a message may keep: line breaks and tabs.
_KEPT_CONTROLS = frozenset("\n\t")


def is_text(value: object) -> bool:
    """A str that encodes as UTF-8. JSON's ``\\ud800`` escapes decode to lone surrogates,
    which a Python str holds but no database, log or socket can carry."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_invisible(character: str) -> bool:
    """Draws nothing: controls, format characters (zero-width, bidi controls, tags), space
    separators, variation selectors and blank letters."""
    category = unicodedata.category(character)
    if category in ("Cc", "Cf", "Zs", "Zl", "Zp") or character in _BLANK_LETTERS:
        return True
    return category == "Mn" and "VARIATION SELECTOR" in unicodedata.name(character, "")


def has_visible(text: str) -> bool:
    return not all(is_invisible(character) for character in text)


def controls_drop(text: str) -> str:
    """``text`` without control characters other than newline and tab (terminal escapes,
    NUL, DEL): they never mean anything in a chat line, and some break what shows it."""
    return "".join(
        character
        for character in text
        if character in _KEPT_CONTROLS or unicodedata.category(character) != "Cc"
    )
