"""The compiled digest (``_digest.c``) gives the numpy path's digest, text for text.

Skipped where the extension was not built (no C compiler), failed instead under ``CI``,
where ``make setup`` builds it.
"""

from __future__ import annotations

import os

import numpy as np
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


def test_the_band_table_holds_what_a_dict_would() -> None:
    """``Bands`` (C) against :class:`DictBands` on a hand-made sequence: lookups, claims
    with and without forgotten clusters, the sweep's ``keep``, and its bytes."""
    from foretold.coordination._digest import Bands

    c, d = Bands(), nearcopy.DictBands()
    keys = np.array([1, 2, 3, 2**64 - 1], dtype=np.uint64).tobytes()
    for table in (c, d):
        assert table.find(keys) is None
        table.claim(keys, 7)
        assert table.find(keys) == [7, 7, 7, 7]
        more = np.array([3, 4], dtype=np.uint64).tobytes()
        table.claim(more, 9)  # 3 stays 7's, 4 is 9's
        assert table.find(more) == [7, 9]
        table.claim(more, 11, {9: None})  # 7 is forgotten: its key 3 is free, 9 keeps 4
        assert table.find(more) == [11, 9] and len(table) == 5
        table.keep({11: None})
        assert table.find(keys) == [None, None, 11, None] and len(table) == 1
    assert c.items() == d.items()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.integers(0, 40), min_size=1, max_size=16),  # a text's band keys
            st.integers(0, 30),  # the cluster claiming them
            st.booleans(),  # whether some clusters were forgotten
        ),
        max_size=120,
    )
)
def test_the_band_table_is_a_dict_under_any_claims(
    steps: list[tuple[list[int], int, bool]],
) -> None:
    """Any sequence of claims, with sweeps between (``keep`` of the even clusters), and a
    table grown past its first size: the C table reads as the dict, and survives a pickle."""
    import pickle

    from foretold.coordination._digest import Bands

    c, d = Bands(), nearcopy.DictBands()
    big = np.arange(5000, dtype=np.uint64) * np.uint64(2**40 + 7)  # many keys: the table grows
    c.claim(big.tobytes(), 99)
    d.claim(big.tobytes(), 99)
    kept = {k: None for k in range(0, 100, 2)}
    for i, (ks, cid, forgot) in enumerate(steps):
        keys = np.array(ks, dtype=np.uint64).tobytes()
        assert c.find(keys) == d.find(keys)
        c.claim(keys, cid, kept if forgot else None)
        d.claim(keys, cid, kept if forgot else None)  # type: ignore[arg-type]
        if i % 40 == 39:
            c.keep(kept)  # type: ignore[arg-type]
            d.keep(kept)  # type: ignore[arg-type]
    assert len(c) == len(d)
    every = np.array(list(range(41)), dtype=np.uint64).tobytes() + big.tobytes()
    assert c.find(every) == d.find(every)
    again = pickle.loads(pickle.dumps(c))
    assert again.find(every) == c.find(every) and len(again) == len(c)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(  # each cluster's signature: four values of few kinds, so shares tie often
        st.lists(st.integers(0, 2), min_size=4, max_size=4), min_size=30, max_size=30
    ),
    st.lists(
        st.tuples(st.lists(st.integers(0, 40), min_size=1, max_size=16), st.integers(0, 29)),
        max_size=60,
    ),
    st.lists(st.integers(0, 2), min_size=4, max_size=4),  # the text's signature
    st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]),
    st.frozensets(st.integers(0, 29), max_size=10),  # the clusters forgotten
)
def test_the_best_match_is_the_dicts(
    signatures: list[list[int]],
    claims: list[tuple[list[int], int]],
    text: list[int],
    similarity: float,
    forgotten: frozenset[int],
) -> None:
    """``Bands.match`` (C) picks the cluster :meth:`DictBands.match` picks, ties and
    forgotten clusters included."""
    from foretold.coordination._digest import Bands

    kept = {
        cid: nearcopy.Cluster(cid, "", 0, 0, np.array(sig, dtype=np.uint32).tobytes())
        for cid, sig in enumerate(signatures)
        if cid not in forgotten
    }
    c, d = Bands(), nearcopy.DictBands()
    for ks, cid in claims:
        keys = np.array(ks, dtype=np.uint64).tobytes()
        c.claim(keys, cid)
        d.claim(keys, cid)
    sig = np.array(text, dtype=np.uint32).tobytes()
    every = np.arange(41, dtype=np.uint64)
    for lo in range(0, 41, 7):
        keys = every[lo : lo + 16].tobytes()
        assert c.match(keys, sig, kept, similarity) == d.match(keys, sig, kept, similarity)
