"""How many posts in a window are truly hostile (or mocking), given a classifier that errs.

A classifier flags a post with probability ``tpr`` when it truly is hostile and
``fpr`` when it is not (both measured on validation splits and shipped with the
models: :func:`foretold.understand.error_rates`). The observed share is then
``tpr * p + fpr * (1 - p)``, so the true share is (adjusted classify-and-count,
Forman 2008)::

    p = (observed - fpr) / (tpr - fpr)        clipped to [0, 1]

The interval is Wilson's score interval on the observed share, mapped through the
same line (the map is monotone, so the coverage carries over; the rates' own
sampling error is left out). When ``tpr - fpr`` is too small to tell the classes
apart (the fast tier's irony flag fires on 28 % of sarcasm-free posts and 30 % of
sarcastic ones), nothing can be inferred from the flag: the count is the observed
one and the interval is ``[0, n]``.

>>> from foretold.understand import ErrorRate
>>> anger = ErrorRate(tpr=0.825, fpr=0.15, n_pos=160, n_neg=214, dataset="example")
>>> est = adjusted(30, 60, anger)  # 30 of 60 posts flagged
>>> round(est.share, 3), est.count, est.low, est.high
(0.519, 31.1, 21.9, 40.3)
>>> adjusted(6, 60, anger).count  # fewer flags than the false-positive rate makes
0.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

Z90 = 1.6449  # the two-sided 90 % normal quantile: every interval foretold reports is 90 %
MIN_GAP = 0.05  # tpr - fpr below this: the flag says nothing about the true share


class Rate(Protocol):
    """A decision's error rates (:class:`foretold.understand.ErrorRate` is one)."""

    tpr: float
    fpr: float


@dataclass(frozen=True)
class Estimate:
    """A window's estimated true count, its share, and the interval of the count."""

    count: float
    share: float
    low: float
    high: float
    observed: int
    n: int

    def to_dict(self) -> dict[str, float | int]:
        """The figures as evidence."""
        return {"estimate": self.count, "low": self.low, "high": self.high,
                "share": round(self.share, 4), "flagged": self.observed, "of": self.n}  # fmt: skip


def wilson(k: float, n: float, z: float = Z90) -> tuple[float, float]:
    """Wilson's score interval for a share of ``k`` in ``n``.

    >>> tuple(round(x, 3) for x in wilson(5, 10))
    (0.269, 0.731)
    """
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def true_share(observed: float, rate: Rate) -> float:
    """The true share behind an ``observed`` share of flags, clipped to [0, 1].

    >>> class R:
    ...     tpr, fpr = 0.8, 0.1
    >>> round(true_share(0.45, R()), 3)
    0.5
    """
    gap = rate.tpr - rate.fpr
    if gap < MIN_GAP:
        return min(1.0, max(0.0, observed))
    return min(1.0, max(0.0, (observed - rate.fpr) / gap))


def adjusted(k: int, n: int, rate: Rate, z: float = Z90) -> Estimate:
    """The true count among ``n`` posts of which ``k`` were flagged, with its interval."""
    if n <= 0:
        return Estimate(0.0, 0.0, 0.0, 0.0, k, n)
    if rate.tpr - rate.fpr < MIN_GAP:
        return Estimate(float(k), k / n, 0.0, float(n), k, n)
    p = true_share(k / n, rate)
    lo, hi = wilson(k, n, z)
    return Estimate(
        count=round(p * n, 1),
        share=p,
        low=round(true_share(lo, rate) * n, 1),
        high=round(true_share(hi, rate) * n, 1),
        observed=k,
        n=n,
    )
