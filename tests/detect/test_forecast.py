"""The forecast's projections by hand: the damped trend, the Hawkes fit, the words."""

from __future__ import annotations

import math

import numpy as np
import pytest

from foretold.clock import ManualClock
from foretold.detect import DetectConfig, build_stage
from foretold.detect.forecast import DAMPING, METHODS, Forecast, fit, observed_growth
from foretold.detect.hawkes import HawkesFit, fit_hawkes
from foretold.errors import ConfigError
from tests.detect.test_levels import CAMPAIGN, T0, run, stream


def _damped_sum(last: float, b: float, tau: float, horizon: int = 60) -> float:
    total, d = 0.0, 0.0
    for j in range(1, horizon + 1):
        d += math.exp(-j / tau)  # D_j = rho + rho**2 + ... + rho**j, rho = exp(-1 / tau)
        total += last * math.exp(b * d)
    return total


def test_damped_projection_by_hand() -> None:
    # exact exponential counts over a 20-minute window: j minutes on, the log-rate
    # climbs b * D_j; on the fitted growth alone tau is one window (20 minutes)
    counts = [10 * 2 ** (t / 5) for t in range(20)]
    b = math.log(2) / 5
    f = fit(counts, horizon=60, observed=False)
    assert f.next_total == pytest.approx(_damped_sum(counts[-1], b, DAMPING * 20), rel=1e-6)
    # the rate never climbs more than exp(b * window) above the last minute's
    assert f.next_total < 60 * counts[-1] * math.exp(b * 20)
    assert f.doubling_min == pytest.approx(5.0, rel=1e-6)
    # the interval reaches the undamped sum above (and as far below)
    undamped = fit(counts, horizon=60, damping=None).next_total
    assert f.high >= undamped and f.low <= f.next_total**2 / undamped
    # the default: b tau at most the growth of the window's counts, last third over first
    head, tail = sum(counts[:6]) / 6, sum(counts[-6:]) / 6
    grown = math.log((tail + 0.5) / (head + 0.5))
    assert observed_growth(counts) == pytest.approx(grown)
    g = fit(counts, horizon=60)
    assert g.next_total == pytest.approx(_damped_sum(counts[-1], b, grown / b), rel=1e-6)


def test_a_spike_is_bounded_by_what_the_window_grew() -> None:
    spike = [1.0] * 27 + [2.0, 5.0, 80.0]
    f, plain = fit(spike), fit(spike, damping=None)
    assert plain.next_total > 1e7  # the plain exponential: ~100,000,000 in the next hour
    assert f.next_total < 10_000  # ~6,900: the rate ahead at most ~6.6x the fitted last
    assert f.low <= f.next_total <= f.high


def test_damping_leaves_a_flat_series_alone() -> None:
    f, g = fit([4.0] * 30), fit([4.0] * 30, damping=None)
    assert f.next_total == pytest.approx(240.0) and g.next_total == pytest.approx(240.0)


def test_a_storm_no_longer_projects_absurdly() -> None:
    # the levels.py doctest's storm: a calm window, then doubling every 5 minutes
    counts = [1.0 if m % 3 == 0 else 0.0 for m in range(20)]
    counts += [round(2 * 2 ** (m / 5)) for m in range(10)]
    damped, plain = fit(counts), fit(counts, damping=None)
    assert plain.next_total > 300_000  # the plain exponential: ~380,000 in the next hour
    assert damped.next_total < plain.next_total / 100  # ~2,300
    assert damped.low <= damped.next_total <= damped.high


def test_hawkes_mean_by_hand() -> None:
    # d = 1/2, alpha = n (1 - d) = 1/4: lambda = 1 + e, e' = e / 2 + lambda / 4
    h = HawkesFit(
        mu=1.0, branching=0.5, beta=math.log(2), excitation=2.0, dispersion=1.0, loglik=0.0
    )
    path = h.mean_path(3)
    assert path == pytest.approx([3.0, 1.0 + 1.75, 1.0 + 0.875 + 2.75 / 4])
    assert h.mean_path(200)[-1] == pytest.approx(1.0 / (1.0 - 0.5))  # mu / (1 - n)
    assert h.subcritical and h.growth_per_min == pytest.approx(math.log(0.75))
    explosive = HawkesFit(1.0, 2.0, math.log(2), 0.0, 1.0, 0.0)
    assert not explosive.subcritical
    assert explosive.growth_per_min == pytest.approx(math.log(0.5 + 2.0 * 0.5))


def test_hawkes_fit_recovers_its_parameters() -> None:
    rng = np.random.default_rng(3)
    d = math.exp(-1 / 5)
    y, e = [], 0.0
    for _ in range(2000):
        x = float(rng.poisson(0.5 + e))
        y.append(x)
        e = d * e + 0.8 * (1 - d) * x
    h = fit_hawkes(y)
    assert h.branching == pytest.approx(0.8, abs=0.1)
    assert h.mu == pytest.approx(0.5, abs=0.2)
    assert 3.0 <= 1 / h.beta <= 8.0


def test_hawkes_simulation_is_seeded() -> None:
    h = fit_hawkes([1, 1, 0, 2, 1, 1, 0, 1, 2, 1, 12, 9, 7, 5, 4, 3, 2, 2, 1, 1])
    a, b = h.simulate(60, 50, seed=1), h.simulate(60, 50, seed=1)
    assert (a == b).all()


@pytest.mark.parametrize("method", METHODS)
def test_edge_cases(method: str) -> None:
    assert fit([0.0] * 10, method=method).next_total == 0.0
    burst = fit([0.0] * 29 + [40.0], method=method)  # one minute: no trend to read
    assert burst.next_total >= 0.0 and burst.low <= burst.next_total <= burst.high
    assert burst.to_dict()["method"] == method
    with pytest.raises(ValueError, match="at least 3"):
        fit([1.0, 2.0], method=method)


def test_unknown_method() -> None:
    with pytest.raises(ValueError, match="unknown method 'arima'"):
        fit([1.0, 2.0, 3.0], method="arima")


def test_hawkes_evidence() -> None:
    rng = np.random.default_rng(4)
    f = fit([float(x) for x in rng.poisson(3.0, 30)], method="hawkes")
    d = f.to_dict()
    assert d["method"] == "hawkes"
    assert {"branching", "decay_min", "background_per_min", "settles_per_min"} <= d.keys()
    assert (d["explosive_doubling_min"] is None) != (d["settles_per_min"] is None)
    assert "branching" not in fit([3.0] * 30).to_dict()


def test_words_say_the_level_when_growth_is_not_significant() -> None:
    rng = np.random.default_rng(9)
    flat = fit([float(x) for x in rng.poisson(3.0, 30)])
    assert not flat.growing and " run at ~" in flat.words("hostile posts")
    rising = fit([float(x) for x in rng.poisson(3.0 * np.exp(0.08 * np.arange(30)))])
    assert rising.words("hostile posts").startswith("hostile posts are doubling every ")
    # a doubling time that is not significant is not said
    unsure = Forecast(0.01, 69.3, None, 100.0, 50.0, 200.0, 60, 1.0, 2.0, rate_se=0.05)
    assert (
        unsure.words("x")
        == "x run at ~2 a minute; at this pace ~100 in the next hour (90%: 50-200)"
    )
    falling = Forecast(-0.05, None, 13.9, 60.0, 30.0, 90.0, 60, 1.0, 2.0, rate_se=0.01)
    assert "are halving every 14 min" in falling.words("x")


def test_the_method_is_chosen_by_name_and_changes_only_the_projection() -> None:
    posts = stream(40, 0)
    trend, hawkes = run(posts, finish=True), run(posts, finish=True, forecast_method="hawkes")
    # the growth test is the trend's in both: the same levels at the same minutes
    assert [(a["level"], a["at"]) for a in trend] == [(a["level"], a["at"]) for a in hawkes]
    fc = hawkes[-1]["evidence"]["forecast"]["hostile_posts"]
    assert fc["method"] == "hawkes" and fc["branching"] > 0.0
    assert fc["low"] <= fc["next"] <= fc["high"]
    assert trend[-1]["evidence"]["forecast"]["hostile_posts"]["method"] == "loglinear"
    with pytest.raises(ConfigError, match="unknown forecast_method 'arima'"):
        build_stage([CAMPAIGN], ManualClock(T0), DetectConfig(forecast_method="arima"))


def test_hawkes_on_impressions_scale() -> None:
    # quasi-Poisson: followers instead of posts change the scale, not the fit
    counts = [1, 1, 0, 2, 1, 1, 0, 1, 2, 1, 12, 9, 7, 5, 4, 3, 2, 2, 1, 1]
    posts, reach = fit_hawkes(counts), fit_hawkes([48_000.0 * c for c in counts])
    assert reach.branching == pytest.approx(posts.branching, rel=1e-3)
    assert reach.mu == pytest.approx(48_000.0 * posts.mu, rel=1e-3)
    f = fit([48_000.0 * c for c in counts], method="hawkes")  # no warning (warnings are errors)
    assert f.low <= f.next_total <= f.high
