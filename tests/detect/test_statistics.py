"""The early warning's statistics against hand-computed cases and simulated data."""

from __future__ import annotations

import math

import numpy as np
import pytest

from foretold.detect.composition import adjusted, true_share, wilson
from foretold.detect.forecast import fit
from foretold.detect.seasonal import SeasonalRate
from foretold.detect.surprise import (
    Bank,
    CountCusum,
    ShareCusum,
    binomial_llr,
    nb_llr,
    threshold,
)
from foretold.understand import ErrorRate


def test_threshold_is_the_log_of_the_run_length() -> None:
    assert threshold(math.e**10) == pytest.approx(10.0)
    with pytest.raises(ValueError):
        threshold(1.0)


def test_poisson_cusum_by_hand() -> None:
    # ratio 2 on a baseline of 1 a minute: llr = x log 2 - 1
    c = CountCusum(ratio=2.0, threshold=2.5)
    assert c.update(0, 1.0, step=0) == 0.0
    assert c.update(3, 1.0, step=1) == pytest.approx(3 * math.log(2) - 1)
    s = c.update(4, 1.0, step=2)
    assert s == pytest.approx(7 * math.log(2) - 2)
    assert c.alarm and c.onset == 1
    assert c.ratio_estimate == pytest.approx(3.5)
    c.skip(1.0, 10)  # ten quiet minutes take 10 off
    assert c.statistic == 0.0 and c.onset is None and c.ratio_estimate == 1.0


def test_negative_binomial_llr_by_hand() -> None:
    # x log(rho (mu + r) / (rho mu + r)) + r log((mu + r) / (rho mu + r))
    assert nb_llr(5, 2.0, 3.0, 4.0) == pytest.approx(5 * math.log(18 / 10) + 4 * math.log(6 / 10))
    assert nb_llr(5, 2.0, 3.0, math.inf) == pytest.approx(5 * math.log(3) - 4)


def test_share_cusum_by_hand() -> None:
    assert binomial_llr(6, 10, 0.3, 0.5) == pytest.approx(6 * math.log(5 / 3) + 4 * math.log(5 / 7))
    c = ShareCusum(shift=0.2, threshold=3.0)
    c.update(6, 10, 0.3, step=4)
    assert c.statistic == pytest.approx(binomial_llr(6, 10, 0.3, 0.5)) and c.onset == 4
    assert c.update(0, 0, 0.3) == c.statistic  # nothing labelled: no evidence


def test_cusum_false_alarm_rate_respects_its_bound() -> None:
    # under the baseline the run length between alarms is at least exp(h) on average
    rng = np.random.default_rng(3)
    h = threshold(2000.0)
    alarms, minutes = 0, 200_000
    c = CountCusum(ratio=2.0, threshold=h)
    for x in rng.poisson(1.5, minutes):
        c.update(float(x), 1.5)
        if c.alarm:
            alarms += 1
            c = CountCusum(ratio=2.0, threshold=h)
    assert alarms <= minutes / 2000.0


def test_cusum_sees_a_doubling_within_minutes() -> None:
    rng = np.random.default_rng(4)
    c = CountCusum(ratio=2.0, threshold=threshold(43_200))
    for x in rng.poisson(3.0, 600):
        c.update(float(x), 3.0)
    assert not c.alarm
    took = 0
    for took, x in enumerate(rng.poisson(9.0, 30), start=1):  # noqa: B007
        c.update(float(x), 3.0)
        if c.alarm:
            break
    assert c.alarm and took <= 10


def test_seasonal_baseline_learns_the_hour_of_day() -> None:
    rng = np.random.default_rng(5)
    b = SeasonalRate(prior_rate=0.5, half_life=1440.0, hour_half_life_days=3.0)
    for minute in range(14 * 1440):
        hour = (minute // 60) % 24
        b.update(float(rng.poisson(6.0 if 9 <= hour < 21 else 1.0)), minute)
    noon, night = 14 * 1440 + 12 * 60, 14 * 1440 + 3 * 60
    assert b.expected(noon) == pytest.approx(6.0, rel=0.15)
    assert b.expected(night) == pytest.approx(1.0, rel=0.25)
    assert b.dispersion < 1.5  # Poisson counts: little overdispersion


def test_seasonal_baseline_estimates_overdispersion() -> None:
    rng = np.random.default_rng(6)
    b = SeasonalRate(prior_rate=4.0)
    for minute in range(5 * 1440):
        b.update(float(rng.negative_binomial(2.0, 2.0 / (2.0 + 4.0))), minute)  # mean 4, size 2
    # variance 4 + 16 / 2 = 12 = 3 x the mean: quasi-Poisson phi = 3
    assert 2.4 < b.dispersion < 3.6
    assert not SeasonalRate(prior_rate=1.0, prior_steps=60.0).warm


def test_overdispersion_read_from_a_few_minutes_leans_on_the_poisson_prior() -> None:
    """A quiet new hashtag, just warm, then one post: the residuals alone read phi 1.35
    (0.887 over 0.657, by hand from the sums); with the Poisson prior worth
    ``prior_steps`` (60) steps at the level (0.104 a step: 6.24 of weight on each side)
    it is (0.887 + 6.24) / (0.657 + 6.24) = 1.03. Overdispersion needs more than a
    lone post to show, and once there is data (the test above) the data decide."""
    b = SeasonalRate(prior_rate=0.2, prior_steps=60.0)
    minute = 0
    while not b.warm:
        b.update(0.0, minute)
        minute += 1
    for _ in range(5):
        b.update(0.0, minute)
        minute += 1
    b.update(1.0, minute)
    assert b._dev / b._mu == pytest.approx(1.35, abs=0.01)
    prior = 60.0 * b.level
    assert b.dispersion == pytest.approx((b._dev + prior) / (b._mu + prior))
    assert b.dispersion == pytest.approx(1.03, abs=0.01)


def test_seasonal_skip_equals_quiet_minutes() -> None:
    a, b = SeasonalRate(prior_rate=1.0), SeasonalRate(prior_rate=1.0)
    for m in range(300):
        a.update(2.0, m)
        b.update(2.0, m)
    for m in range(300, 500):
        a.update(0.0, m)
    b.skip(300, 200)
    assert b.level == pytest.approx(a.level, rel=1e-9)


FAST_ANGER = ErrorRate(tpr=0.825, fpr=0.15, n_pos=160, n_neg=214, dataset="hand")


def test_adjusted_count_by_hand() -> None:
    est = adjusted(30, 60, FAST_ANGER)
    p = (0.5 - 0.15) / (0.825 - 0.15)
    assert est.share == pytest.approx(p) and est.count == pytest.approx(round(60 * p, 1))
    lo, hi = wilson(30, 60)
    assert est.low == pytest.approx(round(60 * (lo - 0.15) / 0.675, 1))
    assert est.high == pytest.approx(round(60 * (hi - 0.15) / 0.675, 1))
    assert est.low < est.count < est.high


def test_adjusted_count_clips_and_gives_up_on_useless_flags() -> None:
    assert adjusted(5, 60, FAST_ANGER).count == 0.0
    assert adjusted(60, 60, FAST_ANGER).count == 60.0
    irony = ErrorRate(tpr=0.3023, fpr=0.278, n_pos=172, n_neg=518, dataset="hand")
    est = adjusted(40, 60, irony)
    assert (est.count, est.low, est.high) == (40.0, 0.0, 60.0)
    assert true_share(0.5, irony) == 0.5


def test_adjusted_interval_covers_the_truth() -> None:
    rng = np.random.default_rng(7)
    hits = 0
    for _ in range(400):
        true = int(rng.binomial(80, 0.4))
        flagged = int(rng.binomial(true, 0.825) + rng.binomial(80 - true, 0.15))
        est = adjusted(flagged, 80, FAST_ANGER)
        hits += est.low <= true <= est.high
    assert 0.84 <= hits / 400 <= 0.97


def test_growth_rate_by_hand() -> None:
    # exact exponential counts: the fit recovers the rate and the doubling time
    counts = [10 * 2 ** (t / 5) for t in range(20)]
    f = fit(counts, horizon=60, damping=None)  # the plain exponential (damped: test_forecast)
    assert f.rate_per_min == pytest.approx(math.log(2) / 5, rel=1e-6)
    assert f.doubling_min == pytest.approx(5.0, rel=1e-6)
    last = counts[-1]
    assert f.next_total == pytest.approx(sum(last * 2 ** (j / 5) for j in range(1, 61)), rel=1e-6)
    flat = fit([4.0] * 30)
    assert flat.doubling_min is None and flat.halving_min is None
    assert flat.next_total == pytest.approx(240.0)
    assert flat.words("hostile posts").startswith("hostile posts run at ~4 a minute; ")
    assert fit([0.0] * 10).next_total == 0.0


@pytest.mark.parametrize("method", ["loglinear", "hawkes"])
def test_forecast_interval_coverage_on_poisson_data(method: str) -> None:
    # measured (seeded): loglinear 87 %, hawkes 87 % at the nominal 90 %
    rng = np.random.default_rng(8)
    hits, trials = 0, 150
    for _ in range(trials):
        a, b = rng.uniform(0.0, 2.0), rng.uniform(-0.02, 0.06)
        y = rng.poisson(np.exp(a + b * np.arange(90)))
        f = fit([float(v) for v in y[:30]], horizon=60, method=method)
        hits += f.low <= y[30:].sum() <= f.high
    assert 0.82 <= hits / trials <= 0.99


def _hawkes(
    rng: np.random.Generator, n: int, mu: float, branching: float, beta: float
) -> list[float]:
    y, excitation = [], 0.0
    alpha = branching * (1.0 - math.exp(-beta))
    for _ in range(n):
        x = float(rng.poisson(mu + excitation))
        y.append(x)
        excitation = excitation * math.exp(-beta) + alpha * x
    return y


@pytest.mark.parametrize("method", ["loglinear", "hawkes"])
def test_forecast_interval_coverage_on_hawkes_data(method: str) -> None:
    # self-exciting counts are burstier than any log-linear trend; measured (seeded)
    # coverage at the nominal 90 %: loglinear 95 % (damped; 78 % undamped), hawkes 90 %
    rng = np.random.default_rng(2)
    hits, trials = 0, 150
    for _ in range(trials):
        beta = rng.uniform(0.05, 0.3)
        y = _hawkes(rng, 150, rng.uniform(0.2, 2.0), rng.uniform(0.5, 0.95), beta)
        f = fit(y[60:90], horizon=60, method=method)
        hits += f.low <= sum(y[90:]) <= f.high
    assert 0.82 <= hits / trials <= 0.99


def test_excess_sets_the_smallest_storm() -> None:
    # on a baseline of 0.1 a minute, "twice as many" is 0.2; with excess 0.5 the
    # alternative is 0.6, so one stray post a minute says less
    c = CountCusum(ratio=2.0, threshold=10.0, excess=0.5)
    assert c.alternative(0.1) == pytest.approx(0.6)
    assert c.update(1, 0.1) == pytest.approx(math.log(6.0) - 0.5)
    assert CountCusum(2.0).alternative(3.0) == 6.0


def test_quasi_poisson_divides_the_evidence() -> None:
    a, b = CountCusum(2.0, 50.0), CountCusum(2.0, 50.0)
    a.update(6, 2.0)
    b.update(6, 2.0, dispersion=3.0)
    assert b.statistic == pytest.approx(a.statistic / 3.0)


def test_bank_threshold_and_best_member() -> None:
    bank = Bank([CountCusum(r, 0.0) for r in (2.0, 4.0, 8.0)], threshold=10.0)
    assert bank.threshold == pytest.approx(10.0 + math.log(3.0))
    for x in (8, 9):
        bank.update_count(x, 1.0)
    assert bank.best.ratio == 8.0  # type: ignore[union-attr]
    assert bank.statistic == pytest.approx(17 * math.log(8.0) - 14.0)
    assert bank.alarm and bank.onset == 0


def test_growth_is_significant_only_when_it_is() -> None:
    rng = np.random.default_rng(9)
    flat = [float(x) for x in rng.poisson(3.0, 30)]
    rising = [float(x) for x in rng.poisson(3.0 * np.exp(0.08 * np.arange(30)))]
    assert fit(rising).growing and not fit(flat).growing


def test_forecast_of_a_single_burst_does_not_fail() -> None:
    f = fit([0.0] * 29 + [40.0])
    assert f.next_total >= 0.0 and f.low <= f.next_total <= f.high
