"""Self-exciting cascades: a branching (Hawkes) process with a power-law memory kernel.

Each post draws ``Poisson(m)`` offspring (reposts, replies, quotes) with
``m = n * sqrt(followers) / E[sqrt(F)] * virality * boost``: the branching ratio ``n``
is the mean over the follower law, so a storm near ``n = 1`` is near criticality, and
big accounts spread further (CASES.md: offspring grow with the square root of reach).
Delays follow a truncated power law with a plateau of ``c`` minutes,
``phi(t) ~ (c + t) ** -(1 + theta)`` with ``theta = 0.2`` (decay exponent 1.2): with a
48-hour horizon about half the offspring come within the hour.

>>> import numpy as np
>>> k = PowerLawKernel(c_min=5.0, theta=0.2, max_h=48.0)
>>> d = k.sample(np.random.default_rng(0), 100_000)
>>> round(float((d < 3600).mean()), 2), round(k.cdf(3600.0), 2)
(0.56, 0.56)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class PowerLawKernel:
    """Delay law ``phi(t) ~ (c + t) ** -(1 + theta)`` on ``[0, max_h]``, times in seconds."""

    c_min: float = 5.0
    theta: float = 0.2
    max_h: float = 48.0

    def cdf(self, seconds: float) -> float:
        """Share of offspring that come within ``seconds`` of their parent."""
        c, tmax = self.c_min * 60.0, self.max_h * 3600.0
        t = min(max(seconds, 0.0), tmax)
        tail = (c / (c + t)) ** self.theta
        tail_max = (c / (c + tmax)) ** self.theta
        return float((1.0 - tail) / (1.0 - tail_max))

    def cdf_array(self, seconds: F64) -> F64:
        """:meth:`cdf` over an array."""
        c, tmax = self.c_min * 60.0, self.max_h * 3600.0
        t = np.clip(seconds, 0.0, tmax)
        tail_max = (c / (c + tmax)) ** self.theta
        return np.asarray((1.0 - (c / (c + t)) ** self.theta) / (1.0 - tail_max))

    def sample(self, rng: np.random.Generator, n: int) -> F64:
        """``n`` delays in seconds (inverse-CDF sampling of the truncated law)."""
        c, tmax = self.c_min * 60.0, self.max_h * 3600.0
        tail_max = (c / (c + tmax)) ** self.theta
        u = rng.random(n) * (1.0 - tail_max)
        return np.asarray(c * ((1.0 - u) ** (-1.0 / self.theta) - 1.0))


def mean_sqrt_followers(alpha: float, scale: float) -> float:
    """``E[sqrt(F)]`` under the Lomax follower law (finite for ``alpha > 1.5``).

    >>> round(mean_sqrt_followers(2.0, 250.0), 1)
    24.8
    """
    a = alpha - 1.0
    if a <= 0.5:
        raise ValueError(f"E[sqrt(F)] diverges for alpha <= 1.5, got {alpha}")
    return math.sqrt(scale) * math.gamma(1.5) * math.gamma(a - 0.5) / math.gamma(a)


def offspring_means(
    rng: np.random.Generator,
    followers: I64,
    branching: F64,
    boost: F64,
    *,
    norm: float,
    virality_sigma: float,
    cap: float,
) -> F64:
    """Expected offspring of each post, from its author's reach and its own virality."""
    s = virality_sigma
    virality = np.exp(s * rng.standard_normal(len(followers)) - 0.5 * s * s)
    m = branching * np.sqrt(followers.astype(np.float64)) / norm * virality * boost
    return np.asarray(np.minimum(m, cap))


def branching_ratio(parent: I64, t: F64, end: float, kernel: PowerLawKernel) -> float:
    """Estimate of the branching ratio: offspring counted over offspring expected in view.

    ``parent`` holds each post's parent index (``-1`` for exogenous posts), ``t`` the
    times in seconds; a post near the end has had less time to draw offspring, so each
    post counts with the share of the kernel still inside the window.
    """
    children = float((parent >= 0).sum())
    exposure = float(kernel.cdf_array(end - t).sum())
    return children / exposure if exposure > 0 else 0.0


def hill_tail_exponent(values: I64, xmin: float) -> float:
    """Hill estimate of the pdf tail exponent ``alpha`` of ``values >= xmin``.

    >>> import numpy as np
    >>> from foretold.simulate.population import draw_followers
    >>> f = draw_followers(np.random.default_rng(3), 300_000, alpha=2.0, scale=250.0)
    >>> round(hill_tail_exponent(f, 20_000.0), 1)
    2.0
    """
    x = values[values >= xmin].astype(np.float64)
    if len(x) == 0:
        return float("nan")
    return 1.0 + len(x) / float(np.log(x / xmin).sum())
