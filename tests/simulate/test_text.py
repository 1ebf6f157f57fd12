"""Text pools from the train splits only, and the weaving of the campaign into them."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from foretold.errors import InputError
from foretold.simulate.scenario import CLASSES
from foretold.simulate.text import TextPools, Weaver, clean

from .conftest import DATA


def test_missing_data_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="FORETOLD_DATA"):
        TextPools.load(tmp_path)


def test_every_class_has_hundreds_of_texts(pools: TextPools) -> None:
    sizes = pools.sizes()
    assert list(sizes) == list(CLASSES)
    assert min(sizes.values()) > 500


def test_no_test_split_text_is_in_the_pools(pools: TextPools) -> None:
    train = {
        clean(t) for t in (DATA / "tweeteval/offensive/train_text.txt").read_text().splitlines()
    }
    test = [clean(t) for t in (DATA / "tweeteval/offensive/test_text.txt").read_text().splitlines()]
    pooled = {t for texts in pools.texts for t in texts}
    leaked = [t for t in test if t in pooled and t not in train]
    semeval_test = (DATA / "semeval2017/twitter-2016test-A.tsv").read_text().splitlines()[:2000]
    only_test = [clean(line.split("\t", 2)[2]) for line in semeval_test if line.count("\t") >= 2]
    assert not leaked
    assert sum(t in pooled for t in only_test) < 20  # duplicates across splits only


def test_question_subsets_ask(pools: TextPools) -> None:
    for texts, qs in zip(pools.texts, pools.questions, strict=True):
        assert all("?" in texts[i] for i in qs)


def _weaver(seed: int) -> Weaver:
    return Weaver(
        hashtags=("#AskJPM",),
        handle="@jpmorgan",
        keywords=("JP Morgan",),
        rng=random.Random(seed),
        handles=lambda: "someone",
    )


def test_weaving_varies_the_form() -> None:
    w = _weaver(1)
    outs = {
        w.weave("I really wonder how this works today", hashtag=True, handle=True)
        for _ in range(200)
    }
    assert len(outs) > 20
    assert any(o.startswith("#") for o in outs) and any(o.endswith("#askjpm") for o in outs)


def test_anonymised_handles_become_real_looking_ones() -> None:
    out = _weaver(3).weave("@user @user that is not ok", hashtag=True)
    assert "@user" not in out


def test_a_keyword_ending_in_a_possessive_is_not_made_possessive_twice() -> None:
    texts = set()
    for seed in range(40):  # every placement of the keyword, the one over "@GreenBiz's" too
        w = Weaver(hashtags=(), handle="@McDonalds", keywords=("McDonald's",),
                   rng=random.Random(seed), handles=lambda: "someone")  # fmt: skip
        texts.add(w.weave("A student project helped to change @GreenBiz's course", keyword=True))
    assert "A student project helped to change McDonald's course" in texts
    assert not [t for t in texts if "'s's" in t]
