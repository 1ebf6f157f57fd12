"""Where the storm is heading: growth rate, doubling time, and the next hour with an interval.

A log-linear (quasi-)Poisson fit on the last minutes' counts, ``E[y_t] = exp(a + b t)``
(iteratively reweighted least squares, a handful of iterations, plain Python):

- ``b`` is the growth rate per minute; ``log 2 / b`` the doubling time (halving when
  ``b < 0``);
- the overdispersion ``phi`` is the Pearson statistic over its degrees of freedom
  (at least 1): bursts widen the interval instead of being ignored;
- the next ``horizon`` minutes "at this pace" sum to ``S = sum exp(a + b t)``; its
  90 % interval is log-normal with ``var(log S) = g' C g / S**2 + phi / S`` (the
  fit's own uncertainty, by the delta method with ``C = phi (X' W X)^-1``, plus the
  counting noise of ``S`` posts).

The same fit serves posts and impressions (followers of the hostile authors and
reposters): quasi-Poisson does not care about the unit, ``phi`` absorbs it.

::

    minute      0   1   2   3   4   5   6   7   8   9
    hostile     2   3   3   5   6   8  11  13  18  24     doubling every ~2.5 min

>>> f = fit([2, 3, 3, 5, 6, 8, 11, 13, 18, 24], horizon=10)
>>> round(f.doubling_min, 1), round(f.next_total), f.low < f.next_total < f.high
(2.5, 1410, True)
>>> f.words("hostile replies")
'hostile replies are doubling every 2.5 min; at this pace ~1,400 in the next 10 min (90%: 680-2,900)'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from foretold.detect.composition import Z90

#: Growth slower than this (per minute; a doubling time over ~11.5 h) is "steady".
STEADY = 0.001


@dataclass(frozen=True)
class Forecast:
    """A fitted growth rate and the projected total of the next ``horizon`` steps."""

    rate_per_min: float  # b
    doubling_min: float | None  # log 2 / b when growing faster than STEADY
    halving_min: float | None  # log 2 / -b when shrinking faster than STEADY
    next_total: float
    low: float
    high: float
    horizon: int
    dispersion: float
    last: float  # the fitted rate at the last minute
    rate_se: float = 0.0  # standard error of the growth rate

    @property
    def growing(self) -> bool:
        """Whether the growth rate is above zero at 90 % (its one-sided 95 % lower bound)."""
        return self.rate_per_min - Z90 * self.rate_se > 0.0

    def words(self, what: str) -> str:
        """The forecast as a sentence a social team reads.

        >>> Forecast(0.0, None, None, 120.0, 90.0, 160.0, 60, 1.0, 2.0).words("hostile posts")
        'hostile posts are steady; at this pace ~120 in the next hour (90%: 90-160)'
        """
        if self.doubling_min is not None:
            pace = f"are doubling every {_minutes(self.doubling_min)}"
        elif self.halving_min is not None:
            pace = f"are halving every {_minutes(self.halving_min)}"
        else:
            pace = "are steady"
        span = "the next hour" if self.horizon == 60 else f"the next {self.horizon} min"
        return (
            f"{what} {pace}; at this pace ~{_count(self.next_total)} in {span} "
            f"(90%: {_count(self.low)}-{_count(self.high)})"
        )

    def to_dict(self) -> dict[str, float | int | None]:
        """The figures as evidence."""
        r = round
        return {
            "growth_per_min": r(self.rate_per_min, 4),
            "doubling_min": None if self.doubling_min is None else r(self.doubling_min, 1),
            "halving_min": None if self.halving_min is None else r(self.halving_min, 1),
            "next": r(self.next_total, 1), "low": r(self.low, 1), "high": r(self.high, 1),
            "horizon_min": self.horizon, "dispersion": r(self.dispersion, 2),
        }  # fmt: skip


def fit(counts: Sequence[float], horizon: int = 60, z: float = Z90, cap: float = 1e12) -> Forecast:
    """Fit ``E[y_t] = exp(a + b t)`` to ``counts`` (oldest first) and project ``horizon``
    steps on; projections are capped at ``cap`` (growth that fast is a number no one
    needs exactly)."""
    n = len(counts)
    if n < 3:
        raise ValueError("a growth fit needs at least 3 steps")
    total = float(sum(counts))
    ts = [i - (n - 1) / 2.0 for i in range(n)]  # centred: a and b are nearly uncorrelated
    if total <= 0.0:
        return Forecast(0.0, None, None, 0.0, 0.0, 0.0, horizon, 1.0, 0.0)
    a, b = math.log(total / n), 0.0
    for _ in range(25):
        s0 = s1 = s2 = g0 = g1 = 0.0
        for t, y in zip(ts, counts, strict=True):
            mu = math.exp(a + b * t)
            s0 += mu
            s1 += mu * t
            s2 += mu * t * t
            g0 += y - mu
            g1 += (y - mu) * t
        det = s0 * s2 - s1 * s1
        if det <= 1e-12:
            break
        da = (s2 * g0 - s1 * g1) / det
        db = (s0 * g1 - s1 * g0) / det
        a, b = a + da, max(min(b + db, 1.0), -1.0)
        if abs(da) < 1e-9 and abs(db) < 1e-9:
            break
    pearson = 0.0
    for t, y in zip(ts, counts, strict=True):
        mu = max(math.exp(a + b * t), 1e-12)
        pearson += (y - mu) ** 2 / mu
    phi = max(1.0, pearson / max(n - 2, 1))
    if det <= 1e-12:  # all counts in one minute: no trend can be read, only the total
        flat = total / n * horizon
        return Forecast(0.0, None, None, flat, 0.0, flat * 2.0 + 3.0, horizon, phi, total / n)
    # covariance of (a, b): phi * inverse Fisher information
    c00, c01, c11 = phi * s2 / det, -phi * s1 / det, phi * s0 / det
    last_t = ts[-1]
    s = ga = gb = 0.0
    for j in range(1, horizon + 1):
        t = last_t + j
        mu = math.exp(min(a + b * t, 700.0))
        s += mu
        gb += mu * t
    ga = s
    s = min(s, cap)
    if s <= 0.0:
        return Forecast(b, None, None, 0.0, 0.0, 0.0, horizon, phi, 0.0)
    var_log = (ga * ga * c00 + 2 * ga * gb * c01 + gb * gb * c11) / (ga * ga) + phi / s
    spread = min(z * math.sqrt(max(var_log, 0.0)), 50.0)
    growing = b > STEADY
    shrinking = b < -STEADY
    return Forecast(
        rate_per_min=b,
        doubling_min=math.log(2.0) / b if growing else None,
        halving_min=math.log(2.0) / -b if shrinking else None,
        next_total=s,
        low=min(s * math.exp(-spread), cap),
        high=min(s * math.exp(spread), cap),
        horizon=horizon,
        dispersion=phi,
        last=math.exp(a + b * last_t),
        rate_se=math.sqrt(max(c11, 0.0)),
    )


def _minutes(m: float) -> str:
    if m >= 90:
        return f"{m / 60:.1f} h".replace(".0 h", " h")
    return f"{m:.0f} min" if m >= 10 else f"{m:.1f} min"


def _count(x: float) -> str:
    """Round a projection to what it can honestly say: two significant figures.

    >>> _count(1234.0), _count(87.4), _count(3.2)
    ('1,200', '87', '3')
    """
    if x < 100:
        return f"{round(x):,}"
    digits = math.floor(math.log10(x)) - 1
    return f"{round(x, -digits):,.0f}"
