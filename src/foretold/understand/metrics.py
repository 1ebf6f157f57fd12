"""The metrics the benchmarks define, in plain numpy.

>>> round(macro_recall([0, 1, 2, 2], [0, 1, 1, 2], 3), 3)
0.833
>>> round(f1_positive([0, 1, 1, 0], [0, 1, 0, 1]), 3)
0.5
>>> round(macro_f1([0, 1, 1, 0], [0, 1, 0, 1], 2), 3)
0.5
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["f1_positive", "macro_f1", "macro_recall", "score"]


def _confusion(y: Sequence[int], p: Sequence[int], k: int) -> npt.NDArray[np.int64]:
    m = np.zeros((k, k), dtype=np.int64)
    np.add.at(m, (np.asarray(y, dtype=np.int64), np.asarray(p, dtype=np.int64)), 1)
    return m


def macro_recall(y: Sequence[int], p: Sequence[int], k: int) -> float:
    """Recall averaged over the ``k`` classes (SemEval-2017 4A)."""
    m = _confusion(y, p, k)
    support = m.sum(axis=1)
    rec = np.divide(np.diag(m), support, out=np.zeros(k), where=support > 0)
    return float(rec.mean())


def _f1s(y: Sequence[int], p: Sequence[int], k: int) -> npt.NDArray[np.float64]:
    m = _confusion(y, p, k)
    tp = np.diag(m).astype(float)
    denom = m.sum(axis=0) + m.sum(axis=1)
    out: npt.NDArray[np.float64] = np.divide(2 * tp, denom, out=np.zeros(k), where=denom > 0)
    return out


def macro_f1(y: Sequence[int], p: Sequence[int], k: int) -> float:
    """F1 averaged over the ``k`` classes."""
    return float(_f1s(y, p, k).mean())


def f1_positive(y: Sequence[int], p: Sequence[int]) -> float:
    """F1 of class 1."""
    return float(_f1s(y, p, 2)[1])


def score(metric: str, y: Sequence[int], p: Sequence[int], k: int) -> float:
    """``metric`` (``macro_recall``, ``f1_pos`` or ``macro_f1``) of predictions ``p``."""
    if metric == "macro_recall":
        return macro_recall(y, p, k)
    if metric == "f1_pos":
        return f1_positive(y, p)
    return macro_f1(y, p, k)
