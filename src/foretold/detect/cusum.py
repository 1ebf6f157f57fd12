"""CUSUM for a rise in mean hostility: sustained weak evidence adds up, noise does not.

Each step adds the Gaussian log-likelihood ratio of its ``n`` posts' hostility sum
under "the mean rose by ``shift`` standard deviations" against "it is still the
baseline ``mean``"; the sum never goes below zero and is capped at ``cap`` times the
threshold, so it comes back down within hours once the talk turns normal.
``onset`` is the step where the current run above zero began: the best guess of
when the change started.

>>> c = MeanCusum(shift=0.5, threshold=4.0)
>>> [round(c.update(total, 10, mean=0.5, sd=0.1, step=i), 2)
...  for i, total in enumerate([5.0, 4.8, 5.6, 5.7, 5.8])]
[0.0, 0.0, 1.75, 4.0, 6.75]
>>> c.alarm, c.onset
(True, 2)
"""

from __future__ import annotations


class MeanCusum:
    """Page's CUSUM on per-step sums of a score, against a moving baseline mean and spread."""

    def __init__(self, shift: float = 0.5, threshold: float = 12.0, cap: float = 2.0) -> None:
        self.shift = shift
        self.threshold = threshold
        self.cap = cap
        self._s = 0.0
        self._onset: int | None = None

    def update(self, total: float, n: float, mean: float, sd: float, step: int = 0) -> float:
        """Add one step: ``n`` posts whose scores sum to ``total``; returns the statistic."""
        if n <= 0:
            return self._s
        k = self.shift
        llr = k * (total - n * mean) / sd - n * k * k / 2.0
        s = self._s + llr
        if s <= 0.0:
            self._s, self._onset = 0.0, None
        else:
            if self._onset is None:
                self._onset = step
            self._s = min(s, self.cap * self.threshold)
        return self._s

    @property
    def statistic(self) -> float:
        """The current CUSUM statistic (log-likelihood ratio units)."""
        return self._s

    @property
    def alarm(self) -> bool:
        """True while the statistic is at or above the threshold."""
        return self._s >= self.threshold

    @property
    def onset(self) -> int | None:
        """The step where the current excursion began, or None at zero."""
        return self._onset
