"""The compiled digest (``_digest.c``) gives the numpy path's digest, text for text.

Skipped where the extension was not built (no C compiler), failed instead under ``CI``,
where ``make setup`` builds it.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foretold.coordination import CoordinationConfig, NearCopies, nearcopy, tokens

if nearcopy._c_digest is None:  # pragma: no cover - built wherever a C compiler is
    if os.environ.get("CI"):
        pytest.fail("the compiled digest must be built in CI (setup.py)", pytrace=False)
    pytest.skip("foretold.coordination._digest not built (no C compiler)", allow_module_level=True)

CONFIG = CoordinationConfig()
COMPILED = NearCopies(CONFIG)
NUMPY = NearCopies(CONFIG, compiled=False)

# what the tokeniser drops or keeps, around word characters in several scripts
PIECES = ["http://", "https://", "t.co/x", "@", "rt", "RT", " rt ", "<u+1f600>", "<u+>", "<U+2708>",
          "<u+zz>", "_", ":", "/", "#", ".", " ", "\t", "\n", "\u2028", "\u00a0", "ab", "İ", "ß",
          "Straße", "é", "e\u0301", "ǅ", "ﬁ", "日本", "١٢", "😀", "\ud83d", "brand", "lied", "x"]  # fmt: skip


def same(text: str) -> None:
    ours, theirs = COMPILED.digest([text])[0], NUMPY.digest([text], repeats=False)[0]
    if theirs is None:
        assert ours is None, (text, tokens(text))
        return
    assert ours is not None, (text, tokens(text))
    assert (ours.exact, ours.signature, ours.keys) == theirs, (text, tokens(text))


@pytest.mark.parametrize(
    "text",
    [
        "Boycott @brand now, they lied to every one of us! #brandlies https://t.co/x",
        "RT @jpm: Is it TRUE?! #AskJPM https://t.co/abc and four more words",
        "rt @jpm: is it true?! <u+1f600>#AskJPM rt_x, then some other words",
        "abc@def xhttp://a.b c rt rt. _rt rt_ <u+>x <u+zz> <u+1f>y http:// x https://",
        "İstanbul'da uçuşum iptal edildi, kimse bir şey söylemedi, rezalet",
        "Flugzeug abgestürzt: Straße gesperrt, Hilfe unterwegs, ﬁnde keine Worte",
        "one two three four five",  # five words: too short
    ],
)
def test_hand_made_texts(text: str) -> None:
    same(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_texts_built_from_the_tokens_edges(text: str) -> None:
    same(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text(text: str) -> None:
    same(text)


def test_the_arguments_are_checked() -> None:
    from foretold.coordination._digest import digest

    with pytest.raises(TypeError):
        digest(b"bytes", 6, b"", b"", b"", 16)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="num_perm/bands"):
        digest("a text", 6, b"\0" * 64, b"\0" * 64, b"\0" * 8, 16)
