"""Kleinberg's burst automaton, two states, run online on counts of hostile posts.

In the base state a post is hostile with the baseline probability ``p0``; in the
burst state with ``scale`` times it. Entering the burst state costs ``gamma`` nats,
leaving it is free; each step the cheapest path decides the state (the online
Viterbi of Kleinberg 2002, "enumerating" variant: ``r`` relevant out of ``d``).

>>> kb = KleinbergBurst(scale=2.0, gamma=3.0)
>>> [kb.update(r, 10, p0=0.3) for r in (3, 2, 4, 8, 9, 7, 2)]
[0, 0, 0, 1, 1, 1, 0]
"""

from __future__ import annotations

import math


class KleinbergBurst:
    """Online two-state burst detection; ``state`` 1 means a burst of hostile posts."""

    def __init__(self, scale: float = 2.0, gamma: float = 4.0) -> None:
        self.scale = scale
        self.gamma = gamma
        self._cost = [0.0, gamma]
        self._state = 0

    def update(self, r: float, d: float, p0: float) -> int:
        """One step with ``r`` hostile posts of ``d``; returns the state (0 or 1)."""
        if d <= 0:
            return self._state
        p1 = min(p0 * self.scale, 0.98)

        def cost(p: float) -> float:
            return -(r * math.log(p) + (d - r) * math.log(1.0 - p))

        c0, c1 = self._cost
        n0 = min(c0, c1) + cost(p0)
        n1 = min(c1, c0 + self.gamma) + cost(p1)
        low = min(n0, n1)
        self._cost = [n0 - low, n1 - low]
        self._state = 0 if n0 <= n1 else 1
        return self._state

    @property
    def state(self) -> int:
        """1 while in a burst."""
        return self._state
