"""Would pooling the fast tier's calibrated probabilities into the accurate tier's gain?
Validation splits only: blend.py DATA. Log-linear pooling log p = (1-w) log p_acc + w log p_fast,
each tier calibrated on the split (as shipped), binary tasks at each w's best threshold on the
split (the 'benchmark point'), so every w gets the same selection; 2-fold cross-fitted too
(w and threshold chosen on one half, scored on the other, both ways, averaged)."""
import sys
from pathlib import Path
import numpy as np
from foretold.understand import load_tier
from foretold.understand.calibrate import BINARY, SLOTS, _fit, _probs
from foretold.understand.data import TASKS, load_split
from foretold.understand.metrics import score

root = Path(sys.argv[1])
fast, acc = load_tier("fast"), load_tier("accurate")
WS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
TH = np.arange(0.2, 0.81, 0.01)

def metric(task, p, y, th=None):
    k = len(TASKS[task].classes)
    if task in BINARY:
        if th is None:
            return max((score(TASKS[task].metric, y, (p[:, 1] >= t).astype(int), k), t) for t in TH)
        return score(TASKS[task].metric, y, (p[:, 1] >= th).astype(int), k), th
    return score(TASKS[task].metric, y, p.argmax(1), k), None

def pooled(pa, pf, w):
    lp = (1 - w) * np.log(pa + 1e-12) + w * np.log(pf + 1e-12)
    p = np.exp(lp - lp.max(1, keepdims=True))
    return p / p.sum(1, keepdims=True)

for task, (lo, hi) in SLOTS.items():
    val = load_split(task, "val", root)
    y = np.asarray(val.labels)
    za = acc.raw_logits(val.texts)[:, lo:hi].astype(np.float64)
    zf = fast.raw_logits(val.texts)[:, lo:hi].astype(np.float64)
    pa = _probs(task, za, *_fit(task, za, y)); pf = _probs(task, zf, *_fit(task, zf, y))
    row = [f"{w}:{100 * metric(task, pooled(pa, pf, w), y)[0]:.2f}" for w in WS]
    # 2-fold cross-fitted: choose w (and threshold) on one half, score on the other
    rng = np.random.default_rng(0); idx = rng.permutation(len(y)); halves = (idx[: len(y) // 2], idx[len(y) // 2 :])
    cross, base = [], []
    for a, b in (halves, halves[::-1]):
        best = max((metric(task, pooled(pa[a], pf[a], w), y[a]), w) for w in WS)
        (m, th), w = best
        cross.append(metric(task, pooled(pa[b], pf[b], w), y[b], th)[0])
        m0, th0 = metric(task, pa[a], y[a])
        base.append(metric(task, pa[b], y[b], th0)[0])
    print(f"{task:10s} n={len(y):5d} " + " ".join(row) + f" | cross-fitted: accurate {100 * np.mean(base):.2f}, pooled {100 * np.mean(cross):.2f}", flush=True)
