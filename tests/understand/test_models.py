"""The shipped models load offline and give the documented scores on the fixed sample;
a small retrain runs and is deterministic."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from foretold.understand.data import TASKS
from foretold.understand.train import MODELS, sample_scores, train_fast

TOLERANCE = 0.5  # metric points x100; the sample scores are deterministic up to float noise


def _documented(tier: str) -> dict[str, float]:
    scores: dict[str, dict[str, float]] = json.loads((MODELS / "sample_scores.json").read_text())
    if tier not in scores:
        pytest.skip(f"no documented sample scores for the {tier} tier")
    return scores[tier]


def test_shipped_fast_model_gives_documented_scores(fast_model: Path, data_root: Path) -> None:
    from foretold.understand import load_tier

    measured = sample_scores(load_tier("fast"), data_root)
    for task, value in _documented("fast").items():
        assert measured[task] == pytest.approx(value, abs=TOLERANCE), task


def test_shipped_accurate_model_gives_documented_scores(
    accurate_ready: bool, data_root: Path
) -> None:
    from foretold.understand import load_tier

    measured = sample_scores(load_tier("accurate"), data_root)
    for task, value in _documented("accurate").items():
        assert measured[task] == pytest.approx(value, abs=TOLERANCE), task


def test_model_card_documents_the_sample_scores(fast_model: Path) -> None:
    card = (MODELS / "MODEL_CARD.md").read_text()
    for tier, values in json.loads((MODELS / "sample_scores.json").read_text()).items():
        row = f"| {tier} | " + " | ".join(f"{values[t]:.2f}" for t in TASKS) + " |"
        assert row in card


def test_fast_tier_reads_the_obvious(fast_model: Path) -> None:
    from foretold.understand import load_classifier

    neg, pos, rude = load_classifier("fast").classify(
        [
            "This is the worst bank ever, I hate them",
            "Thank you so much, I love it! 😍",
            "you are a fucking idiot",
        ]
    )
    assert (neg.sentiment, pos.sentiment) == ("negative", "positive")
    assert "offensive" in rude.flags


def test_small_retrain_runs_and_is_deterministic(data_root: Path, tmp_path: Path) -> None:
    grids = {t: (1.0,) for t in TASKS}
    runs = []
    for name in ("a.npz", "b.npz"):
        reports = train_fast(
            data_root, tmp_path / name, bits=12, limit=300, grids=grids, log=lambda _: None
        )
        assert [r.task for r in reports] == list(grids)
        with np.load(tmp_path / name) as f:
            runs.append({k: f[k] for k in f.files})
    assert runs[0].keys() == runs[1].keys()
    for key in runs[0]:
        assert np.array_equal(runs[0][key], runs[1][key]), key

    from foretold.understand.fast import FastClassifier

    labels = FastClassifier(tmp_path / "a.npz").classify(["ok then", "why?"])
    assert "question" in labels[1].flags
