"""A self-exciting (Hawkes) fit of counts a minute, and its next hour by simulation.

Each hostile voice may call out more: a minute's rate is a background ``mu`` plus
what the recent minutes excite, with an exponential kernel (discrete time, one step
a minute)::

    lambda_t = mu + e_t                  e_{t+1} = d * e_t + alpha * y_t
    d = exp(-beta)                       alpha = n * (1 - d)

``n`` is the branching ratio: each voice calls out ``n`` more on average, spread over
about ``1 / beta`` minutes. Below 1 the process is subcritical: its rate settles to
``mu / (1 - n)`` and the next hour converges; above 1 it is explosive and the mean
rate grows by ``d + alpha`` a minute (``log(d + alpha)`` is its growth rate).

Fit: maximum likelihood on the binned (minute) counts, Poisson, by expectation-
maximisation. For a fixed decay ``d`` the rate is linear in ``(mu, alpha, e_0)`` with
non-negative coefficients (``e_0``, the excitation carried in from before the window,
decays as ``d ** t``), and EM's multiplicative updates climb its likelihood without a
step size; the decay is profiled over a grid. Plain numpy.

Projection: the mean by the recursion above; the interval from ``paths`` simulated
futures (seeded), each minute drawn quasi-Poisson (``phi * Poisson(lambda / phi)``,
``phi`` the Pearson dispersion of the fit, at least 1), so a unit other than posts
(impressions) and bursts beyond the model widen it.

A calm background of about 1 a minute, then a burst that fades; and a steady climb::

    minute    0 ... 9   10   11   12   13 ... 19
    burst     1 ... 1   12    9    7    5 ...  1     subcritical: n ~ 0.56, settles ~2.9/min
    climb     2   1   3   2   4 ...  36  44  52     explosive: n ~ 6.9, +18 % a minute

>>> h = fit_hawkes([1, 1, 0, 2, 1, 1, 0, 1, 2, 1, 12, 9, 7, 5, 4, 3, 2, 2, 1, 1])
>>> round(h.branching, 2), round(h.mu, 2), h.subcritical, round(h.mean_total(60))
(0.56, 1.26, True, 170)
>>> up = [2, 1, 3, 2, 4, 3, 6, 5, 8, 9, 12, 11, 16, 18, 22, 25, 31, 36, 44, 52]
>>> g = fit_hawkes(up)
>>> round(g.branching, 1), g.subcritical, round(g.growth_per_min, 3)
(6.9, False, 0.176)

An explosive fit's mean over an hour is a number no one should read (the climb's is
twelve million); :func:`foretold.detect.forecast.fit` reports the simulated futures'
median and 90 % range instead, and the benchmark (``bench/forecast_bench.py``) measures
how far either is from what came.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: The decays tried, as the kernel's mean lifetime ``1 / beta`` in minutes.
LIFETIMES = (0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 12.0, 20.0, 30.0, 60.0)
#: EM iterations per decay (the likelihood stops moving well before).
ITERATIONS = 150


@dataclass(frozen=True)
class Candidate:
    """One decay's fit: its weight among the decays, and ``(mu, alpha, e_0)`` with
    their covariance (what the simulated futures draw their parameters from)."""

    weight: float
    decay: float  # d
    theta: tuple[float, float, float]  # mu, alpha, e_0
    cov: tuple[tuple[float, ...], ...]  # phi * inverse Fisher information
    carried: float  # sum_{s<n} d^(n-1-s) y_s: e_n = alpha * carried + e_0 * d^n
    steps: int  # n, the window's length


@dataclass(frozen=True)
class HawkesFit:
    """A fitted discrete-time Hawkes process, and its state after the last minute."""

    mu: float  # background rate a minute
    branching: float  # n: voices each voice calls out, on average
    beta: float  # kernel decay a minute (d = exp(-beta))
    excitation: float  # e after the last observed minute: what it carries into the next
    dispersion: float  # Pearson statistic over its degrees of freedom, at least 1
    loglik: float  # Poisson log-likelihood (up to the data's constant)
    candidates: tuple[Candidate, ...] = ()  # every decay's fit, for the parameters' spread

    @property
    def subcritical(self) -> bool:
        """Whether the rate settles (``n < 1``) rather than grows without end."""
        return self.branching < 1.0

    @property
    def growth_per_min(self) -> float:
        """The mean rate's long-run growth a minute, ``log(d + alpha)``; below 0 while
        subcritical (the excitation fades towards ``mu / (1 - n)``)."""
        d = math.exp(-self.beta)
        return math.log(d + self.branching * (1.0 - d))

    def mean_path(self, horizon: int) -> list[float]:
        """The expected count of each of the next ``horizon`` minutes."""
        d = math.exp(-self.beta)
        alpha = self.branching * (1.0 - d)
        e, out = self.excitation, []
        for _ in range(horizon):
            lam = self.mu + e
            out.append(lam)
            e = min(d * e + alpha * lam, 1e15)
        return out

    def mean_total(self, horizon: int) -> float:
        """The expected total of the next ``horizon`` minutes."""
        return float(sum(self.mean_path(horizon)))

    def simulate(self, horizon: int, paths: int = 200, seed: int = 0) -> np.ndarray:
        """Totals of the next ``horizon`` minutes on ``paths`` simulated futures.

        >>> h = HawkesFit(2.0, 0.0, 1.0, 0.0, 1.0, 0.0)
        >>> bool(abs(h.simulate(60, 400).mean() - 120) < 3)
        True
        """
        rng = np.random.default_rng(seed)
        phi = self.dispersion
        if self.candidates:  # each future draws its decay by weight, then (mu, alpha, e_0)
            pick = rng.choice(len(self.candidates), paths, p=[c.weight for c in self.candidates])
            mu, alpha, d, e = (np.empty(paths) for _ in range(4))
            for k, c in enumerate(self.candidates):
                at = pick == k
                vals, vecs = np.linalg.eigh(np.array(c.cov))
                root = vecs * np.sqrt(np.maximum(vals, 0.0))  # cov = root @ root.T
                theta = c.theta + rng.standard_normal((int(at.sum()), 3)) @ root.T
                theta = np.maximum(theta, 0.0)
                mu[at], alpha[at], d[at] = theta[:, 0], theta[:, 1], c.decay
                e[at] = theta[:, 1] * c.carried + theta[:, 2] * c.decay**c.steps
        else:
            d = np.full(paths, math.exp(-self.beta))
            alpha = self.branching * (1.0 - d)
            mu, e = np.full(paths, self.mu), np.full(paths, self.excitation)
        total = np.zeros(paths)
        for _ in range(horizon):
            lam = np.minimum(mu + e, 1e12)
            y = phi * rng.poisson(lam / phi)
            total += y
            e = d * e + alpha * y
        return total


def fit_hawkes(counts: Sequence[float]) -> HawkesFit:
    """Fit ``counts`` (oldest first, one a minute) by maximum likelihood; see the module."""
    y = np.asarray(counts, dtype=float)
    n = len(y)
    if n < 3:
        raise ValueError("a Hawkes fit needs at least 3 steps")
    if y.sum() <= 0.0:
        return HawkesFit(0.0, 0.0, 1.0, 0.0, 1.0, 0.0)
    t = np.arange(n)
    fits: list[tuple[float, float, np.ndarray, np.ndarray, float, np.ndarray]] = []
    for life in LIFETIMES:
        d = math.exp(-1.0 / life)
        # x[:, 0] background, x[:, 1] sum_{s<t} d^(t-1-s) y_s, x[:, 2] d^t (carried in)
        x = np.empty((n, 3))
        x[:, 0] = 1.0
        acc = 0.0
        for i in range(n):
            x[i, 1] = acc
            acc = d * acc + y[i]
        x[:, 2] = d**t
        theta = np.array([y.mean() * 0.5, 0.5 * (1.0 - d), max(y[0], 1.0)])
        colsum = np.maximum(x.sum(axis=0), 1e-12)  # no history: that column stays 0
        for _ in range(ITERATIONS):
            lam = np.maximum(x @ theta, 1e-12)
            theta = theta * ((x * (y / lam)[:, None]).sum(axis=0) / colsum)
        lam = np.maximum(x @ theta, 1e-12)
        ll = float((y * np.log(lam) - lam).sum())
        fits.append((ll, d, theta, lam, acc, x))
    ll_best, d, theta, lam, acc, x = max(fits, key=lambda f: f[0])
    pearson = float(((y - lam) ** 2 / lam).sum())
    phi = max(1.0, pearson / max(n - 4, 1))
    lls = np.array([f[0] for f in fits])
    weights = np.exp((lls - ll_best) / phi)  # quasi-likelihood: phi divides the evidence
    weights /= weights.sum()
    candidates = []
    for w, (_, dk, th, lk, ak, xk) in zip(weights, fits, strict=True):
        if w < 1e-3:
            continue
        info = (xk / lk[:, None]).T @ xk  # Fisher information of (mu, alpha, e_0)
        cov = phi * np.linalg.pinv(info)
        cov = (cov + cov.T) / 2.0
        candidates.append(Candidate(
            float(w), dk, (float(th[0]), float(th[1]), float(th[2])),
            tuple(tuple(float(v) for v in row) for row in cov), ak, n,
        ))  # fmt: skip
    total_w = sum(c.weight for c in candidates)
    candidates = [dataclasses.replace(c, weight=c.weight / total_w) for c in candidates]
    mu, alpha, e0 = (float(v) for v in theta)
    return HawkesFit(
        mu=mu,
        branching=alpha / (1.0 - d),
        beta=-math.log(d),
        excitation=float(alpha * acc + e0 * d**n),  # e_n = alpha * acc + e_0 * d^n
        dispersion=phi,
        loglik=ll_best,
        candidates=tuple(candidates),
    )
