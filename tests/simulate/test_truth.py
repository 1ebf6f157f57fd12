"""The truth file: documented shape, phases in order, attack ids among the posts."""

from __future__ import annotations

import numpy as np
import pytest

from foretold.simulate.library import names, scenario
from foretold.simulate.stream import simulate
from foretold.simulate.truth import truth, truth_path

PHASES = [
    "launch",
    "first_weak_signal",
    "tipping_point",
    "peak",
    "press_pickup",
    "brand_response",
    "end",
]


def test_truth_has_the_documented_keys() -> None:
    t = truth(simulate(scenario("askjpm"), seed=2))
    assert set(t) >= {
        "version",
        "scenario",
        "seed",
        "params",
        "campaign",
        "phases",
        "kind",
        "expected_level",
        "accounts",
        "counts",
        "attack_post_ids",
    }
    assert list(t["phases"]) == PHASES
    assert t["campaign"]["hashtags"] == ["#AskJPM"]


@pytest.mark.parametrize("name", names())
def test_phases_are_in_order(name: str) -> None:
    ph = truth(simulate(scenario(name), seed=1))["phases"]
    seq = [ph[k] for k in ("launch", "first_weak_signal", "tipping_point", "peak") if ph[k]]
    assert seq == sorted(seq)
    assert all(v is None or v <= ph["end"] for v in ph.values())


def test_attack_ids_are_posts_of_the_stream() -> None:
    s = simulate(scenario("askjpm"), seed=2)
    t = truth(s)
    ids = {str(x) for x in s.ids.tolist()}
    assert set(t["attack_post_ids"]) <= ids
    assert len(t["attack_post_ids"]) == t["counts"]["attack"] == int(s.attack.sum())


def test_counts_add_up() -> None:
    t = truth(simulate(scenario("mcdstories"), seed=2))
    c = t["counts"]
    assert c["original"] + c["reply"] + c["repost"] + c["quote"] == c["posts"]
    assert sum(c["classes"].values()) == c["posts"]


def test_controls_have_no_attack_and_no_tipping_point() -> None:
    for name in ("benign_qa", "viral_positive", "unrelated_bad_news", "spam_burst", "quiet_month"):
        t = truth(simulate(scenario(name), seed=1))
        assert t["attack_post_ids"] == [] and t["phases"]["tipping_point"] is None
        assert t["expected_level"] == "none"


def test_reposts_of_attack_posts_are_attack_posts() -> None:
    s = simulate(scenario("askjpm"), seed=2)
    rt = np.flatnonzero((s.kind == 2) & s.attack[np.maximum(s.target, 0)])
    assert s.attack[rt].all()


def test_truth_sits_beside_the_posts() -> None:
    assert truth_path("out/drill.jsonl").as_posix() == "out/drill.truth.json"
