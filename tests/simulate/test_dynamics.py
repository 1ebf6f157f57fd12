"""Statistical properties of simulated streams, on fixed seeds, within tolerances."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from foretold.errors import ConfigError
from foretold.simulate.hawkes import PowerLawKernel, branching_ratio, hill_tail_exponent
from foretold.simulate.library import names, randomise, scenario
from foretold.simulate.population import draw_followers
from foretold.simulate.realism import stats
from foretold.simulate.scenario import ORGANIC, Wave
from foretold.simulate.stream import QUOTE, REPLY, REPOST, Stream, simulate


@pytest.fixture(scope="module")
def askjpm() -> Stream:
    return simulate(scenario("askjpm"), seed=1)


def _flat(branching: float, posts: int = 4000, hours: float = 240.0) -> Stream:
    sc = replace(
        scenario("quiet_month"),
        hours=hours,
        waves=(Wave("flat", 0.0, 0.0, hours, posts, ORGANIC, branching=branching),),
    )
    return simulate(sc, seed=11)


def test_same_seed_same_stream() -> None:
    a, b = simulate(scenario("benign_qa"), 5), simulate(scenario("benign_qa"), 5)
    assert np.array_equal(a.ids, b.ids) and np.array_equal(a.author, b.author)


def test_another_seed_another_stream() -> None:
    a, b = simulate(scenario("benign_qa"), 5), simulate(scenario("benign_qa"), 6)
    assert len(a) != len(b) or not np.array_equal(a.t, b.t)


def test_ids_are_unique_and_grow_with_time(askjpm: Stream) -> None:
    assert (np.diff(askjpm.ids) > 0).all()
    assert (np.diff(askjpm.t) >= 0).all()


def test_referenced_posts_come_first(askjpm: Stream) -> None:
    refs = askjpm.target >= 0
    assert (askjpm.target[refs] < np.flatnonzero(refs)).all()


def test_reposts_reference_originals_not_reposts(askjpm: Stream) -> None:
    rt = askjpm.kind == REPOST
    assert (askjpm.kind[askjpm.target[rt]] != REPOST).all()


def test_replies_share_their_targets_conversation(askjpm: Stream) -> None:
    re = np.flatnonzero(askjpm.kind == REPLY)
    assert np.array_equal(askjpm.conv[re], askjpm.conv[askjpm.target[re]])
    assert (askjpm.kind[askjpm.conv] != REPLY).all()


def test_every_kind_of_post_occurs(askjpm: Stream) -> None:
    assert set(np.unique(askjpm.kind).tolist()) == {0, REPLY, REPOST, QUOTE}


@pytest.mark.parametrize("n", [0.3, 0.6, 0.85])
def test_branching_ratio_is_recovered(n: float) -> None:
    s = _flat(n)
    k = PowerLawKernel()
    assert branching_ratio(s.parent, s.t, s.scenario.hours * 3600.0, k) == pytest.approx(
        n, abs=0.08
    )


def test_storm_runs_near_criticality(askjpm: Stream) -> None:
    assert 0.9 <= stats(askjpm)["branching_ratio_storm"] <= 1.15


def test_about_half_the_offspring_come_within_the_hour() -> None:
    k = PowerLawKernel(c_min=5.0, theta=0.2, max_h=48.0)
    d = k.sample(np.random.default_rng(0), 200_000)
    assert (d < 3600).mean() == pytest.approx(0.56, abs=0.02)
    assert (d < 300).mean() == pytest.approx(k.cdf(300.0), abs=0.01)


def test_follower_law_matches_cases() -> None:
    f = draw_followers(np.random.default_rng(2), 400_000, alpha=2.0, scale=250.0)
    assert 85 <= np.median(f) <= 300
    assert (f >= 10_000).mean() == pytest.approx(0.02, abs=0.008)
    assert (f >= 100_000).mean() == pytest.approx(0.002, abs=0.001)
    assert hill_tail_exponent(f, 5_000.0) == pytest.approx(2.0, abs=0.1)


def test_participants_have_a_heavy_tail(askjpm: Stream) -> None:
    st = stats(askjpm)
    assert 1.7 <= st["follower_tail_alpha"] <= 2.3
    assert 85 <= st["followers_median"] <= 300


def test_authors_return(askjpm: Stream) -> None:
    counts = np.bincount(askjpm.author)
    assert (counts >= 5).sum() > 100
    assert stats(askjpm)["posts_per_author"] > 2


def test_askjpm_phases_follow_the_chronicle(askjpm: Stream) -> None:
    from foretold.simulate.truth import truth

    ph = truth(askjpm)["phases"]
    assert ph["first_weak_signal"].startswith("2013-11-11")
    assert ph["tipping_point"] == "2013-11-13T21:00:00.000Z"
    assert "2013-11-13T21" <= ph["peak"] <= "2013-11-14T02"
    assert ph["press_pickup"] == "2013-11-13T23:00:00.000Z"
    assert ph["peak"] < ph["brand_response"] < "2013-11-14T12"


def test_askjpm_volumes_match_cases(askjpm: Stream) -> None:
    st = stats(askjpm)
    assert 18_700 <= st["posts_peak_day"] <= 27_700
    assert 0.2 <= st["day2_over_day1"] <= 0.5
    assert 0.6 <= st["negative_share_storm"] <= 0.78
    assert 10 <= st["doubling_min"] <= 35


def test_askbg_peaks_before_the_qa() -> None:
    from foretold.simulate.truth import truth

    ph = truth(simulate(scenario("askbg"), seed=1))["phases"]
    assert "2013-10-17T11:00" <= ph["peak"] < "2013-10-17T12:00"


def test_benign_qa_peaks_in_the_qa_hour() -> None:
    from foretold.simulate.truth import truth

    ph = truth(simulate(scenario("benign_qa"), seed=1))["phases"]
    assert "2021-03-03T17:00" <= ph["peak"] < "2021-03-03T18:30"


@pytest.mark.parametrize("name", names())
def test_every_scenario_simulates(name: str) -> None:
    s = simulate(scenario(name), seed=3)
    assert len(s) > 1000
    attack = s.attack.any()
    assert attack == (s.scenario.kind in ("hijack", "mockery", "backlash"))


def test_spam_is_bots_repeating_themselves() -> None:
    s = simulate(scenario("spam_burst"), seed=1)
    bots = s.population.bot[s.author]
    assert bots.sum() > 1500 and len(np.unique(s.author[bots])) <= 60


def test_random_draws_other_parameters_reproducibly() -> None:
    a = randomise(scenario("askjpm"), np.random.default_rng(4))
    b = randomise(scenario("askjpm"), np.random.default_rng(4))
    assert a == b and a != scenario("askjpm")


def test_a_supercritical_scenario_is_refused() -> None:
    sc = replace(
        scenario("quiet_month"),
        max_posts=50_000,
        waves=(Wave("boom", 0.0, 0.0, 720.0, 2000, ORGANIC, branching=1.4),),
    )
    with pytest.raises(ConfigError, match="max_posts"):
        simulate(sc, seed=1)
