"""Calibration: temperature and Platt scaling, ECE, operating points at real prevalence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from foretold.understand.calibrate import (
    Prevalence,
    calibrate_model,
    choose_threshold,
    ece,
    fit_platt,
    fit_temperature,
    sigmoid,
)
from foretold.understand.classifier import calibrated, probabilities
from foretold.understand.data import TASKS
from foretold.understand.fast import FastClassifier
from foretold.understand.train import train_fast


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_temperature_undoes_overconfidence() -> None:
    rng = np.random.default_rng(1)
    true = rng.normal(0, 1.5, (5000, 3))
    y = np.array([rng.choice(3, p=p) for p in _softmax(true)])
    t = fit_temperature(true * 3.0, y)  # logits three times too sharp
    assert t == pytest.approx(3.0, rel=0.1)
    assert ece(_softmax(true * 3.0 / t), y) < ece(_softmax(true * 3.0), y) / 3


def test_platt_recovers_scale_and_shift() -> None:
    rng = np.random.default_rng(2)
    z = rng.normal(0, 2, 20000)
    y = (rng.random(20000) < sigmoid(0.5 * z - 1.0)).astype(np.int64)
    a, b = fit_platt(z, y)
    assert (a, b) == (pytest.approx(0.5, abs=0.05), pytest.approx(-1.0, abs=0.08))


def test_ece_of_perfect_scores_is_small_and_of_wrong_ones_large() -> None:
    rng = np.random.default_rng(3)
    p = rng.random(20000)
    y = (rng.random(20000) < p).astype(np.int64)
    assert ece(np.stack([1 - p, p], 1), y) < 0.02
    assert ece(np.stack([p, 1 - p], 1), y) > 0.3


def test_operating_point_keeps_the_flag_rate_near_the_share() -> None:
    rng = np.random.default_rng(4)
    y = (rng.random(4000) < 0.5).astype(np.int64)  # a balanced benchmark
    p = np.clip(0.5 + 0.25 * (2 * y - 1) + rng.normal(0, 0.2, 4000), 0, 1)
    t, rate = choose_threshold(p, y, prevalence=0.1, slack=0.05)
    tpr, fpr = (p[y == 1] >= t).mean(), (p[y == 0] >= t).mean()
    assert abs(0.1 * tpr + 0.9 * fpr - rate) < 1e-3
    assert abs(rate - 0.1) <= 0.05
    balanced, _ = choose_threshold(p, y, prevalence=0.5, slack=0.05)
    assert t > balanced  # rarer true posts: a stricter flag


def test_identity_calibration_leaves_logits_alone() -> None:
    logits = np.arange(20, dtype=np.float32).reshape(2, 10)
    same = np.stack([np.ones(10, dtype=np.float32), np.zeros(10, dtype=np.float32)])
    assert np.array_equal(calibrated(logits, same), logits)


def test_calibrating_a_small_model_stores_scales_thresholds_and_keeps_argmax(
    data_root: Path, tmp_path: Path
) -> None:
    path = tmp_path / "fast.npz"
    grids = {t: (1.0,) for t in TASKS}
    train_fast(data_root, path, bits=12, limit=300, grids=grids, log=lambda _: None)
    before = FastClassifier(path)
    texts = ["this is awful, I hate it", "thanks, love it", "why would you do that?"]
    raw = before.raw_logits(texts)
    reports = calibrate_model(before, path, data_root, Prevalence(), log=lambda _: None)
    assert [r.task for r in reports] == list(TASKS)
    after = FastClassifier(path)
    with np.load(path) as f:
        assert f["calibration"].shape == (2, 10)
        thresholds = f["thresholds"]
    assert np.array_equal(after.raw_logits(texts), raw)
    old = [x.sentiment for x in before.classify(texts)]
    assert [x.sentiment for x in after.classify(texts)] == old
    for r, t in zip([r for r in reports if r.threshold is not None], thresholds, strict=True):
        assert r.threshold == pytest.approx(float(t))
        assert abs((r.flag_rate or 0) - (r.prevalence or 0)) <= 0.05 + 1e-9
    probs = probabilities(calibrated(raw, np.load(path)["calibration"]))
    assert np.allclose(probs[:, 0:3].sum(axis=1), 1.0)
