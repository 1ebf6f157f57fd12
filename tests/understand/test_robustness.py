"""Anything a post can be: empty, emoji only, 20,000 characters, other languages, control
characters, lone surrogates, URLs only. Every tier returns valid labels for all of them."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foretold.understand import FLAGS, SCORE_NAMES, Labels
from foretold.understand.language import guess

AWKWARD = [
    "",
    "   \n\t ",
    "😂😂😂",
    "🔥",
    "a" * 20_000,
    "JP Morgan " * 2_000,
    "東京に行きます。楽しみ！",
    "Привет, как дела?",
    "¿Qué pasa con el banco? No me gusta nada",
    "\x00\x01\x07\x1b[31mred\x1b[0m\x7f",
    "lone \ud800 surrogate \udfff here",
    "https://t.co/abc",
    "http://a.b/c https://d.e/f?g=h",
    "\u202eevil rtl override\u202c",
    "@user @user @user",
    "#AskJPM",
    "\r\n",
    "x",
]


def _check(labels: list[Labels], n: int) -> None:
    assert len(labels) == n
    for lab in labels:
        d = orjson.loads(orjson.dumps(lab.to_dict()))
        assert list(d["scores"]) == list(SCORE_NAMES)
        assert all(0.0 <= v <= 1.0 for v in d["scores"].values())
        assert set(d["flags"]) <= set(FLAGS)
        assert d["sentiment"] in ("negative", "neutral", "positive")


def test_fast_survives_awkward_posts(fast_model: Path) -> None:
    from foretold.understand.fast import FastClassifier

    clf = FastClassifier(fast_model)
    _check(clf.classify(AWKWARD), len(AWKWARD))


def test_fast_labels_do_not_depend_on_the_batch(fast_model: Path) -> None:
    from foretold.understand.fast import FastClassifier

    clf = FastClassifier(fast_model)
    together = clf.classify(AWKWARD)
    alone = [clf.classify([t])[0] for t in AWKWARD]
    assert together == alone


def test_accurate_survives_awkward_posts(accurate_ready: bool) -> None:
    from foretold.understand import load_classifier

    clf = load_classifier("accurate")
    labels = clf.classify(AWKWARD)
    _check(labels, len(AWKWARD))
    alone = clf.classify([AWKWARD[4]])[0]
    assert alone.sentiment == labels[4].sentiment


def test_empty_post_is_neutral_without_flags(fast_model: Path) -> None:
    from foretold.understand.fast import FastClassifier

    (lab,) = FastClassifier(fast_model).classify([""])
    assert (lab.sentiment, lab.flags, lab.lang) == ("neutral", (), "und")


def test_language_is_marked_not_pretended(fast_model: Path) -> None:
    from foretold.understand.fast import FastClassifier

    es, ru, ja, en, url = FastClassifier(fast_model).classify(
        [AWKWARD[8], AWKWARD[7], AWKWARD[6], "I hate this bank so much", "https://t.co/x"]
    )
    assert (es.lang, ru.lang, ja.lang, en.lang, url.lang) == ("es", "und-Cyrl", "ja", "en", "und")
    assert es.sentiment == ru.sentiment == ja.sentiment == "neutral"
    assert "question" in es.flags and "question" in ru.flags
    assert en.sentiment == "negative"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("the service was awful and I want my money back", "en"),
        ("Je ne sais pas pourquoi la banque est fermée", "fr"),
        ("Ich habe das nicht verstanden und bin sehr sauer", "de"),
        ("Eu não sei o que fazer com isso", "pt"),
        ("안녕하세요 반갑습니다", "ko"),
        ("我们今天去银行", "zh"),
        ("مرحبا بالعالم", "und-Arab"),
        ("Καλημέρα σας", "el"),
        ("12345 !!! ???", "und"),
    ],
)
def test_language_guess(text: str, lang: str) -> None:
    assert guess([text]) == [lang]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=300), max_size=8))
def test_fast_never_fails_on_any_text(texts: list[str]) -> None:
    from foretold.understand import load_classifier
    from foretold.understand.fast import MODEL_FILE

    if not MODEL_FILE.exists():
        pytest.skip("fast model not built")
    _check(load_classifier("fast").classify(texts), len(texts))
