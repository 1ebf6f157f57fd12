"""EWMA control chart: a smoothed level against a slowly learned mean and spread.

Fed ``log(1 + posts per step)``, it is the volume detector market tools have, in a
form that needs no fixed window: ``score`` is how many (learned) standard deviations
the fast EWMA sits above the slow one. Learning pauses while the score is above
``threshold``, so a surge does not become its own baseline.

>>> import math
>>> chart = EwmaChart(fast=0.3, slow=0.01, threshold=4.0)
>>> for _ in range(300):
...     _ = chart.update(math.log1p(2))
>>> [round(chart.update(math.log1p(40)), 1) for _ in range(3)]
[3.7, 3.9, 4.0]
"""

from __future__ import annotations

import math


class EwmaChart:
    """Fast EWMA level vs slow EWMA mean and variance; ``prior_mean``/``prior_sd`` seed them."""

    def __init__(
        self,
        fast: float = 0.3,
        slow: float = 0.005,
        threshold: float = 4.0,
        prior_mean: float = 0.2,
        prior_sd: float = 0.5,
    ) -> None:
        self.fast = fast
        self.slow = slow
        self.threshold = threshold
        self.prior_mean = prior_mean
        self.prior_sd = prior_sd
        self._level = prior_mean
        self._mean = prior_mean
        self._var = prior_sd**2
        self._score = 0.0

    def update(self, x: float) -> float:
        """One step's observation; returns the score."""
        self._level += self.fast * (x - self._level)
        sd = math.sqrt(max(self._var, 0.01))
        self._score = (self._level - self._mean) / sd
        if self._score < self.threshold:
            d = x - self._mean
            self._mean += self.slow * d
            self._var = (1.0 - self.slow) * (self._var + self.slow * d * d)
        return self._score

    def skip(self, steps: int, x: float = 0.0) -> None:
        """``steps`` steps that all observed ``x`` (quiet hours), at most a week of them."""
        for _ in range(min(steps, 10_080)):
            self.update(x)

    @property
    def score(self) -> float:
        """Standard deviations above the learned mean, after the last update."""
        return self._score
