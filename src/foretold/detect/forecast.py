"""Where the storm is heading: growth rate, doubling time, and the next hour with an interval.

**The trend.** A log-linear (quasi-)Poisson fit on the last minutes' counts,
``E[y_t] = exp(a + b t)`` (iteratively reweighted least squares, plain Python):

- ``b`` is the growth rate per minute; ``log 2 / b`` the doubling time (halving when
  ``b < 0``), said in words only when significant (``b``'s 90 % one-sided bound
  clears 0: :attr:`Forecast.growing`); otherwise the sentence gives the level;
- the overdispersion ``phi`` is the Pearson statistic over its degrees of freedom
  (at least 1): bursts widen the interval instead of being ignored.

**The projection** (``method``, ``DetectConfig.forecast_method``):

- ``loglinear`` (the default, measured better: ``docs/early-warning.md``): the trend,
  damped. ``j`` minutes on, the log-rate is ``a + b (T + D_j)`` with ``D_j = sum_{i<=j}
  rho**i`` and ``rho = exp(-1 / tau)``: the growth fades with a time constant ``tau``
  of one window (``DAMPING``), shortened so that ``b tau``, all the growth still to
  come, is at most what the window's counts themselves grew (:func:`observed_growth`:
  its last third against its first). A 30-minute window says little about minute
  60, and a fitted ``b`` overstates a spike: the plain exponential projected a
  one-minute burst to ~10**12.
  The 90 % interval is log-normal around the damped sum ``S``: the fit's own
  uncertainty (delta method, ``C = phi (X' W X)^-1``) and the counting noise of ``S``
  posts, ``z sqrt(g' C g / S**2 + phi / S)``, widened by the log gap to the undamped
  sum on both sides (whether the growth goes on or fades is not in the window);
- ``hawkes``: the self-exciting fit of :mod:`.hawkes`, its simulated futures' median
  and 5-95 % range (branching, kernel lifetime and background in the evidence).

The same fit serves posts and impressions (followers of the hostile authors and
reposters): quasi-Poisson does not care about the unit, ``phi`` absorbs it.

::

    minute      0   1   2   3   4   5   6   7   8   9
    hostile     2   3   3   5   6   8  11  13  18  24     doubling every ~2.5 min

>>> f = fit([2, 3, 3, 5, 6, 8, 11, 13, 18, 24], horizon=10)
>>> round(f.doubling_min, 1), round(f.next_total), f.low < f.next_total < f.high
(2.5, 595, True)
>>> f.words("hostile replies")
'hostile replies are doubling every 2.5 min; at this pace ~590 in the next 10 min (90%: 160-2,200)'
>>> round(fit([2, 3, 3, 5, 6, 8, 11, 13, 18, 24], horizon=10, damping=None).next_total)
1410
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from foretold.detect.composition import Z90
from foretold.detect.hawkes import fit_hawkes

#: Growth slower than this (per minute; a doubling time over ~11.5 h) is "steady".
STEADY = 0.001
#: The projection methods (``DetectConfig.forecast_method``); the first is the default.
METHODS = ("loglinear", "hawkes")
#: The trend's damping time constant, in windows: ahead, the growth rate fades as
#: ``exp(-j / (DAMPING * window))``, so the projection never climbs more than
#: ``exp(b * DAMPING * window)`` above today's rate (docs/early-warning.md, measured).
DAMPING = 1.0
#: Simulated futures behind the Hawkes interval.
PATHS = 200


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
    method: str = "loglinear"  # what projected next_total, low and high
    branching: float | None = None  # hawkes: voices each voice calls out, on average
    decay_min: float | None = None  # hawkes: the kernel's mean lifetime
    background: float | None = None  # hawkes: the background rate a minute

    @property
    def growing(self) -> bool:
        """Whether the growth rate is above zero at 90 % (its one-sided 95 % lower bound)."""
        return self.rate_per_min - Z90 * self.rate_se > 0.0

    @property
    def shrinking(self) -> bool:
        """Whether the growth rate is below zero at 90 % (its one-sided upper bound)."""
        return self.rate_per_min + Z90 * self.rate_se < 0.0

    def words(self, what: str) -> str:
        """The forecast as a sentence a social team reads: the doubling (or halving)
        time only when the growth is significant (:attr:`growing`), else the level.

        >>> Forecast(0.0, None, None, 120.0, 90.0, 160.0, 60, 1.0, 2.0).words("hostile posts")
        'hostile posts run at ~2 a minute; at this pace ~120 in the next hour (90%: 90-160)'
        >>> Forecast(0.05, 13.9, None, 900.0, 600.0, 1300.0, 60, 1.0, 9.0, 0.01).words("hostile replies")
        'hostile replies are doubling every 14 min; at this pace ~900 in the next hour (90%: 600-1,300)'
        """
        if self.doubling_min is not None and self.growing:
            pace = f"are doubling every {_minutes(self.doubling_min)}"
        elif self.halving_min is not None and self.shrinking:
            pace = f"are halving every {_minutes(self.halving_min)}"
        else:
            pace = f"run at ~{_count(self.last)} a minute"
        span = "the next hour" if self.horizon == 60 else f"the next {self.horizon} min"
        return (
            f"{what} {pace}; at this pace ~{_count(self.next_total)} in {span} "
            f"(90%: {_count(self.low)}-{_count(self.high)})"
        )

    def to_dict(self) -> dict[str, float | int | str | None]:
        """The figures as evidence."""
        r = round
        return {
            "growth_per_min": r(self.rate_per_min, 4),
            "doubling_min": None if self.doubling_min is None else r(self.doubling_min, 1),
            "halving_min": None if self.halving_min is None else r(self.halving_min, 1),
            "next": r(self.next_total, 1), "low": r(self.low, 1), "high": r(self.high, 1),
            "horizon_min": self.horizon, "dispersion": r(self.dispersion, 2),
            "method": self.method,
            **self._hawkes_figures(),
        }  # fmt: skip

    def _hawkes_figures(self) -> dict[str, float | None]:
        """Branching, kernel lifetime, background; and the process's own pace: while
        explosive (``n > 1``) the mean rate's doubling time, ``log 2 / log(d + n (1 - d))``;
        while subcritical the rate it settles at, ``mu / (1 - n)``.

        >>> Forecast(0.0, None, None, 1.0, 0.0, 2.0, 60, 1.0, 1.0, method="hawkes",
        ...          branching=0.5, decay_min=5.0, background=1.0).to_dict()["settles_per_min"]
        2.0
        >>> Forecast(0.0, None, None, 1.0, 0.0, 2.0, 60, 1.0, 1.0, method="hawkes",
        ...          branching=2.0, decay_min=5.0, background=1.0).to_dict()["explosive_doubling_min"]
        4.2
        """
        n, life, mu = self.branching, self.decay_min, self.background
        if n is None or life is None or mu is None:
            return {}
        d = math.exp(-1.0 / life)
        growth = math.log(d + n * (1.0 - d))
        return {
            "branching": round(n, 3), "decay_min": round(life, 1),
            "background_per_min": round(mu, 3),
            "explosive_doubling_min": round(math.log(2.0) / growth, 1) if n > 1.0 else None,
            "settles_per_min": round(mu / (1.0 - n), 3) if n < 1.0 else None,
        }  # fmt: skip


def fit(
    counts: Sequence[float],
    horizon: int = 60,
    z: float = Z90,
    cap: float = 1e12,
    method: str = "loglinear",
    damping: float | None = DAMPING,
    observed: bool = True,
) -> Forecast:
    """Fit ``counts`` (oldest first) and project ``horizon`` steps on.

    ``method`` is ``loglinear`` (the trend, damped: see the module) or ``hawkes``
    (:mod:`.hawkes`: the self-exciting fit, projected by simulation). Both report the
    trend's growth rate and doubling time; they differ in the projection. ``damping``
    is the trend's time constant as a multiple of the window (None: undamped, the
    plain exponential); ``observed`` shortens it while growing so that the growth
    ahead is at most the window's observed growth (:func:`observed_growth`).
    Projections are capped at ``cap``.

    >>> fit([1, 2, 3], method="arima")
    Traceback (most recent call last):
    ...
    ValueError: forecast: unknown method 'arima'; expected one of: loglinear, hawkes
    """
    if method not in METHODS:
        raise ValueError(
            f"forecast: unknown method {method!r}; expected one of: {', '.join(METHODS)}"
        )
    n = len(counts)
    if n < 3:
        raise ValueError("a growth fit needs at least 3 steps")
    total = float(sum(counts))
    if total <= 0.0:
        return Forecast(0.0, None, None, 0.0, 0.0, 0.0, horizon, 1.0, 0.0, method=method)
    trend = _trend(counts)
    if method == "hawkes":
        return _hawkes(counts, trend, horizon, z, cap)
    return _project(counts, trend, horizon, z, cap, damping, observed)


@dataclass(frozen=True)
class _Trend:
    a: float
    b: float
    phi: float
    c00: float  # covariance of (a, b): phi * inverse Fisher information
    c01: float
    c11: float
    last_t: float
    flat: bool  # all counts in one minute: no trend can be read


def _trend(counts: Sequence[float]) -> _Trend:
    """``E[y_t] = exp(a + b t)`` by IRLS, ``t`` centred on the window."""
    n = len(counts)
    total = float(sum(counts))
    ts = [i - (n - 1) / 2.0 for i in range(n)]  # centred: a and b are nearly uncorrelated
    a, b, det = math.log(total / n), 0.0, 0.0
    s0 = s1 = s2 = 0.0
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
    if det <= 1e-12:
        return _Trend(math.log(total / n), 0.0, phi, 0.0, 0.0, 0.0, ts[-1], True)
    return _Trend(a, b, phi, phi * s2 / det, -phi * s1 / det, phi * s0 / det, ts[-1], False)


def _pace(tr: _Trend) -> tuple[float | None, float | None]:
    growing, shrinking = tr.b > STEADY, tr.b < -STEADY
    return (
        math.log(2.0) / tr.b if growing else None,
        math.log(2.0) / -tr.b if shrinking else None,
    )


def _project(
    counts: Sequence[float],
    tr: _Trend,
    horizon: int,
    z: float,
    cap: float,
    damping: float | None,
    observed: bool,
) -> Forecast:
    """The trend's next ``horizon`` steps: step ``j`` on has ``log E = a + b (T + D_j)``
    with ``D_j = sum_{i<=j} rho**i``, ``rho = exp(-1 / tau)`` (``D_j = j`` undamped);
    90 % log-normal interval from the delta method plus counting noise, widened by the
    gap to the undamped path. ``tau`` is ``damping`` windows, shortened while growing
    (``observed``) so that ``b tau`` is at most the window's observed growth."""
    doubling, halving = _pace(tr)
    mean = math.exp(tr.a)
    if tr.flat:  # one burst: no trend, only the level, and wide
        flat = mean * horizon
        return Forecast(0.0, None, None, flat, 0.0, flat * 2.0 + 3.0, horizon, tr.phi, mean)
    tau = None if damping is None else damping * len(counts)
    if tau is not None and observed and tr.b > 0.0:
        tau = max(min(tau, observed_growth(counts) / tr.b), 1e-3)
    s, gb = _path(tr, horizon, tau)
    ga = s
    s = min(s, cap)
    if s <= 0.0:
        return Forecast(tr.b, doubling, halving, 0.0, 0.0, 0.0, horizon, tr.phi, 0.0)
    var_log = (ga * ga * tr.c00 + 2 * ga * gb * tr.c01 + gb * gb * tr.c11) / (ga * ga)
    var_log += tr.phi / s
    spread = z * math.sqrt(max(var_log, 0.0))
    if tau is not None:  # whether the growth goes on or fades is not in the window:
        # the interval reaches the undamped path's (and as far the other way)
        spread += abs(math.log(min(_path(tr, horizon, None)[0], cap) / s))
    spread = min(spread, 50.0)
    return Forecast(
        rate_per_min=tr.b,
        doubling_min=doubling,
        halving_min=halving,
        next_total=s,
        low=min(s * math.exp(-spread), cap),
        high=min(s * math.exp(spread), cap),
        horizon=horizon,
        dispersion=tr.phi,
        last=math.exp(tr.a + tr.b * tr.last_t),
        rate_se=math.sqrt(max(tr.c11, 0.0)),
    )


def observed_growth(counts: Sequence[float]) -> float:
    """The window's own growth: ``log`` of its last third's mean over its first third's
    (each plus half a post, so empty minutes do not make it infinite), at least 0.

    >>> round(observed_growth([1.0] * 27 + [2, 5, 80]), 2)  # a spike; the fit's b * 30 is 6.9
    1.89
    """
    third = max(len(counts) // 3, 1)
    head = sum(counts[:third]) / third
    tail = sum(counts[-third:]) / third
    return max(math.log((tail + 0.5) / (head + 0.5)), 0.0)


def _path(tr: _Trend, horizon: int, tau: float | None) -> tuple[float, float]:
    """The projected sum ``S`` and ``dS/db`` (``tau`` None: undamped)."""
    rho = 0.0 if tau is None else math.exp(-1.0 / tau)
    s = gb = lead = 0.0
    for _ in range(horizon):
        lead = lead * rho + 1.0 if tau is not None else lead + 1.0
        step = tr.last_t + (rho * lead if tau is not None else lead)
        mu = math.exp(min(tr.a + tr.b * step, 700.0))
        s += mu
        gb += mu * step
    return s, gb


def _hawkes(counts: Sequence[float], tr: _Trend, horizon: int, z: float, cap: float) -> Forecast:
    """The trend's pace, the self-exciting fit's projection (mean; simulated interval)."""
    doubling, halving = _pace(tr)
    h = fit_hawkes(counts)
    totals = h.simulate(horizon, PATHS)
    tail = NormalDist().cdf(-z)
    low, high = (float(v) for v in np.quantile(totals, [tail, 1.0 - tail]))
    mean = min(float(np.median(totals)), cap)  # the typical future (the mean: rare explosions)
    return Forecast(
        rate_per_min=tr.b,
        doubling_min=doubling,
        halving_min=halving,
        next_total=mean,
        low=min(low, mean, cap),
        high=min(max(high, mean), cap),
        horizon=horizon,
        dispersion=h.dispersion,
        last=math.exp(tr.a + tr.b * tr.last_t),
        rate_se=math.sqrt(max(tr.c11, 0.0)),
        method="hawkes",
        branching=h.branching,
        decay_min=1.0 / h.beta,
        background=h.mu,
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
