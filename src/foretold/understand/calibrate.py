"""Calibrated scores, and flags whose operating points suit real prevalence.

After the heads are fitted, ``foretold train`` calibrates each tier on the validation
splits and stores the result in the model file (``calibration``, ``thresholds``):

- each multi-class task (sentiment, emotion) gets a temperature ``T``: its logits are
  divided by ``T``, which leaves the arg-max unchanged;
- each binary task (irony, offensive, hate) gets Platt scaling ``a * z + b`` of its logit;
- the calibration error is the top-label ECE over 15 equal-width bins of confidence, both
  in-sample and 2-fold cross-fitted (fitted on the even posts, measured on the odd ones,
  and the other way round), the honest figure;
- beside it, the ECE's *floor* (:func:`ece_floor`): what a perfectly calibrated model with
  the same scores shows on as many posts, by chance alone. On small splits it is large
  (TweetEval emotion's 374 validation posts: about 0.05), and no calibrator can be told
  apart from a perfect one below it;
- each flag's operating point is the calibrated probability above which it fires, chosen
  for a realistic share of true posts (``Prevalence``) rather than for the benchmark's
  balance: the threshold that maximises F1 at that share (TPR and FPR measured on
  validation, the false positives weighted up to that share) among those whose expected
  flag rate is within ``rate_slack`` of it. ``ironic`` is chosen on the iSarcasmEval
  ``val`` part, whose authors labelled their own sarcasm, at its own share.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> y = rng.integers(0, 2, 4000)
>>> z = 4.0 * (2 * y - 1) + rng.normal(0, 3.0, 4000)   # over-confident logits
>>> a, b = fit_platt(z, y)
>>> round(a, 2), ece(np.stack([1 - sigmoid(a * z + b), sigmoid(a * z + b)], 1), y) < 0.02
(0.89, True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from foretold.understand.classifier import calibration_of
from foretold.understand.data import TASKS, Split, load_isarcasmeval_part, load_split
from foretold.understand.metrics import score

__all__ = [
    "Prevalence",
    "TaskCalibration",
    "calibrate_model",
    "choose_threshold",
    "ece",
    "ece_floor",
    "fit_platt",
    "fit_temperature",
    "sigmoid",
]

Floats = npt.NDArray[np.float64]
SLOTS = {
    "sentiment": (0, 3),
    "irony": (3, 4),
    "offensive": (4, 5),
    "hate": (5, 6),
    "emotion": (6, 10),
}
BINARY = ("irony", "offensive", "hate")
FLAG_OF = {"irony": "ironic", "offensive": "offensive", "hate": "hateful"}


@dataclass(frozen=True)
class Prevalence:
    """The share of truly positive posts each flag's operating point is chosen for.

    ``ironic``: iSarcasmEval's own share (its authors labelled about one tweet in four of
    theirs sarcastic); ``offensive`` and ``hateful``: assumptions for a brand's mentions in
    an ordinary week (TweetEval's validation splits hold 35% and 43%, collected with
    keyword searches that seek such posts out). ``rate_slack``: how far the expected
    flag rate may sit from the share."""

    ironic: float = 0.25
    offensive: float = 0.10
    hateful: float = 0.05
    rate_slack: float = 0.05

    def of(self, flag: str) -> float:
        """The share for ``flag``."""
        value: float = getattr(self, flag)
        return value


@dataclass
class TaskCalibration:
    """What calibrating one task fitted and measured (on its validation split)."""

    task: str
    scale: float
    shift: float
    ece_raw: float  # before calibration, in-sample
    ece: float  # after, in-sample
    ece_cross: float  # after, 2-fold cross-fitted
    ece_floor: float = 0.0  # a perfectly calibrated model's ECE on as many posts (mean)
    ece_floor_95: float = 0.0  # ... its 95th percentile
    threshold: float | None = None  # the shipped one (calibrated probability); binary tasks
    point: str | None = None  # "prevalence" (chosen for ``prevalence``) or "kept" (as before)
    prevalence_threshold: float | None = None  # the one chosen for ``prevalence``
    prevalence: float | None = None
    val_metric: float | None = None  # the task's metric on its val split at the threshold
    flag_rate: float | None = None  # of the shipped threshold, expected at ``prevalence``
    operating_set: str | None = None
    benchmark_threshold: float | None = None  # best for the task's metric on its val split
    benchmark_metric: float | None = None  # that metric there


class RawModel(Protocol):
    """A tier whose logits can be read before calibration."""

    def raw_logits(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...


def sigmoid(z: Floats) -> Floats:
    """The logistic function."""
    out: Floats = 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))
    return out


def _softmax(z: Floats) -> Floats:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    out: Floats = e / e.sum(axis=1, keepdims=True)
    return out


def ece(probs: Floats, labels: Sequence[int] | npt.NDArray[np.int64], bins: int = 15) -> float:
    """Top-label expected calibration error: the support-weighted gap between confidence
    (the top probability) and accuracy over ``bins`` equal-width confidence bins.

    >>> round(ece(np.array([[0.2, 0.8], [0.2, 0.8], [0.9, 0.1]]), [1, 0, 0]), 3)
    0.233
    """
    y = np.asarray(labels)
    conf = probs.max(axis=1)
    hit = (probs.argmax(axis=1) == y).astype(np.float64)
    edges = np.minimum((conf * bins).astype(np.int64), bins - 1)
    total = 0.0
    for b in range(bins):
        sel = edges == b
        if sel.any():
            total += sel.sum() * abs(conf[sel].mean() - hit[sel].mean())
    return float(total / max(len(y), 1))


def ece_floor(probs: Floats, draws: int = 200, seed: int = 0) -> tuple[float, float]:
    """``(mean, 95th percentile)`` of the ECE that a perfectly calibrated model shows on
    ``len(probs)`` posts: each draw takes the labels from the scores themselves (a post
    is of class ``c`` with probability ``probs[:, c]``) and measures :func:`ece` against
    them. An ECE near the mean is what calibration error this sample size cannot resolve.

    >>> p = np.tile([0.6, 0.4], (400, 1))
    >>> mean, p95 = ece_floor(p)
    >>> 0.01 < mean < 0.04 < p95 < 0.08   # one bin, 400 posts: |mean of 400 draws - 0.6|
    True
    >>> ece_floor(np.tile([0.6, 0.4], (40_000, 1)))[0] < 0.005   # shrinks as 1 / sqrt(n)
    True
    """
    rng = np.random.default_rng(seed)
    cumulative = np.cumsum(probs, axis=1)
    cumulative[:, -1] = 1.0
    values = np.empty(draws)
    for i in range(draws):
        u = rng.random(len(probs))[:, None]
        values[i] = ece(probs, (u > cumulative).sum(axis=1))
    return float(values.mean()), float(np.quantile(values, 0.95))


def fit_temperature(logits: Floats, labels: Sequence[int] | npt.NDArray[np.int64]) -> float:
    """The temperature ``T`` minimising the negative log-likelihood of ``softmax(z / T)``
    (golden-section search over ``log T`` in [-3, 3])."""
    y = np.asarray(labels)

    def nll(log_t: float) -> float:
        p = _softmax(logits / np.exp(log_t))
        return float(-np.log(np.clip(p[np.arange(len(y)), y], 1e-12, None)).mean())

    lo, hi = -3.0, 3.0
    g = (np.sqrt(5) - 1) / 2
    a, b = hi - g * (hi - lo), lo + g * (hi - lo)
    fa, fb = nll(a), nll(b)
    for _ in range(60):
        if fa < fb:
            hi, b, fb = b, a, fa
            a = hi - g * (hi - lo)
            fa = nll(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + g * (hi - lo)
            fb = nll(b)
    return float(np.exp((lo + hi) / 2))


def fit_platt(z: Floats, labels: Sequence[int] | npt.NDArray[np.int64]) -> tuple[float, float]:
    """``(a, b)`` of the logistic regression of ``labels`` on the logit ``z`` (Newton's
    method with a backtracking line search, a tiny ridge on ``a`` and ``b`` for stability).

    The line search matters for an over-confident head: from ``(1, 0)`` a full Newton
    step can overshoot and the iteration diverge (a fine-tuned irony head, 2026-12-05),
    while a step is only taken once it lowers the loss.

    >>> z = np.array([-9.0, -6.0, -3.0, 0.0, 3.0, 6.0, 9.0, -8.0, 8.0, 2.0])
    >>> a, b = fit_platt(z, [0, 1, 0, 1, 0, 1, 1, 1, 0, 1])
    >>> 0 < a < 0.2
    True
    """
    y = np.asarray(labels, dtype=np.float64)
    x = np.stack([z, np.ones_like(z)], axis=1)
    w = np.array([1.0, 0.0])

    def loss(v: Floats) -> float:
        s = x @ v
        return float(np.sum(np.logaddexp(0.0, s) - y * s) + 0.5e-6 * v @ v)

    current = loss(w)
    for _ in range(100):
        p = sigmoid(x @ w)
        grad = x.T @ (p - y) + 1e-6 * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + 1e-6 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while t > 1e-8 and loss(w - t * step) > current:
            t /= 2
        w = w - t * step
        current = loss(w)
        if np.abs(t * step).max() < 1e-10:
            break
    return float(w[0]), float(w[1])


def _probs(task: str, z: Floats, scale: float, shift: float) -> Floats:
    if task in BINARY:
        p = sigmoid(z[:, 0] * scale + shift)
        return np.stack([1 - p, p], axis=1)
    return _softmax(z * scale)


def _fit(task: str, z: Floats, y: npt.NDArray[np.int64]) -> tuple[float, float]:
    if task in BINARY:
        return fit_platt(z[:, 0], y)
    return 1.0 / fit_temperature(z, y), 0.0


def choose_threshold(
    p: Floats, y: npt.NDArray[np.int64], prevalence: float, slack: float
) -> tuple[float, float]:
    """``(threshold, expected flag rate)``: the threshold on ``p`` that maximises F1 at
    ``prevalence`` among those whose expected flag rate is within ``slack`` of it (the
    closest rate when none is).

    >>> p = np.array([0.1, 0.2, 0.3, 0.6, 0.7, 0.9])
    >>> choose_threshold(p, np.array([0, 0, 0, 1, 0, 1]), 0.5, 0.2)
    (0.31, 0.625)
    """
    pos, neg = p[y == 1], p[y == 0]
    best: tuple[float, float, float] | None = None
    closest: tuple[float, float, float] | None = None
    for t in np.round(np.arange(0.02, 0.99, 0.01), 2):
        tpr = float((pos >= t).mean()) if pos.size else 0.0
        fpr = float((neg >= t).mean()) if neg.size else 0.0
        rate = prevalence * tpr + (1 - prevalence) * fpr
        precision = prevalence * tpr / rate if rate > 0 else 0.0
        f1 = 2 * precision * tpr / (precision + tpr) if precision + tpr > 0 else 0.0
        if abs(rate - prevalence) <= slack + 1e-12 and (best is None or f1 > best[0] + 1e-12):
            best = (f1, float(t), rate)
        gap = abs(rate - prevalence)
        if closest is None or gap < closest[0] - 1e-12:
            closest = (gap, float(t), rate)
    chosen = best or closest
    assert chosen is not None
    return chosen[1], round(chosen[2], 4)


def _crossed_ece(task: str, z: Floats, y: npt.NDArray[np.int64]) -> float:
    idx = np.arange(len(y))
    halves = (idx % 2 == 0, idx % 2 == 1)
    errors = []
    for fit_on, test_on in (halves, halves[::-1]):
        scale, shift = _fit(task, z[fit_on], y[fit_on])
        errors.append(ece(_probs(task, z[test_on], scale, shift), y[test_on]) * test_on.sum())
    return float(sum(errors) / len(y))


def calibrate_model(
    model: RawModel,
    path: Path,
    root: Path,
    prevalence: Prevalence = Prevalence(),
    log: Callable[[str], None] = print,
    keep_points: bool = False,
) -> list[TaskCalibration]:
    """Fit ``model``'s calibration and operating points on validation and store them in
    its model file ``path`` (the other arrays are kept as they are).

    ``keep_points``: the flags keep firing exactly where they fired before (the stored
    thresholds, carried over to the new calibrated scale); the real-prevalence points are
    still chosen and reported, not shipped."""
    scale = np.ones(10, dtype=np.float32)
    shift = np.zeros(10, dtype=np.float32)
    with np.load(path, allow_pickle=False) as f:
        arrays: dict[str, Any] = {k: f[k] for k in f.files}
    old_cal = calibration_of(arrays)
    thresholds = np.asarray(arrays["thresholds"], dtype=np.float32).copy()
    reports: list[TaskCalibration] = []
    sarcasm = load_isarcasmeval_part("val", root)
    for task, (lo, hi) in SLOTS.items():
        val: Split = load_split(task, "val", root)
        z = model.raw_logits(val.texts)[:, lo:hi].astype(np.float64)
        y = np.asarray(val.labels, dtype=np.int64)
        a, b = _fit(task, z, y)
        raw = ece(_probs(task, z, 1.0, 0.0), y)
        calibrated_p = _probs(task, z, a, b)
        report = TaskCalibration(
            task,
            a,
            b,
            raw,
            ece(calibrated_p, y),
            _crossed_ece(task, z, y),
            *ece_floor(calibrated_p),
        )
        scale[lo:hi], shift[lo:hi] = a, b
        spec = TASKS[task]
        if task in BINARY:
            flag = FLAG_OF[task]
            share = prevalence.of(flag)
            if task == "irony":
                zs = model.raw_logits(sarcasm.texts)[:, lo:hi].astype(np.float64)
                ys = np.asarray(sarcasm.labels, dtype=np.int64)
                share = float(ys.mean())
                t, rate = choose_threshold(
                    _probs(task, zs, a, b)[:, 1], ys, share, prevalence.rate_slack
                )
                report.operating_set = "iSarcasmEval val part"
            else:
                t, rate = choose_threshold(
                    _probs(task, z, a, b)[:, 1], y, share, prevalence.rate_slack
                )
                report.operating_set = f"TweetEval {task} val, reweighted"
                zs, ys = z, y
            report.prevalence_threshold, report.point = t, "prevalence"
            if keep_points:
                i = BINARY.index(task)
                old = float(np.clip(thresholds[i], 1e-6, 1 - 1e-6))
                raw_cut = (np.log(old / (1 - old)) - old_cal[1, lo]) / old_cal[0, lo]
                t, report.point = float(sigmoid(np.array(a * raw_cut + b))), "kept"
                ps = _probs(task, zs, a, b)[:, 1]
                tpr, fpr = float((ps[ys == 1] >= t).mean()), float((ps[ys == 0] >= t).mean())
                rate = round(share * tpr + (1 - share) * fpr, 4)
            thresholds[BINARY.index(task)] = t
            p = _probs(task, z, a, b)[:, 1]
            pred = (p >= t).astype(int).tolist()
            grid = [
                (score(spec.metric, val.labels, (p >= c).astype(int).tolist(), 2), float(c))
                for c in np.round(np.arange(0.02, 0.99, 0.01), 2)
            ]
            best = max(grid, key=lambda m: (m[0], -abs(m[1] - 0.5)))
            report.benchmark_metric, report.benchmark_threshold = round(best[0], 4), best[1]
            report.threshold, report.prevalence, report.flag_rate = t, round(share, 4), rate
        else:
            pred = z.argmax(axis=1).tolist()
        report.val_metric = round(score(spec.metric, val.labels, pred, len(spec.classes)), 4)
        log(
            f"calibrate: {task} scale {a:.3f} shift {b:.3f} ECE {raw:.3f} -> {report.ece:.3f} "
            f"(cross-fitted {report.ece_cross:.3f}; floor {report.ece_floor:.3f})"
            + (
                f"; threshold {report.threshold:.2f} (benchmark {report.benchmark_threshold:.2f}:"
                f" {report.benchmark_metric:.4f})"
                if report.threshold is not None
                else ""
            )
            + f"; val {spec.metric} {report.val_metric:.4f}"
        )
        reports.append(report)
    arrays["calibration"] = np.stack([scale, shift])
    arrays["thresholds"] = thresholds
    np.savez_compressed(path, **arrays)
    return reports


def reports_dict(reports: Sequence[TaskCalibration]) -> list[dict[str, Any]]:
    """The reports as plain dicts (for ``calibration.json``)."""
    return [asdict(r) for r in reports]
