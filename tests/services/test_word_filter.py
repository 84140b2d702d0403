"""The word and link filter: what each entry does to a message, where it applies, whom it
spares, and the links of new guests."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chat.models import WordFilter
from chat.moderation.errors import Filtered
from chat.moderation.filters import LinkTooSoon, filter_apply
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def entry(pattern, *, match=WordFilter.SUBSTRING, action=WordFilter.REFUSE, room=None):
    return WordFilter.objects.create(pattern=pattern, match=match, action=action, room=room)


def word(pattern, **kwargs):
    return entry(pattern, match=WordFilter.WORD, **kwargs)


@pytest.fixture(autouse=True)
def link_minutes(settings):
    settings.CHAT_GUEST_LINK_MINUTES = 10


def guest_joined(ago: timedelta):
    guest = UserFactory(guest=True)
    guest.date_joined = timezone.now() - ago
    guest.save(update_fields=["date_joined"])
    return guest


def said(error) -> str:
    """The refusal's words as a reader sees them (durations keep a no-break space)."""
    return str(error.detail).replace("\xa0", " ")


def screened(body, *, room, author, moderator=False):
    return filter_apply(room=room, author=author, body=body, moderator=moderator)


def test_a_message_with_no_entry_matching_passes_unchanged(lobby, alice):
    entry("发票")
    word("ass")

    outcome = screened("Hello, 你好", room=lobby, author=alice)

    assert (outcome.body, outcome.held) == ("Hello, 你好", False)


def test_a_chinese_phrase_is_refused_inside_a_sentence(lobby, alice):
    entry("发票")

    with pytest.raises(Filtered) as refused:
        screened("代开发票联系我", room=lobby, author=alice)

    assert refused.value.code == "filtered"


@pytest.mark.parametrize("body", ["ASS!", "you ass", "Ass, again", "(ass)"])
def test_a_whole_word_entry_refuses_the_word_in_any_case(lobby, alice, body):
    word("ass")

    with pytest.raises(Filtered):
        screened(body, room=lobby, author=alice)


@pytest.mark.parametrize("body", ["class", "assistant", "a passing grade", "ass1", "assé"])
def test_a_whole_word_entry_lets_longer_words_that_contain_it_through(lobby, alice, body):
    word("ass")

    assert screened(body, room=lobby, author=alice).body == body


@pytest.mark.parametrize(
    "body",
    [
        "ＢＡＤ",  # fullwidth
        "BaD",
        "b\u200bad",  # a zero-width space in the middle
        "b\u00adad",  # a soft hyphen
    ],
)
def test_fullwidth_case_and_hidden_characters_do_not_get_a_word_past(lobby, alice, body):
    word("bad")

    with pytest.raises(Filtered):
        screened(f"so {body} today", room=lobby, author=alice)


def test_an_entry_in_fullwidth_or_capitals_matches_plain_text(lobby, alice):
    entry("ＳＰＡＭ")

    with pytest.raises(Filtered):
        screened("no spam please", room=lobby, author=alice)


def test_a_masked_word_is_replaced_and_the_rest_kept(lobby, alice):
    word("darn", action=WordFilter.MASK)

    outcome = screened("Darn it, darnit, DARN!", room=lobby, author=alice)

    assert (outcome.body, outcome.held) == ("*** it, darnit, ***!", False)


def test_masking_covers_exactly_the_fullwidth_letters_that_matched(lobby, alice):
    entry("bad", action=WordFilter.MASK)

    outcome = screened("ａ ＢＡＤ ｄａｙ, bad", room=lobby, author=alice)

    assert outcome.body == "ａ *** ｄａｙ, ***"


def test_masking_covers_characters_that_fold_to_more_or_fewer(lobby, alice):
    # "ß" folds to "ss", "ﬁ" to "fi", "e" with a combining accent to "é".
    entry("strasse", action=WordFilter.MASK)
    entry("fine", action=WordFilter.MASK)
    entry("café", action=WordFilter.MASK)

    outcome = screened("Straße, ﬁne cafe\u0301 here", room=lobby, author=alice)

    assert outcome.body == "***, *** *** here"


def test_masking_a_chinese_phrase(lobby, alice):
    entry("发票", action=WordFilter.MASK)

    assert screened("代开发票联系我", room=lobby, author=alice).body == "代开***联系我"


def test_every_mask_entry_applies_and_overlaps_make_one_mask(lobby, alice):
    entry("foo", action=WordFilter.MASK)
    entry("bar", action=WordFilter.MASK)
    entry("oob", action=WordFilter.MASK)

    outcome = screened("foo and bar, foobar", room=lobby, author=alice)

    assert outcome.body == "*** and ***, ***"


def test_a_held_message_is_kept_as_written_but_held(lobby, alice):
    entry("crypto", action=WordFilter.HOLD)

    outcome = screened("cheap CRYPTO here", room=lobby, author=alice)

    assert (outcome.body, outcome.held) == ("cheap CRYPTO here", True)


def test_refuse_beats_hold_and_mask(lobby, alice):
    entry("crypto", action=WordFilter.HOLD)
    entry("darn", action=WordFilter.MASK)
    entry("scam", action=WordFilter.REFUSE)

    with pytest.raises(Filtered):
        screened("darn crypto scam", room=lobby, author=alice)


def test_hold_beats_mask_and_the_held_body_is_masked_too(lobby, alice):
    entry("crypto", action=WordFilter.HOLD)
    entry("darn", action=WordFilter.MASK)

    outcome = screened("darn crypto", room=lobby, author=alice)

    assert (outcome.body, outcome.held) == ("*** crypto", True)


def test_a_site_wide_entry_applies_in_every_room(lobby, other_room, alice):
    entry("scam")

    for room in (lobby, other_room):
        with pytest.raises(Filtered):
            screened("a scam", room=room, author=alice)


def test_a_rooms_entry_applies_in_that_room_only(lobby, other_room, alice):
    entry("scam", room=lobby)

    with pytest.raises(Filtered):
        screened("a scam", room=lobby, author=alice)
    assert screened("a scam", room=other_room, author=alice).body == "a scam"


def test_an_entry_added_takes_effect_on_the_next_send_in_one_query(lobby, alice):
    assert screened("a scam", room=lobby, author=alice).held is False
    entry("scam", action=WordFilter.HOLD)

    with CaptureQueriesContext(connection) as queries:
        assert screened("a scam", room=lobby, author=alice).held is True

    assert len(queries) == 1


@pytest.mark.parametrize(
    "body",
    ["see http://example.com", "HTTPS://example.com", "go to www.example.com", "ｗｗｗ．example"],
)
def test_a_new_guest_cannot_post_a_link_and_is_told_how_long_to_wait(lobby, body):
    guest = guest_joined(timedelta(minutes=1))

    with pytest.raises(LinkTooSoon) as refused:
        screened(body, room=lobby, author=guest)

    assert refused.value.code == "filtered"
    assert "9 minutes" in said(refused.value)


def test_a_guest_just_short_of_the_limit_is_still_refused(lobby):
    guest = guest_joined(timedelta(minutes=10) - timedelta(seconds=5))

    with pytest.raises(LinkTooSoon) as refused:
        screened("https://example.com", room=lobby, author=guest)

    assert "1 minute" in said(refused.value)


def test_a_guest_past_the_limit_may_post_links(lobby):
    guest = guest_joined(timedelta(minutes=10) + timedelta(seconds=5))

    assert screened("https://example.com", room=lobby, author=guest).body == "https://example.com"


def test_the_limit_follows_the_setting(lobby, settings):
    settings.CHAT_GUEST_LINK_MINUTES = 30
    guest = guest_joined(timedelta(minutes=20))

    with pytest.raises(LinkTooSoon) as refused:
        screened("www.example.com", room=lobby, author=guest)

    assert "10 minutes" in said(refused.value)


def test_a_new_guest_may_post_text_without_links(lobby):
    guest = guest_joined(timedelta(0))

    assert screened("http is a protocol; the www", room=lobby, author=guest).held is False


def test_a_new_registered_user_may_post_links(lobby, alice):
    assert alice.profile.is_guest is False

    assert screened("https://example.com", room=lobby, author=alice).body == "https://example.com"


def test_a_moderator_may_post_links_as_a_new_guest_and_is_not_held(lobby):
    guest = guest_joined(timedelta(0))
    entry("crypto", action=WordFilter.HOLD)

    outcome = screened("crypto https://example.com", room=lobby, author=guest, moderator=True)

    assert (outcome.body, outcome.held) == ("crypto https://example.com", False)


def test_a_moderator_is_refused_and_masked_like_everyone(lobby, alice):
    entry("scam")
    entry("darn", action=WordFilter.MASK)

    with pytest.raises(Filtered):
        screened("a scam", room=lobby, author=alice, moderator=True)
    assert screened("darn", room=lobby, author=alice, moderator=True).body == "***"
