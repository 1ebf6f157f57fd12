"""Bayesian online change-point detection (Adams & MacKay 2007) on post counts.

Counts per step are Poisson with a Gamma prior on the rate; the run length (steps
since the last change) is tracked as a distribution, truncated at ``max_run``.
``recent`` is the probability that a change happened in the last ``recent_steps``
steps; ``rising`` tells whether the newest run's rate is above the long run's.

>>> cp = Bocpd(hazard=1 / 100, max_run=50, recent_steps=3)
>>> for _ in range(40):
...     _ = cp.update(1.0, prior_rate=1.0)
>>> round(cp.recent, 2) < 0.1
True
>>> for _ in range(3):
...     _ = cp.update(9.0, prior_rate=1.0)
>>> round(cp.recent, 2) > 0.9, cp.rising
(True, True)
"""

from __future__ import annotations

import math


class Bocpd:
    """Run-length posterior over Poisson-Gamma segments; ``prior_weight`` steps of prior."""

    def __init__(
        self,
        hazard: float = 1 / 288,
        max_run: int = 72,
        recent_steps: int = 3,
        prior_weight: float = 2.0,
    ) -> None:
        self.hazard = hazard
        self.max_run = max_run
        self.recent_steps = recent_steps
        self.prior_weight = prior_weight
        self._probs: list[float] = [1.0]
        self._alpha: list[float] = []
        self._beta: list[float] = []
        self._recent = 0.0
        self._rising = False

    def update(self, x: float, prior_rate: float) -> float:
        """One step's count; ``prior_rate`` seeds a new segment. Returns ``recent``."""
        a0 = self.prior_weight * max(prior_rate, 0.01)
        b0 = self.prior_weight
        alpha = [a0, *self._alpha]
        beta = [b0, *self._beta]
        probs = self._probs
        h = self.hazard
        lg_x1 = math.lgamma(x + 1.0)
        growth: list[float] = []
        change = 0.0
        for p, a, b in zip(probs, alpha, beta, strict=False):
            # negative-binomial predictive of x under Gamma(a, b)
            logp = (
                math.lgamma(x + a)
                - math.lgamma(a)
                - lg_x1
                + a * math.log(b / (b + 1.0))
                - x * math.log(b + 1.0)
            )
            w = p * math.exp(logp)
            growth.append(w * (1.0 - h))
            change += w * h
        new = [change, *growth]
        total = sum(new) or 1.0
        new = [w / total for w in new]
        alpha = [a0, *(a + x for a in alpha)]
        beta = [b0, *(b + 1.0 for b in beta)]
        if len(new) > self.max_run:
            new, alpha, beta = new[: self.max_run], alpha[: self.max_run], beta[: self.max_run]
            total = sum(new) or 1.0
            new = [w / total for w in new]
        self._probs, self._alpha, self._beta = new, alpha[1:], beta[1:]
        k = self.recent_steps
        self._recent = sum(new[1 : k + 1])
        short = _mean(alpha[1 : k + 1], beta[1 : k + 1], new[1 : k + 1])
        long_ = _mean(alpha[k + 1 :], beta[k + 1 :], new[k + 1 :])
        self._rising = short is not None and (long_ is None or short > long_)
        return self._recent

    @property
    def recent(self) -> float:
        """Probability that the current segment began within ``recent_steps`` steps."""
        return self._recent

    @property
    def rising(self) -> bool:
        """Whether the recent segments' rate is above the older ones'."""
        return self._rising


def _mean(alpha: list[float], beta: list[float], w: list[float]) -> float | None:
    total = sum(w)
    if total <= 0:
        return None
    return sum(wi * a / b for a, b, wi in zip(alpha, beta, w, strict=False)) / total
