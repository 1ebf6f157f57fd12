"""The Detect stage end to end on hand-built, hand-labelled streams."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from foretold.clock import ManualClock
from foretold.detect import Detect, build_stage
from foretold.post import Post
from foretold.records import Batch

from .helpers import CALM, HOSTILE, JPM, MOCKING, SAD, batch, post

WALL = datetime(2026, 1, 1, tzinfo=UTC)


def _stream(
    storm: bool, minutes: int = 240, turn: dict[str, Any] = HOSTILE
) -> list[tuple[Post, dict[str, Any] | None]]:
    """Three calm posts a minute for three hours; then volume doubles every 5 minutes
    (to 200 a minute), 70% ``turn`` (hostile by default) with a 192k account joining
    when ``storm``, all calm otherwise (good news)."""
    out: list[tuple[Post, dict[str, Any] | None]] = []
    n = 0
    for m in range(minutes):
        per_min = 3 if m < 180 else min(200, int(3 * 2 ** ((m - 180) / 5)))
        for i in range(per_min):
            n += 1
            turned = storm and m >= 180 and i % 10 < 7
            big = 192_000 if (storm and m == 200 and i == 0) else 300
            p = post(n, m * 60 + i * 60 / per_min, followers=big)
            out.append((p, turn if turned else CALM))
    return out


def _run(stage: Detect, stream: list[tuple[Post, Any]], size: int = 500) -> list[Batch]:
    batches = []
    for i in range(0, len(stream), size):
        chunk = stream[i : i + size]
        b = batch([p for p, _ in chunk], [lab for _, lab in chunk])
        stage.process(b)
        batches.append(b)
    return batches


def _alerts(batches: list[Batch]) -> list[dict[str, Any]]:
    return [a for b in batches for a in b.alerts]


def test_a_hostile_storm_raises_warning_then_crisis_with_evidence() -> None:
    # minutes 0 ............ 180 ....... 200 .......... 240
    # volume  3/min calm      | doubles every 5 min, 70% hostile
    # alerts                  |   warning .. crisis
    alerts = _alerts(_run(build_stage([JPM], ManualClock(WALL)), _stream(storm=True)))
    levels = [a["level"] for a in alerts]
    assert "crisis" in levels
    crisis = next(a for a in alerts if a["level"] == "crisis")
    assert "2013-11-14T00:00:00Z" < crisis["at"] < "2013-11-14T00:40:00Z"
    assert crisis["raised_at"] == "2026-01-01T00:00:00Z"
    assert crisis["summary"].startswith("Crisis: hostile posts are ")
    assert "#askjpm" in crisis["summary"]
    ev = crisis["evidence"]
    assert ev["posts"] and ev["authors"] and ev["metrics"]["hostile_share_15m"] > 0.5


def test_the_storm_is_seen_within_minutes_of_turning() -> None:
    # the storm starts at 21:00 + 180 min = 00:00; a warning must come by 00:30
    alerts = _alerts(_run(build_stage([JPM], ManualClock(WALL)), _stream(storm=True)))
    first = min(a["at"] for a in alerts if a["level"] in ("warning", "crisis"))
    assert "2013-11-14T00:00:00Z" <= first <= "2013-11-14T00:30:00Z"


def test_a_storm_raises_each_level_once() -> None:
    # minutes 0 ........ 180 .................. 240 (still stormy at the end)
    # alerts            | watch? warning crisis   (each once, none repeated)
    alerts = _alerts(_run(build_stage([JPM], ManualClock(WALL)), _stream(storm=True)))
    levels = [a["level"] for a in alerts]
    assert len(levels) == len(set(levels))
    assert levels[-1] == "crisis"


def test_a_surge_of_sad_posts_raises_no_crisis() -> None:
    # minutes 0 ........ 180 ........ 240
    # volume  3/min calm  | doubles every 5 min, 70% grieving (negative, sad), 192k joins
    # alerts              | no crisis: grief is not an attack on the brand
    stream = _stream(storm=True, turn=SAD)
    alerts = _alerts(_run(build_stage([JPM], ManualClock(WALL)), stream))
    assert all(a["level"] != "crisis" for a in alerts)


def test_a_surge_of_mocking_posts_stays_below_crisis() -> None:
    # minutes 0 ........ 180 ........ 240
    # volume  3/min calm  | doubles every 5 min, 70% mocking (ironic, not angry), 192k joins
    # alerts              | at most a watch: mockery is not an attack
    stream = _stream(storm=True, turn=MOCKING)
    alerts = _alerts(_run(build_stage([JPM], ManualClock(WALL)), stream))
    assert {a["level"] for a in alerts} <= {"watch"}


def test_a_good_news_spike_raises_nothing() -> None:
    batches = _run(build_stage([JPM], ManualClock(WALL)), _stream(storm=False))
    assert _alerts(batches) == []
    assert any(b.metrics for b in batches)


def test_posts_without_labels_give_metrics_but_no_invented_signals() -> None:
    stream = [(p, None) for p, _ in _stream(storm=True, minutes=200)]
    batches = _run(build_stage([JPM], ManualClock(WALL)), stream)
    assert _alerts(batches) == []
    rows = [orjson.loads(m[3]) for b in batches for m in b.metrics]
    assert rows and all(r["hostile_share"] is None and r["hostility"] is None for r in rows)
    assert max(r["posts"] for r in rows) > 0


def test_same_input_same_alerts() -> None:
    stream = _stream(storm=True)
    one = _run(build_stage([JPM], ManualClock(WALL)), stream)
    two = _run(build_stage([JPM], ManualClock(WALL)), stream, size=137)
    assert orjson.dumps(_alerts(one)) == orjson.dumps(_alerts(two))
    assert [m for b in one for m in b.metrics] == [m for b in two for m in b.metrics]


def test_snapshot_and_resume_give_the_same_alerts_phases_and_metrics() -> None:
    stream = _stream(storm=True)
    whole = _run(build_stage([JPM], ManualClock(WALL)), stream)
    first = build_stage([JPM], ManualClock(WALL))
    cut = len(stream) // 2
    head = _run(first, stream[:cut])
    resumed = build_stage([JPM], ManualClock(WALL))
    resumed.restore(first.snapshot())
    tail = _run(resumed, stream[cut:])

    def flat(bs: list[Batch]) -> tuple[list[Any], list[Any], list[Any]]:
        return ([a for b in bs for a in b.alerts], [m for b in bs for m in b.metrics],
                [p for b in bs for p in b.phases])  # fmt: skip

    assert flat(head + tail) == flat(whole)


def test_phases_move_forward_through_the_storm() -> None:
    batches = _run(build_stage([JPM], ManualClock(WALL)), _stream(storm=True))
    phases = [p for b in batches for _, _, p in b.phases]
    assert "takeover" in phases
    assert phases.index("takeover") > phases.index("escalation") if "escalation" in phases else True


def test_a_snapshot_of_other_window_fields_is_not_restored() -> None:
    """An older foretold's snapshot (its windows without today's fields) would break the
    detectors mid-stream: it is refused, and the stage starts afresh."""
    import pickle

    first = build_stage([JPM], ManualClock(WALL))
    _run(first, _stream(storm=True)[:200])
    old = pickle.loads(first.snapshot())
    old["fields"] = old["fields"][:-2]
    fresh = build_stage([JPM], ManualClock(WALL))
    before = fresh.campaigns
    assert fresh.restore(pickle.dumps(old)) is False
    assert fresh.campaigns is before
    assert fresh.restore(first.snapshot()) is True
