"""Names for the look-alike tests: pairs that must collide, and invisible characters."""

import pytest

# (a name that is taken, a name a reader cannot tell from it)
LOOK_ALIKES = [
    pytest.param("Émile", "émile", id="case-beyond-ascii"),
    pytest.param("admin", "аdmin", id="cyrillic-a"),
    pytest.param("admin", "ａｄｍｉｎ", id="fullwidth"),
    pytest.param("admin", "𝐚𝐝𝐦𝐢𝐧", id="math-bold"),
    pytest.param("ａｄｍｉｎ", "ADMIN", id="fullwidth-taken-first"),
    pytest.param("paypal", "paypa1", id="digit-one-for-l"),
]
# Each refused anywhere in a name: a reader sees nothing where they are.
INVISIBLE = [
    pytest.param("ad\u200bmin", id="zero-width-space"),
    pytest.param("admin\u200d", id="zero-width-joiner"),
    pytest.param("\u202enimda", id="right-to-left-override"),
    pytest.param("ad\u2066min", id="left-to-right-isolate"),
    pytest.param("admin\u200f", id="right-to-left-mark"),
    pytest.param("ad\u061cmin", id="arabic-letter-mark"),
    pytest.param("\u3164", id="hangul-filler"),
    pytest.param("admin\u115f", id="hangul-choseong-filler"),
    pytest.param("ad\uffa0min", id="halfwidth-hangul-filler"),
    pytest.param("\u2800admin", id="braille-blank"),
    pytest.param("\ufe0fadmin", id="variation-selector-alone"),
    pytest.param("ad\x07min", id="control-character"),
]
