"""The market baselines on small hand-made streams: where each must fire and must not."""

from __future__ import annotations

from foretold.bench.baselines import DailySpike, NegativeShare, VolumeSpike
from foretold.clock import ManualClock
from foretold.records import Batch

from .conftest import T0, at, batch_of, every, post

H = 60  # minutes


def _run(stage: VolumeSpike | DailySpike | NegativeShare, *batches: Batch) -> list[str]:
    """Alert times (ISO) over the batches, in order."""
    out = []
    for b in batches:
        stage.process(b)
        out += [a["at"] for a in b.alerts]
    return out


def _iso(minutes: float) -> str:
    return at(minutes).strftime("%Y-%m-%dT%H:%M:%S.000Z")


# --- market_volume_12h ---------------------------------------------------------------


def test_volume_fires_when_the_last_hour_triples_the_twelve_before() -> None:
    #  posts/h   10 10 10 ... 10 | 60
    #  hour      00 01 02 ... 12 | 13
    #  checks              13:15 ^  ^ 13:30
    #  13:15 sees 8 old + 15 new = 23 (< 30 posts); 13:30 sees 5 old + 30 new = 35 >= 3 x 10
    stream = every(0, 13 * H, 10) + every(13 * H, 14 * H, 60) + [post(14 * H + 1)]
    alerts = _run(VolumeSpike(ManualClock(T0)), batch_of(stream))
    assert alerts == [_iso(13 * H + 30)]


def test_volume_is_quiet_on_a_steady_stream() -> None:
    stream = every(0, 48 * H, 40)
    assert _run(VolumeSpike(ManualClock(T0)), batch_of(stream)) == []


def test_volume_needs_min_posts_in_the_hour() -> None:
    #  1 post/h for 12 h, then 20 in an hour: 20x the mean, but under 30 posts
    stream = every(0, 12 * H, 1) + every(12 * H, 13 * H, 20) + [post(14 * H)]
    assert _run(VolumeSpike(ManualClock(T0)), batch_of(stream)) == []


def test_volume_cross_check_against_yesterday_silences_a_daily_rhythm() -> None:
    #  day 1:  10/h, 60/h at 18:00-19:00      day 2: the same
    #  the 12-hour check fires on day 1 (nothing to compare with), not on day 2:
    #  the same hour yesterday had as many
    day = every(0, 18 * H, 10) + every(18 * H, 19 * H, 60) + every(19 * H, 24 * H, 10)
    day2 = [post(p.created_at.timestamp() / 60 - T0.timestamp() / 60 + 24 * H) for p in day]
    stage = VolumeSpike(ManualClock(T0), cooldown_h=1.0)
    alerts = _run(stage, batch_of(day), batch_of(day2))
    assert len(alerts) == 1
    assert alerts[0].startswith(T0.strftime("%Y-%m-%d"))


def test_volume_cool_down_keeps_one_alert_per_storm() -> None:
    stream = every(0, 13 * H, 10) + every(13 * H, 17 * H, 80) + [post(17 * H + 1)]
    alerts = _run(VolumeSpike(ManualClock(T0), cooldown_h=6.0), batch_of(stream))
    assert len(alerts) == 1


def test_volume_counts_campaigns_apart() -> None:
    quiet = every(0, 13 * H, 10)
    spike = [*every(13 * H, 14 * H, 60), post(14 * H + 1)]
    b = batch_of(quiet + spike)
    b.memberships = [("a", "x", p.id) for p in quiet] + [("b", "x", p.id) for p in spike]
    VolumeSpike(ManualClock(T0)).process(b)
    # b has no history at all (its first hour), a never spikes
    assert b.alerts == []


def test_volume_alert_has_the_product_shape() -> None:
    stream = every(0, 13 * H, 10) + every(13 * H, 14 * H, 60) + [post(14 * H + 1)]
    b = batch_of(stream)
    VolumeSpike(ManualClock(T0)).process(b)
    a = b.alerts[0]
    assert set(a) >= {"id", "campaign", "level", "at", "raised_at", "signals", "summary",
                      "evidence"}  # fmt: skip
    assert (a["campaign"], a["level"], a["signals"]) == ("brew", "warning", ["market_volume_12h"])
    assert a["raised_at"] == "2020-01-06T00:00:00.000Z"  # the injected clock
    assert len(a["evidence"]["posts"]) == 5
    assert a["evidence"]["metrics"]["mean_prev_12h"] == 10.0


# --- market_24h_7d ---------------------------------------------------------------------


def test_daily_fires_when_a_day_stands_out_from_the_week() -> None:
    #  days 1-6: 10/h              day 7: 10/h, then 100/h from 12:00
    #  ───────────────────────────────╱▔▔▔  the hourly check fires once the last
    #  24 h exceed the mean + 3 sd of the days before
    base = every(0, 6 * 24 * H + 12 * H, 10)
    storm = [*every(6 * 24 * H + 12 * H, 6 * 24 * H + 20 * H, 100), post(7 * 24 * H)]
    alerts = _run(DailySpike(ManualClock(T0)), batch_of(base + storm))
    assert len(alerts) == 1
    assert alerts[0].startswith("2020-01-12T13:00")  # one hour of 100/h is already enough


def test_daily_is_quiet_on_a_steady_week() -> None:
    assert _run(DailySpike(ManualClock(T0)), batch_of(every(0, 8 * 24 * H, 10))) == []


def test_daily_needs_two_days_of_history() -> None:
    #  a storm 20 hours in: no 24-hour reference exists yet
    stream = every(0, 20 * H, 10) + every(20 * H, 40 * H, 200) + [post(41 * H)]
    assert _run(DailySpike(ManualClock(T0)), batch_of(stream)) == []


# --- market_negative_vader --------------------------------------------------------------

NEG = "this is awful, worst service ever"
POS = "what a lovely day, thank you"


def test_negative_share_fires_at_the_post_that_crosses_the_threshold() -> None:
    #  minute  0 ........ 19 | 20 ........ 39
    #  post    + + ... + +   | - - - ... -
    #  window           (1 ...............31]   18 +, 12 -: 40% -> the post at 31 tips it
    #  (at 30: (0, 30] holds 19 +, 11 -: 37%)
    stream = [post(i, POS) for i in range(20)] + [post(20 + i, NEG) for i in range(20)]
    alerts = _run(NegativeShare(ManualClock(T0)), batch_of(stream))
    assert alerts == [_iso(31)]


def test_negative_share_is_quiet_when_negatives_are_spread_out() -> None:
    stream = [post(i, NEG if i % 4 == 0 else POS) for i in range(600)]  # 25% negative
    assert _run(NegativeShare(ManualClock(T0)), batch_of(stream)) == []


def test_negative_share_needs_min_posts_in_the_window() -> None:
    stream = [post(10 * i, NEG) for i in range(50)]  # all negative, 3 in any 30 minutes
    assert _run(NegativeShare(ManualClock(T0)), batch_of(stream)) == []


def test_negative_share_reads_only_campaign_posts() -> None:
    stream = [post(i / 2, NEG) for i in range(60)]
    b = Batch(posts=stream, memberships=[])
    NegativeShare(ManualClock(T0)).process(b)
    assert b.alerts == []


def test_negative_share_cool_down() -> None:
    stream = [post(i, NEG) for i in range(200)]
    alerts = _run(NegativeShare(ManualClock(T0), cooldown_h=1.0), batch_of(stream))
    assert alerts == [_iso(19), _iso(79), _iso(139), _iso(199)]
