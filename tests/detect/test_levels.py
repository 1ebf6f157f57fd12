"""The surprise level policy (detect/levels.py): selectable by name, the last open minute
evaluated at the end, no watch in an all_clear's minute, the forecast in its words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from foretold.campaigns import Campaign
from foretold.clock import ManualClock
from foretold.detect import DetectConfig, build_stage
from foretold.detect.campaign import CampaignDetector
from foretold.detect.composition import adjusted
from foretold.detect.levels import LevelDetector
from foretold.detect.minutes import Output
from foretold.errors import ConfigError
from foretold.post import Author, Post
from foretold.records import Batch
from foretold.signals import HOSTILE, HOSTILE_IRONIC, LABELLED, MOCKING

T0 = datetime(2013, 11, 12, tzinfo=UTC)
CALM = {"sentiment": "positive", "emotion": "joy", "flags": []}
ANGRY = {"sentiment": "negative", "emotion": "anger", "flags": ["question"]}
MOCK = {"sentiment": "negative", "emotion": "joy", "flags": ["ironic"]}
JOKE = {"sentiment": "negative", "emotion": "anger", "flags": ["ironic"]}  # read as angry
CAMPAIGN = Campaign.from_track(["#AskJPM"])


def add(
    out: list[tuple[Post, dict[str, Any]]], m: int, labels: dict[str, Any], followers: int = 500
) -> None:
    """Append a post with ``labels`` at minute ``m`` of the stream, from a new author."""
    n = len(out) + 1
    post = Post(platform="x", id=str(n), text="?", hashtags=("askjpm",),
                author=Author(id=str(n), handle=f"u{n}", followers=followers),
                created_at=T0 + timedelta(minutes=m, seconds=n % 60))  # fmt: skip
    out.append((post, labels))


def calm_day(out: list[tuple[Post, dict[str, Any]]]) -> int:
    """A calm day (a hostile post every third minute); returns its length in minutes."""
    day = 24 * 60
    for m in range(day):
        for labels in [CALM] * (5 if m % 3 == 0 else 1) + [ANGRY] * (m % 3 == 0):
            add(out, m, labels)
    return day


def stream(
    storm_minutes: int,
    calm_after: int,
    praise: int = 0,
    mocking: int = 0,
    calm: int = 2,
    hostile: dict[str, Any] = ANGRY,
) -> list[tuple[Post, dict[str, Any]]]:
    """A calm day, hostile posts doubling every 5 minutes for ``storm_minutes`` with a big
    account joining at minute 10, then ``calm_after`` calm minutes. In the storm, ``calm``
    calm posts a minute; with ``praise``, that many more calm posts beside each hostile one
    (a praise storm whose hostile labels are mostly the classifier's false positives); with
    ``mocking``, that many mocking posts beside each hostile one; the storm's hostile posts
    are labelled ``hostile``."""
    out: list[tuple[Post, dict[str, Any]]] = []
    day = calm_day(out)
    for m in range(day, day + storm_minutes):
        angry = round(2 * 2 ** ((m - day) / 5))
        for labels in (
            [CALM] * (calm + praise * angry) + [MOCK] * (mocking * angry) + [hostile] * angry
        ):
            add(out, m, labels)
        if m == day + 10:
            add(out, m, ANGRY, followers=2_000_000)
    for m in range(day + storm_minutes, day + storm_minutes + calm_after):
        add(out, m, CALM)
    return out


def run(
    posts: list[tuple[Post, dict[str, Any]]], finish: bool, **config: Any
) -> list[dict[str, Any]]:
    stage = build_stage([CAMPAIGN], ManualClock(T0), DetectConfig(**config))
    alerts: list[dict[str, Any]] = []
    for k in range(0, len(posts), 500):
        chunk = posts[k : k + 500]
        batch = Batch(posts=[p for p, _ in chunk],
                      memberships=[("askjpm", p.platform, p.id) for p, _ in chunk],
                      label_of={p.key: labels for p, labels in chunk})  # fmt: skip
        stage.process(batch)
        alerts += batch.alerts
    if finish:
        end = Batch(posts=[])
        stage.finish(end)
        alerts += end.alerts
    return alerts


def observe(posts: list[tuple[Post, dict[str, Any]]]) -> tuple[LevelDetector, list[str]]:
    """A detector fed ``posts`` one by one, and the levels it alerted, in order."""
    detector = LevelDetector(CAMPAIGN, DetectConfig())
    out = Output()
    levels: list[str] = []
    for post, labels in posts:
        detector.observe(post, labels, out, lambda: T0)
        levels += [a.level for a in out.alerts]
        out.alerts.clear()
    return detector, levels


def test_the_policy_is_chosen_by_name() -> None:
    clock = ManualClock(T0)
    assert isinstance(build_stage([CAMPAIGN], clock).campaigns["askjpm"], LevelDetector)
    risk = build_stage([CAMPAIGN], clock, DetectConfig(policy="risk"))
    assert isinstance(risk.campaigns["askjpm"], CampaignDetector)
    with pytest.raises(ConfigError, match="unknown policy 'loud'"):
        build_stage([CAMPAIGN], clock, DetectConfig(policy="loud"))


def test_watch_warning_crisis_with_the_forecast_in_words_and_evidence() -> None:
    alerts = run(stream(40, 0), finish=True)
    assert [a["level"] for a in alerts] == ["watch", "warning", "crisis"]
    crisis = alerts[-1]
    assert "doubling every" in crisis["summary"] and "in the next hour (90%:" in crisis["summary"]
    fc = crisis["evidence"]["forecast"]["hostile_posts"]
    assert fc["doubling_min"] > 0 and fc["low"] <= fc["next"] <= fc["high"]
    comp = crisis["evidence"]["composition"]["hostile_15m"]
    assert comp["low"] <= comp["estimate"] <= comp["high"]


def test_the_last_open_minute_is_evaluated_at_the_end() -> None:
    posts = stream(11, 0)  # ends in the minute the big account joins: the crisis minute
    without = run(posts, finish=False)
    with_end = run(posts, finish=True)
    assert "crisis" not in [a["level"] for a in without]
    assert [a["level"] for a in with_end] == [a["level"] for a in without] + ["crisis"]
    # the same alert as when a later post closes that minute
    later = Post(platform="x", id="later", text="?", hashtags=("askjpm",), author=Author(id="z"),
                 created_at=posts[-1][0].created_at + timedelta(minutes=1))  # fmt: skip
    closed = run([*posts, (later, CALM)], finish=False)
    assert closed[-1]["id"] == with_end[-1]["id"]


def test_no_watch_in_the_minute_of_an_all_clear() -> None:
    alerts = run(stream(40, 12 * 60), finish=True)
    assert alerts[-1]["level"] == "all_clear"
    clears = {a["at"][:16] for a in alerts if a["level"] == "all_clear"}
    assert not [a for a in alerts if a["level"] != "all_clear" and a["at"][:16] in clears]


def test_a_praise_storm_whose_hostile_labels_are_mostly_noise_is_no_crisis() -> None:
    """Four calm posts beside each hostile one: 20 % flagged hostile where the tier's
    false-positive rate is 15 % (TPR 82.5 %): (0.20 - 0.15) / 0.675 = 7.5 % truly hostile,
    below the smallest turn (15 %), though the storm's size alone gives far more than 30
    such voices. The all-hostile storm of the same size is a crisis."""
    detector, levels = observe(stream(40, 0, praise=4))
    assert "watch" in levels and "crisis" not in levels
    assert detector.true_voices(15) >= DetectConfig().crisis_min_hostile
    share = detector.true_share(15)
    assert 0.04 < share < 0.075 < min(DetectConfig().share_shifts)  # the low end, near 7.5 %
    assert [a["level"] for a in run(stream(40, 0), finish=True)][-1] == "crisis"


def two_bursts(second_scale: int) -> list[tuple[Post, dict[str, Any]]]:
    """A calm day; a hostile burst (doubling every 5 minutes for 30 minutes, no big
    account: it stays at warning); six hours of a simmering backlash (4 hostile posts a
    minute, the episode goes on); then a second burst, ``second_scale`` times the first,
    that a big account joins."""
    out: list[tuple[Post, dict[str, Any]]] = []
    day = calm_day(out)
    second = day + 30 + 6 * 60
    for m in range(day, second + 30):
        burst, scale = (m - day, 1) if m < day + 30 else (m - second, second_scale)
        angry = 4 if m < second and m >= day + 30 else round(scale * 2 * 2 ** (burst / 5))
        for labels in [CALM] * 2 + [ANGRY] * angry:
            add(out, m, labels)
        if m == second + 10:
            add(out, m, ANGRY, followers=2_000_000)
    return out


def test_a_crisis_escalates_beyond_the_episodes_earlier_bursts() -> None:
    """A backlash at warning for hours has had its bursts: a second burst no bigger than
    the first, now with a big account, is not a crisis; one three times the first is. The
    first burst's largest 15 minutes: the sum of round(2 x 2^(t/5)) for t = 15..29, 753
    hostile voices. Every other crisis gate holds for the second burst (after six quieter
    hours it is many times the last hours' rate)."""
    detector, levels = observe(two_bursts(1))
    assert "warning" in levels and "crisis" not in levels
    c = DetectConfig()
    assert detector._episode_peak == 753  # the first burst, remembered
    assert not detector.escalating()
    x15 = detector.voices(15)
    assert x15 < c.crisis_accel * 753
    assert detector.true_voices(15) >= c.crisis_min_hostile and detector.spreading()
    accel = (x15 / 15 + c.accel_floor) / (detector.lately.rate + c.accel_floor)
    assert accel >= c.crisis_accel and detector.true_share(15) >= min(c.share_shifts)
    assert "crisis" in [a["level"] for a in run(two_bursts(3), finish=True)]


def test_mockery_with_real_anger_in_it_is_not_held_at_watch() -> None:
    """The storm of :func:`stream`, each hostile post now beside two mocking ones: mocking
    posts outnumber hostile ones (the mockery ceiling's first test), but about a third of
    the labelled voices are flagged hostile where the tier flags 15 % of the others (TPR
    82.5 %): (1/3 - 0.15) / 0.675 = 27 % truly hostile, above the smallest turn (15 %).
    It reaches crisis, as #QantasLuxury should. With mocking posts alone beside a few
    hostile ones (one in ten labelled voices flagged) it stays at watch."""
    detector, levels = observe(stream(40, 0, mocking=2))
    s60 = detector.signals.windows.sums(60)
    assert s60[MOCKING] > s60[HOSTILE]  # mockery outweighs hostility over the hour
    assert 0.2 < detector.true_share(60) < 0.27  # the low end, below the 27 % point
    assert detector.real_anger()
    assert levels[-1] == "crisis"
    assert {a["level"] for a in run(stream(40, 0, mocking=9, calm=0), finish=True)} == {"watch"}


def test_mockery_whose_anger_is_read_into_its_jokes_is_held_at_watch() -> None:
    """The storm of the test above, but each hostile post is a joke the classifier reads
    as angry (flagged ironic too), as the accurate tier reads #WaitroseReasons: about a
    third of the labelled voices flagged hostile, so the true hostile share passes the
    smallest turn, but the hostile posts not flagged ironic (the calm day's and the big
    account's) are far fewer than the hostile flag's false positives on the hour (15 % of
    the labelled posts): their adjusted count's low end is 0. No real anger is left once
    the jokes are set aside, and it stays at watch."""
    detector, levels = observe(stream(40, 0, mocking=2, hostile=JOKE))
    s60 = detector.signals.windows.sums(60)
    assert s60[MOCKING] > s60[HOSTILE] and detector.true_share(60) > 0.15
    plain = round(s60[HOSTILE] - s60[HOSTILE_IRONIC])
    assert plain < 0.15 * s60[LABELLED]
    assert adjusted(plain, round(s60[LABELLED]), detector.rates.hostile).low == 0
    assert not detector.real_anger()
    assert set(levels) == {"watch"}


def chronic_day(out: list[tuple[Post, dict[str, Any]]]) -> int:
    """A day of a brand whose mentions are a third hostile; returns its length in minutes."""
    day = 24 * 60
    for m in range(day):
        for labels in [CALM, ANGRY] if m % 2 == 0 else [CALM]:
            add(out, m, labels)
    return day


def chronic(storm_minutes: int, angry_start: float = 2.0) -> list[tuple[Post, dict[str, Any]]]:
    """A brand whose calm day is already a third hostile (as an airline's mentions are),
    then a storm in nearly the same mix: 8 calm posts beside each 5 hostile ones (38 %),
    doubling every 5 minutes from ``angry_start`` hostile posts a minute; no big account."""
    out: list[tuple[Post, dict[str, Any]]] = []
    day = chronic_day(out)
    for m in range(day, day + storm_minutes):
        angry = angry_start * 2 ** ((m - day) / 5)
        for labels in [CALM] * round(1.6 * angry) + [ANGRY] * round(angry):
            add(out, m, labels)
    return out


def test_a_hijack_forming_in_a_brands_usual_mix_is_a_warning() -> None:
    """The storm's hostile share (38 %) is a few points above the brand's chronic third: a
    true rise of about 8 points through the tier's error rates, too small for the turn
    statistic ever to alarm. The storm is a warning once its share is above the usual at
    90 %, its truly hostile voices pass the normal by a voice a minute and its growth is
    significant; without :meth:`LevelDetector.forming` it stays at watch. A burst of a few
    angry posts stays at watch: too few voices beyond the normal."""
    detector, levels = observe(chronic(25))
    assert levels == ["watch", "warning"]
    assert not detector.turn.alarm and detector.turn.progress < 0.1  # no turn at all
    assert detector.true_voices(15) - detector.expected_15 >= 15 * DetectConfig().min_excess
    without = LevelDetector.forming
    try:
        LevelDetector.forming = lambda self, step: False  # type: ignore[method-assign]
        assert observe(chronic(25))[1] == ["watch"]
    finally:
        LevelDetector.forming = without  # type: ignore[method-assign]
    # a burst of 1, 2, ... 6 angry posts a minute: surging, all hostile, growing, but
    # 21 voices, about 14 beyond the 7 the normal expects in 15 minutes
    out: list[tuple[Post, dict[str, Any]]] = []
    day = chronic_day(out)
    for m in range(6):
        for labels in [CALM] + [ANGRY] * (m + 1):
            add(out, day + m, labels)
    add(out, day + 7, CALM)
    detector, levels = observe(out)
    fc = detector.forecast(0)
    assert levels == ["watch"]
    assert detector._hostile_now() and fc is not None and fc.growing
    assert not detector.forming(day + 6)
