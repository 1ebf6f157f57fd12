"""Surprise as a sequential statistic: CUSUMs whose thresholds come from a false-alarm rate.

Page's CUSUM adds, each minute, the log-likelihood ratio of "the rate rose" against
"it is the baseline", and never goes below zero. Under the baseline, the chance that
it ever climbs from 0 to ``h`` is at most ``exp(-h)`` (Wald's inequality: the ratio is
a non-negative martingale with mean 1), so a restart happens at most once a minute
and the average run length between false alarms is at least ``exp(h)`` minutes::

    h = log(ARL)      ARL = 30 days = 43,200 min  ->  h = 10.67

No threshold is tuned: pick how often a false alarm is acceptable
(:func:`threshold`). Two statistics use it:

- :class:`CountCusum` on minute counts for a rise by a factor ``ratio``, Poisson or
  quasi-Poisson: with overdispersion ``phi`` (variance ``phi * mu``) each minute's
  log-likelihood ratio is divided by ``phi`` (a burst of replies is worth less than
  the same number of independent posts);
- :class:`ShareCusum` on ``k`` of ``n`` posts (binomial) for a rise of a share from
  ``p0`` to ``p1``: conditioned on the volume, so "everyone posts more" moves it not.

::

    minute   0    1    2    3    4    5
    count    2    1    9   12   15    2      baseline 2 a minute, ratio 2
    llr     -.6 -1.3  4.2  6.3  8.4  -.6
    S        0    0   4.2 10.6 19.0 18.3      h = 10.67: alarm at minute 4

>>> c = CountCusum(ratio=2.0, threshold=threshold(43_200))
>>> [round(c.update(x, 2.0, step=i), 1) for i, x in enumerate([2, 1, 9, 12, 15, 2])]
[0.0, 0.0, 4.2, 10.6, 19.0, 18.3]
>>> c.alarm, c.onset, round(c.ratio_estimate, 2)
(True, 2, 4.75)
"""

from __future__ import annotations

import math


def threshold(arl_steps: float) -> float:
    """The CUSUM threshold whose false alarms come at most once per ``arl_steps`` steps.

    >>> round(threshold(43_200), 2)
    10.67
    """
    if arl_steps <= 1.0:
        raise ValueError(f"arl_steps must be above 1, got {arl_steps}")
    return math.log(arl_steps)


def poisson_llr(x: float, mu: float, ratio: float) -> float:
    """log P(x | Poisson(ratio * mu)) - log P(x | Poisson(mu)).

    >>> round(poisson_llr(4, 1.0, 2.0), 4)  # 4 log 2 - 1
    1.7726
    """
    return x * math.log(ratio) - mu * (ratio - 1.0)


def nb_llr(x: float, mu: float, ratio: float, size: float) -> float:
    """The same for a negative binomial with mean ``mu`` and size ``size`` (variance
    ``mu + mu**2 / size``); tends to :func:`poisson_llr` as ``size`` grows.

    >>> round(nb_llr(4, 1.0, 2.0, 1e9), 4)
    1.7726
    >>> round(nb_llr(4, 1.0, 2.0, 2.0), 4)  # overdispersed: the same count says less
    1.0465
    """
    if size == math.inf or size > 1e8:
        return poisson_llr(x, mu, ratio)
    return x * math.log(ratio * (mu + size) / (ratio * mu + size)) + size * math.log(
        (mu + size) / (ratio * mu + size)
    )


def binomial_llr(k: float, n: float, p0: float, p1: float) -> float:
    """log-likelihood ratio of ``k`` of ``n`` at share ``p1`` against ``p0``.

    >>> round(binomial_llr(6, 10, 0.3, 0.5), 4)
    1.7191
    """
    return k * math.log(p1 / p0) + (n - k) * math.log((1.0 - p1) / (1.0 - p0))


class _Cusum:
    """Page's recursion, the onset of the current excursion and a cap (so it comes down)."""

    def __init__(self, threshold: float, cap: float = 2.0) -> None:
        self.threshold = threshold
        self.cap = cap
        self.statistic = 0.0
        self.onset: int | None = None

    def _add(self, llr: float, step: int) -> float:
        s = self.statistic + llr
        if s <= 0.0:
            self.statistic, self.onset = 0.0, None
            self._reset()
        else:
            if self.onset is None:
                self.onset = step
            self.statistic = min(s, self.cap * self.threshold)
        return self.statistic

    def _reset(self) -> None:
        pass

    @property
    def alarm(self) -> bool:
        """True while the statistic is at or above its threshold."""
        return self.statistic >= self.threshold

    @property
    def progress(self) -> float:
        """The statistic as a fraction of the threshold, capped at 1."""
        return min(self.statistic / self.threshold, 1.0)


class CountCusum(_Cusum):
    """CUSUM for a minute count's rate rising ``ratio`` times above its expected ``mu``.

    ``dispersion`` is the quasi-Poisson ``phi`` (1: Poisson). Since the last
    restart it keeps the observed and expected sums, whose ratio is the maximum-
    likelihood estimate of the rise (:attr:`ratio_estimate`).
    """

    def __init__(
        self, ratio: float = 2.0, threshold: float = 10.0, cap: float = 2.0, excess: float = 0.0
    ) -> None:
        super().__init__(threshold, cap)
        self.ratio = ratio
        self.excess = excess
        self.seen = 0.0
        self.expected = 0.0

    def alternative(self, mu: float) -> float:
        """The rate looked for: ``ratio`` times ``mu``, and at least ``excess`` more.

        >>> CountCusum(ratio=2.0, excess=0.5).alternative(0.1), CountCusum(2.0).alternative(3.0)
        (0.6, 6.0)
        """
        return max(self.ratio * mu, mu + self.excess)

    def update(self, x: float, mu: float, dispersion: float = 1.0, step: int = 0) -> float:
        """Add one step's count ``x`` against its expectation ``mu``; the statistic."""
        mu = max(mu, 1e-6)
        rho = self.alternative(mu) / mu
        s = self._add(poisson_llr(x, mu, rho) / max(dispersion, 1.0), step)
        if s > 0.0:
            self.seen += x
            self.expected += mu
        return s

    def skip(self, mu: float, steps: int, dispersion: float = 1.0) -> None:
        """``steps`` empty steps of expectation ``mu`` each (a quiet gap), in one go."""
        if steps > 0 and self.statistic > 0.0:
            self._add(steps * (mu - self.alternative(mu)) / max(dispersion, 1.0), 0)

    def _reset(self) -> None:
        self.seen = self.expected = 0.0

    @property
    def ratio_estimate(self) -> float:
        """Observed over expected since the excursion began (1.0 at rest)."""
        return self.seen / self.expected if self.expected > 0 else 1.0


class ShareCusum(_Cusum):
    """CUSUM for a share of posts rising from the baseline ``p0`` by ``shift``.

    The shift is in *observed* share: a classifier with true- and false-positive
    rates ``tpr``, ``fpr`` turns a rise of the true share by ``d`` into an observed
    rise of ``(tpr - fpr) * d`` (see :mod:`foretold.detect.composition`).

    >>> c = ShareCusum(shift=0.2, threshold=3.0)
    >>> [round(c.update(k, 10, 0.3, step=i), 2) for i, k in enumerate([3, 6, 7, 2])]
    [0.0, 1.72, 4.29, 2.62]
    """

    def __init__(self, shift: float = 0.15, threshold: float = 10.0, cap: float = 2.0) -> None:
        super().__init__(threshold, cap)
        self.shift = shift

    def update(self, k: float, n: float, p0: float, step: int = 0) -> float:
        """Add one step: ``k`` of ``n`` posts, baseline share ``p0``; the statistic."""
        if n <= 0:
            return self.statistic
        p0 = min(max(p0, 0.005), 0.98)
        p1 = min(p0 + self.shift, 0.995)
        return self._add(binomial_llr(k, n, p0, p1), step)


class Bank:
    """A bank of CUSUMs for several sizes of rise, read as one: the largest statistic.

    A CUSUM is quickest for the rise it was built for; a storm's size is not known in
    advance, so a few sizes run side by side (an approximation of the generalised
    likelihood ratio, Lorden 1971). With ``k`` of them the threshold is raised by
    ``log k`` (each keeps ``exp(-h)``, so together ``k exp(-h)``): the same false-alarm
    rate as one.

    >>> b = Bank([CountCusum(r, 0.0) for r in (2.0, 8.0)], threshold=5.0)
    >>> round(b.threshold, 3)
    5.693
    >>> for x in [0, 3, 3]:
    ...     _ = b.update_count(x, 0.5)
    >>> round(b.statistic, 2), b.best.ratio
    (5.48, 8.0)
    """

    def __init__(self, members: list[CountCusum] | list[ShareCusum], threshold: float) -> None:
        self.members = members
        self.threshold = threshold + math.log(len(members))
        for m in members:
            m.threshold = self.threshold

    def update_count(self, x: float, mu: float, dispersion: float = 1.0, step: int = 0) -> float:
        """Each member :meth:`CountCusum.update`; the bank's statistic."""
        for m in self.members:
            m.update(x, mu, dispersion, step)
        return self.statistic

    def update_share(self, k: float, n: float, p0: float, step: int = 0) -> float:
        """Each member :meth:`ShareCusum.update`; the bank's statistic."""
        for m in self.members:
            m.update(k, n, p0, step)
        return self.statistic

    def skip(self, mu: float, steps: int, dispersion: float = 1.0) -> None:
        """Each count member's :meth:`CountCusum.skip`."""
        for m in self.members:
            if isinstance(m, CountCusum):
                m.skip(mu, steps, dispersion)

    @property
    def best(self) -> CountCusum | ShareCusum:
        """The member with the largest statistic."""
        members: list[CountCusum | ShareCusum] = list(self.members)
        return max(members, key=lambda m: m.statistic)

    @property
    def statistic(self) -> float:
        """The largest member statistic."""
        return max(m.statistic for m in self.members)

    @property
    def onset(self) -> int | None:
        """The onset of the member with the largest statistic."""
        return self.best.onset

    @property
    def alarm(self) -> bool:
        """True while any member is at or above the threshold."""
        return self.statistic >= self.threshold

    @property
    def progress(self) -> float:
        """The statistic as a fraction of the threshold, capped at 1."""
        return min(self.statistic / self.threshold, 1.0)
