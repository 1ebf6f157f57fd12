"""Alert levels: hysteresis, cool-down, de-duplication, the PRODUCT.md shape."""

from __future__ import annotations

from datetime import UTC, datetime

from foretold.alerts import Alert, LevelPolicy


def _run(policy: LevelPolicy, risks: list[float], start: int = 0) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for i, r in enumerate(risks):
        level = policy.update(r, start + i)
        if level:
            out.append((start + i, level))
    return out


def test_levels_rise_one_alert_each() -> None:
    # risk  .1  .4  .7  .9
    # alert  -  watch warning crisis
    p = LevelPolicy()
    assert _run(p, [0.1, 0.4, 0.7, 0.9]) == [(1, "watch"), (2, "warning"), (3, "crisis")]


def test_risk_hovering_at_a_threshold_does_not_flap() -> None:
    # risk  .62 .58 .61 .57 .62 ...  (warning threshold .6, exit below .5)
    p = LevelPolicy(hold_steps=5)
    assert _run(p, [0.62, 0.58, 0.61, 0.57] * 10) == [(0, "warning")]
    assert p.level == "warning"


def test_stepping_down_is_silent_and_all_clear_follows_calm() -> None:
    # crisis, then risk falls: no alerts until all_clear after 20 calm steps
    p = LevelPolicy(hold_steps=2, all_clear_steps=20)
    alerts = _run(p, [0.9] + [0.7] * 5 + [0.4] * 5 + [0.0] * 30)
    assert alerts == [(0, "crisis"), (31, "all_clear")]


def test_a_long_episode_raises_each_level_once() -> None:
    # risk  .9 (crisis) -> .65 for hours -> .9 again -> .65 -> .9 ... never calm
    # alert crisis       (silent)         (silent)        (silent)
    p = LevelPolicy(hold_steps=2, all_clear_steps=1000)
    risks = ([0.9] * 3 + [0.65] * 400) * 6
    assert _run(p, risks) == [(0, "crisis")]


def test_a_slow_rise_escalates_one_alert_per_level() -> None:
    # risk  .4 ... .5 ... .7 ... .45 ... .7 ... .9
    # alert watch     warning  (down, silent) (back, silent) crisis
    p = LevelPolicy(hold_steps=2, all_clear_steps=1000)
    risks = [0.4] * 50 + [0.7] * 50 + [0.45] * 50 + [0.7] * 50 + [0.9] * 5
    assert _run(p, risks) == [(0, "watch"), (50, "warning"), (200, "crisis")]


def test_a_level_is_raised_again_only_after_all_clear() -> None:
    # crisis, calm for 20 steps (from step 3): all_clear; crisis again: a new episode
    # risk   .9 .9 .9  0 ... 0   .9
    # alert  crisis    all_clear  crisis
    p = LevelPolicy(hold_steps=2, all_clear_steps=20)
    risks = [0.9] * 3 + [0.0] * 30 + [0.9] * 3
    assert _run(p, risks) == [(0, "crisis"), (23, "all_clear"), (33, "crisis")]


def test_a_ceiling_holds_entry_below_crisis_but_keeps_a_level_held() -> None:
    # risk .9 with ceiling warning: warning only; ceiling lifted: crisis;
    # ceiling back down while risk stays high: crisis is kept (no flapping)
    p = LevelPolicy(hold_steps=2, all_clear_steps=1000)
    assert [p.update(0.9, i, ceiling=2) for i in range(3)] == ["warning", None, None]
    assert p.update(0.9, 3) == "crisis"
    assert [p.update(0.9, i, ceiling=2) for i in range(4, 8)] == [None] * 4
    assert p.level == "crisis"


def test_alert_dict_has_the_product_shape() -> None:
    at = datetime(2013, 11, 13, 21, 4, 7, 250_000, tzinfo=UTC)
    a = Alert("askjpm", "crisis", at, datetime(2026, 1, 1, tzinfo=UTC), ("hostile_share",),
              "Crisis.", posts=("1",), authors=("@occupy (192k followers)",),
              metrics={"risk": 0.9})  # fmt: skip
    d = a.to_dict()
    assert list(d) == ["id", "campaign", "level", "at", "raised_at", "signals", "summary",
                       "evidence"]  # fmt: skip
    assert d["id"] == "askjpm-2013-11-13T21:04:07Z-crisis"
    assert d["raised_at"] == "2026-01-01T00:00:00Z"
    assert list(d["evidence"]) == ["posts", "authors", "links", "metrics"]
