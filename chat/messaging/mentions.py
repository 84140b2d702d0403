"""``@name`` in a message: found when it is saved (or edited), kept as the user it names."""

import re

from chat.identity import NICKNAME_MAX_LENGTH
from chat.models import Mention, Message, Profile
from chat.names import name_key

MENTIONS_MAX = 20  # people one message can name; more is a shout, not a mention
# "@" after nothing, a space or punctuation (not inside "a@b.c"), then a nickname's characters
# (chat/identity.py NICKNAME_CHARACTER), at most a nickname's length: a longer run names
# nobody (its first 32 characters are not a name that was meant).
_TOKEN = re.compile(r"(?<![\w.@+-])@([\w.@+-]+)")
# A sentence may end right after a name: "thanks @bob." names bob (unless "bob." is a name).
_TRAILING = ".+-@"


def _variants(token: str) -> list[str]:
    """The token, then without its trailing punctuation one character at a time; only those
    that could be a name."""
    variants = [token]
    while token and token[-1] in _TRAILING:
        token = token[:-1]
        if token:
            variants.append(token)
    return [variant for variant in variants if len(variant) <= NICKNAME_MAX_LENGTH]


def mentions_find(*, body: str) -> list[tuple[str, object]]:
    """(the ``@token`` as typed, the user) for each person ``body`` names, in order, once
    each. A name is found by its look-alike key (chat/names.py): "@ALICE" names alice."""
    if "@" not in body:
        return []  # the common case costs no query
    tokens = list(dict.fromkeys(match.group(1) for match in _TOKEN.finditer(body)))
    by_key: dict[str, str] = {}
    for token in tokens:
        for variant in _variants(token):
            by_key.setdefault(name_key(variant), variant)
    if not by_key:
        return []
    profiles = Profile.objects.filter(name_key__in=list(by_key)).select_related("user")
    users = {profile.name_key: profile.user for profile in profiles}
    found, seen = [], set()
    for token in tokens:
        for variant in _variants(token):  # the longest that names someone
            user = users.get(name_key(variant))
            if user is not None:
                if user.pk not in seen:
                    seen.add(user.pk)
                    found.append((f"@{variant}", user))
                break
        if len(found) == MENTIONS_MAX:
            break
    return found


def mentions_save(
    *, message: Message, found: list[tuple[str, object]], replace: bool = False
) -> list[Mention]:
    """Store what mentions_find found for ``message``; ``replace`` (an edit): instead of
    the mentions it had. The message then carries them for its payload without a query."""
    if replace:
        message.mentions.all().delete()
    mentions = [Mention(message=message, user=user, text=text) for text, user in found]
    if mentions:
        Mention.objects.bulk_create(mentions)
    payload_cache(message)["mentions"] = mentions
    return mentions


def payload_cache(message: Message) -> dict:
    """The message's prefetch cache, which message_payload reads instead of querying: a
    message just saved fills it with what it knows (its mentions, no reactions yet)."""
    if not hasattr(message, "_prefetched_objects_cache"):
        message._prefetched_objects_cache = {}
    return message._prefetched_objects_cache
