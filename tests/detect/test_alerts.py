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


def test_a_crisis_is_raised_again_only_after_the_cool_down() -> None:
    # crisis, down to warning, back up 10 steps later (too soon), and 100 steps later
    p = LevelPolicy(hold_steps=2, cooldown_steps=100, all_clear_steps=1000)
    risks = [0.9] * 3 + [0.65] * 7 + [0.9] * 3 + [0.65] * 90 + [0.9]
    assert _run(p, risks) == [(0, "crisis"), (103, "crisis")]


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
