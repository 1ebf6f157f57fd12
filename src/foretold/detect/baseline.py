"""Learned baselines that forget: a post rate (Gamma-Poisson) and a share (Beta-Binomial).

Both keep a fixed prior beside the forgetting sums, so a brand-new hashtag with no
history starts from a sensible guess (a few posts an hour, a third of them negative)
and its own data take over within hours. The caller freezes learning (``update``
is simply not called) while a change is suspected, so an attack is not learned as
the new normal.

>>> rate = RateBaseline(prior_rate=0.2, prior_steps=60.0, half_life_steps=600.0)
>>> round(rate.rate, 3)
0.2
>>> for _ in range(600):
...     rate.update(1.0)
>>> round(rate.rate, 2)
0.9
>>> share = ShareBaseline(prior_share=0.3, prior_n=30.0)
>>> share.update(40.0, 50.0)
>>> round(share.share, 3)
0.613
"""

from __future__ import annotations

import math


class RateBaseline:
    """Posts per step: ``(prior_rate * prior_steps + sum) / (prior_steps + steps)``, forgetting
    old steps with a half-life of ``half_life_steps``."""

    def __init__(
        self, prior_rate: float = 0.2, prior_steps: float = 360.0, half_life_steps: float = 1440.0
    ) -> None:
        self.prior_rate = prior_rate
        self.prior_steps = prior_steps
        self.half_life_steps = half_life_steps
        self._keep = 0.5 ** (1.0 / half_life_steps)
        self._count = 0.0
        self._steps = 0.0

    def update(self, count: float, steps: int = 1) -> None:
        """Learn ``steps`` steps that together saw ``count`` posts (spread evenly)."""
        keep = self._keep**steps
        self._count = self._count * keep + count
        self._steps = self._steps * keep + (1.0 - keep) / (1.0 - self._keep)

    @property
    def rate(self) -> float:
        """The expected posts per step."""
        a = self.prior_rate * self.prior_steps + self._count
        return a / (self.prior_steps + self._steps)

    @property
    def evidence_steps(self) -> float:
        """How many (forgotten-weighted) steps of data the rate rests on."""
        return self._steps


class ShareBaseline:
    """A share of posts (e.g. hostile ones), with a Beta prior worth ``prior_n`` posts and
    forgetting per step with a half-life of ``half_life_steps``."""

    def __init__(
        self, prior_share: float = 0.3, prior_n: float = 30.0, half_life_steps: float = 2880.0
    ) -> None:
        self.prior_share = prior_share
        self.prior_n = prior_n
        self.half_life_steps = half_life_steps
        self._keep = 0.5 ** (1.0 / half_life_steps)
        self._k = 0.0
        self._n = 0.0

    def update(self, k: float, n: float, steps: int = 1, weight: float = 1.0) -> None:
        """Learn ``k`` of ``n`` posts seen over ``steps`` steps (``weight`` < 1: learn slower)."""
        keep = self._keep**steps
        self._k = self._k * keep + weight * k
        self._n = self._n * keep + weight * n

    @property
    def share(self) -> float:
        """The expected share, never exactly 0 or 1."""
        p = (self.prior_share * self.prior_n + self._k) / (self.prior_n + self._n)
        return min(max(p, 0.01), 0.99)


class MeanBaseline:
    """The mean and spread of a score (e.g. hostility), with a prior worth ``prior_n`` posts
    and forgetting per step with a half-life of ``half_life_steps``.

    >>> m = MeanBaseline(prior_mean=0.5, prior_sd=0.1, prior_n=10.0)
    >>> m.update(total=6.0, squares=3.7, n=10.0)
    >>> round(m.mean, 3), round(m.sd, 3)
    (0.55, 0.112)
    """

    def __init__(
        self,
        prior_mean: float = 0.5,
        prior_sd: float = 0.11,
        prior_n: float = 40.0,
        half_life_steps: float = 2880.0,
    ) -> None:
        self.prior_mean = prior_mean
        self.prior_sd = prior_sd
        self.prior_n = prior_n
        self.half_life_steps = half_life_steps
        self._keep = 0.5 ** (1.0 / half_life_steps)
        self._n = 0.0
        self._sum = 0.0
        self._sq = 0.0

    def update(
        self, total: float, squares: float, n: float, steps: int = 1, weight: float = 1.0
    ) -> None:
        """Learn ``n`` posts with score sum ``total`` and sum of squares ``squares``."""
        keep = self._keep**steps
        self._n = self._n * keep + weight * n
        self._sum = self._sum * keep + weight * total
        self._sq = self._sq * keep + weight * squares

    @property
    def mean(self) -> float:
        """The expected score."""
        return (self.prior_mean * self.prior_n + self._sum) / (self.prior_n + self._n)

    @property
    def sd(self) -> float:
        """The spread of single scores (never below a tenth of the prior's)."""
        n = self.prior_n + self._n
        m = self.mean
        second = (self.prior_n * (self.prior_sd**2 + self.prior_mean**2) + self._sq) / n
        return math.sqrt(max(second - m * m, (0.1 * self.prior_sd) ** 2))
