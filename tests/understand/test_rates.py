"""Shipped error rates: their shape, the adjusted share, and that they match the models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foretold.errors import ConfigError
from foretold.understand import ErrorRate, error_rates, load_tier
from foretold.understand.data import ISARCASM_PARTS, load_isarcasmeval_part
from foretold.understand.rates import DATASETS, measure_rates, rate_of, write_rates

DECISIONS = ["anger", "hateful", "ironic", "negative", "offensive"]


@pytest.mark.parametrize("tier", ["fast", "accurate"])
def test_every_tier_ships_the_five_decisions(tier: str) -> None:
    rates = error_rates(tier)
    assert sorted(rates) == DECISIONS
    for name, rate in rates.items():
        assert rate.dataset == DATASETS[name]
        assert rate.n_pos > 0 and rate.n_neg > 0
        assert 0.0 <= rate.fpr <= 1.0 and 0.0 <= rate.tpr <= 1.0


def test_unknown_tier_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no error rates for tier 'slow'"):
        error_rates("slow")


def test_unreadable_rates_file_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "rates.json"
    bad.write_text("{not json")
    with pytest.raises(ConfigError, match="cannot read the error rates"):
        error_rates("fast", bad)


def test_adjusted_share_inverts_the_observed_share() -> None:
    rate = ErrorRate(tpr=0.7, fpr=0.2, n_pos=10, n_neg=10, dataset="toy")
    true = 0.3
    observed = rate.tpr * true + rate.fpr * (1 - true)
    assert rate.adjusted_share(observed) == pytest.approx(true)
    assert rate.adjusted_share(0.9) == 1.0
    assert rate.adjusted_share(0.1) == 0.0


def test_a_decision_that_cannot_separate_returns_the_observed_share() -> None:
    rate = ErrorRate(tpr=0.5, fpr=0.5, n_pos=10, n_neg=10, dataset="toy")
    assert rate.adjusted_share(0.42) == 0.42


def test_rate_of_counts_hits_and_false_alarms() -> None:
    rate = rate_of([True, True, False, True, False], [True, True, True, False, False], "toy")
    assert (rate.tpr, rate.fpr, rate.n_pos, rate.n_neg) == (round(2 / 3, 4), 0.5, 3, 2)


def test_write_rates_keeps_the_other_tiers(tmp_path: Path) -> None:
    path = tmp_path / "rates.json"
    one = {"negative": ErrorRate(0.8, 0.1, 5, 5, "toy")}
    write_rates("fast", one, path)
    write_rates("accurate", one, path)
    assert sorted(json.loads(path.read_text())) == ["accurate", "fast"]
    assert error_rates("accurate", path) == one


def test_isarcasmeval_parts_are_disjoint_stratified_and_stable(data_root: Path) -> None:
    parts = {p: load_isarcasmeval_part(p, data_root) for p in ISARCASM_PARTS}
    texts = [set(s.texts) for s in parts.values()]
    assert not (texts[0] & texts[1]) and not (texts[0] & texts[2]) and not (texts[1] & texts[2])
    assert [len(s.labels) for s in parts.values()] == [2070, 690, 691]
    for split in parts.values():
        assert 0.24 < sum(split.labels) / len(split.labels) < 0.26
    with pytest.raises(ConfigError, match="unknown iSarcasmEval part"):
        load_isarcasmeval_part("test", data_root)


def test_shipped_fast_rates_match_the_shipped_fast_model(data_root: Path) -> None:
    assert measure_rates(load_tier("fast"), data_root) == error_rates("fast")
