"""The seed's hostile #AskJPM questions are not read as positive (a guarded behaviour)."""

from __future__ import annotations

import json

from foretold.understand import load_classifier
from foretold.understand.train import MODELS


def _questions() -> list[str]:
    doc = json.loads((MODELS / "hostile_questions.json").read_text())
    return [q["text"] for q in doc["questions"]]


def test_the_list_holds_the_seed_questions() -> None:
    texts = _questions()
    assert len(texts) == 10
    assert "What is the max wealth allowed into Heaven? #AskJPM" in texts
    assert all("askjpm" in t.lower() for t in texts)


def test_accurate_tier_reads_no_hostile_question_as_positive(accurate_ready: bool) -> None:
    labels = load_classifier("accurate").classify(_questions())
    positive = [t for t, x in zip(_questions(), labels, strict=True) if x.sentiment == "positive"]
    assert positive == []


def test_every_hostile_question_is_flagged_a_question(fast_model: object) -> None:
    for tier_labels in (load_classifier("fast").classify(_questions()),):
        assert all("question" in x.flags for x in tier_labels)
