"""Detectors: each reacts to the change it is for and stays quiet on noise."""

from __future__ import annotations

import math
import pickle
import random

from foretold.detect.baseline import MeanBaseline, RateBaseline, ShareBaseline
from foretold.detect.bocpd import Bocpd
from foretold.detect.cusum import MeanCusum
from foretold.detect.ewma import EwmaChart
from foretold.detect.kleinberg import KleinbergBurst
from foretold.detect.risk import Evidence, hijack_risk


def test_cusum_stays_low_on_baseline_noise_and_fires_on_a_shift() -> None:
    rng = random.Random(1)
    c = MeanCusum(shift=0.5, threshold=10.0)
    # 2,000 minutes of 3 posts at the baseline mean 0.5, sd 0.1
    peak = 0.0
    for step in range(2000):
        total = sum(rng.gauss(0.5, 0.1) for _ in range(3))
        peak = max(peak, c.update(total, 3, mean=0.5, sd=0.1, step=step))
    assert peak < 10.0
    # then the mean rises by 0.6 sd
    for step in range(2000, 2060):
        c.update(sum(rng.gauss(0.56, 0.1) for _ in range(3)), 3, mean=0.5, sd=0.1, step=step)
    assert c.alarm and c.onset is not None and c.onset >= 2000


def test_cusum_is_capped_so_it_comes_back_down() -> None:
    c = MeanCusum(shift=0.5, threshold=4.0, cap=2.0)
    for _ in range(100):
        c.update(10.0, 10, mean=0.5, sd=0.1)
    assert c.statistic == 8.0


def test_ewma_scores_a_surge_and_not_the_usual_level() -> None:
    chart = EwmaChart()
    for _ in range(500):
        chart.update(math.log1p(3))
    assert abs(chart.score) < 2
    for _ in range(5):
        chart.update(math.log1p(60))
    assert chart.score > 4


def test_kleinberg_enters_a_burst_only_on_sustained_excess() -> None:
    kb = KleinbergBurst(scale=1.8, gamma=6.0)
    assert kb.update(6, 10, p0=0.3) == 0  # one hot minute is not a burst
    states = [kb.update(8, 10, p0=0.3) for _ in range(3)]
    assert states[-1] == 1
    assert [kb.update(3, 10, p0=0.3) for _ in range(3)][-1] == 0


def test_bocpd_sees_a_rate_change_and_its_direction() -> None:
    cp = Bocpd(hazard=1 / 200, max_run=48)
    for _ in range(60):
        cp.update(2.0, prior_rate=2.0)
    before = cp.recent
    for _ in range(3):
        cp.update(20.0, prior_rate=2.0)
    assert before < 0.1 < 0.9 < cp.recent and cp.rising


def test_a_new_hashtag_starts_from_the_prior_and_learns() -> None:
    rate = RateBaseline(prior_rate=0.2, prior_steps=360)
    assert rate.rate == 0.2
    for _ in range(1440):
        rate.update(2.0)
    assert 1.5 < rate.rate < 2.0
    share = ShareBaseline(prior_share=0.3, prior_n=40)
    share.update(50, 100, weight=0.0)
    assert share.share == 0.3  # frozen learning learns nothing


def test_mean_baseline_learns_mean_and_spread() -> None:
    rng = random.Random(2)
    m = MeanBaseline(prior_mean=0.5, prior_sd=0.2, prior_n=10)
    xs = [rng.gauss(0.6, 0.05) for _ in range(2000)]
    m.update(sum(xs), sum(x * x for x in xs), len(xs))
    assert abs(m.mean - 0.6) < 0.01 and abs(m.sd - 0.05) < 0.02


def test_volume_alone_never_raises_risk() -> None:
    assert hijack_risk(Evidence(surge=1.0, velocity=1.0, amplifiers=1.0, press=1.0)) == 0.0


def test_hostility_without_momentum_is_only_a_watch() -> None:
    assert 0.35 <= hijack_risk(Evidence(content=1.0)) < 0.6


def test_detectors_pickle() -> None:
    for det in (MeanCusum(), EwmaChart(), KleinbergBurst(), Bocpd(), RateBaseline()):
        assert type(pickle.loads(pickle.dumps(det))) is type(det)
