"""Scoring on hand-made truth and alerts: lead times, misses, false alarms per level."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from foretold.bench.scoring import Expectation, alert, score, summarise

T0 = datetime(2013, 11, 13, tzinfo=UTC)


def h(x: float) -> datetime:
    return T0 + timedelta(hours=x)


#  0 h ───────── 20 h weak ── 21 h tipping ── 23 h press ──────── 48 h end
HIJACK = Expectation(stream="drill#1", kind="hijack", start=h(0), end=h(48), onset=h(20),
                     tipping=h(21), press=h(23), expected="crisis")  # fmt: skip
CONTROL = Expectation(stream="quiet#1", kind="quiet", start=h(0), end=h(720), onset=None,
                      tipping=None, press=None, expected="none")  # fmt: skip


def test_lead_time_is_hours_before_tipping_and_press() -> None:
    s = score(HIJACK, [alert("warning", h(20.5))])
    w = s.at("warning")
    assert (w.missed, w.lead_tipping_h, w.lead_press_h, w.first_at) == (
        False, 0.5, 2.5, "2013-11-13T20:30:00.000Z")  # fmt: skip


def test_a_higher_level_counts_at_every_level_below() -> None:
    s = score(HIJACK, [alert("crisis", h(22))])
    assert [x.lead_tipping_h for x in s.levels] == [-1.0, -1.0, -1.0]


def test_no_alert_at_a_level_is_a_miss() -> None:
    s = score(HIJACK, [alert("watch", h(20.1))])
    assert [x.missed for x in s.levels] == [False, True, True]


def test_alerts_before_the_first_weak_signal_are_false_alarms_not_detections() -> None:
    #  a warning at 2 h (benign part) then nothing: a false alarm and a miss
    s = score(HIJACK, [alert("warning", h(2))])
    w = s.at("warning")
    assert (w.false_alarms, w.missed, w.benign_h) == (1, True, 20.0)


def test_alerts_after_the_end_are_not_detections() -> None:
    assert score(HIJACK, [alert("crisis", h(49))]).at("crisis").missed


def test_all_clear_is_never_counted() -> None:
    s = score(CONTROL, [alert("all_clear", h(5))])
    assert [x.false_alarms for x in s.levels] == [0, 0, 0]


def test_every_alert_on_a_control_is_a_false_alarm() -> None:
    s = score(CONTROL, [alert("watch", h(1)), alert("warning", h(100)), alert("watch", h(200))])
    assert [x.false_alarms for x in s.levels] == [3, 1, 0]
    assert s.at("watch").benign_h == 720.0


def test_a_level_above_the_expected_one_is_a_false_alarm() -> None:
    mockery = Expectation("waitrose#1", "mockery", h(0), h(48), h(10), h(10), None, "watch")
    s = score(mockery, [alert("warning", h(11))])
    assert (s.at("watch").missed, s.at("warning").false_alarms, s.at("warning").benign_h) == (
        False, 1, 48.0)  # fmt: skip


def test_real_news_judges_only_crisis() -> None:
    news = Expectation("pheme", "news", h(0), h(200), h(1), None, None, "none",
                       free_below="crisis")  # fmt: skip
    s = score(news, [alert("warning", h(3)), alert("crisis", h(4))])
    assert [x.judged for x in s.levels] == ["free", "free", "must_not"]
    assert [x.false_alarms for x in s.levels] == [0, 0, 1]
    assert s.at("warning").after_onset_h == 2.0


def test_summary_rates_false_alarms_per_30_benign_days() -> None:
    hijack = score(HIJACK, [alert("warning", h(1)), alert("warning", h(22))])
    control = score(CONTROL, [alert("warning", h(3))])
    w = summarise([hijack, control])[1]
    # 2 false alarms over 20 + 720 benign hours
    assert (w.must, w.detected, w.false_alarms, w.benign_h) == (1, 1, 2, 740.0)
    assert w.false_alarms_per_30d == round(2 * 720 / 740, 2)
    assert w.median_lead_tipping_h == -1.0


def test_expectation_from_a_truth_file() -> None:
    truth = {
        "scenario": "askjpm", "seed": 7, "kind": "hijack", "expected_level": "crisis",
        "params": {"start": "2013-11-06T15:00:00+00:00"},
        "phases": {"launch": "2013-11-06T15:00:00.000Z",
                   "first_weak_signal": "2013-11-11T16:00:00.000Z",
                   "tipping_point": "2013-11-13T21:00:00.000Z", "peak": None,
                   "press_pickup": "2013-11-13T23:00:00.000Z", "brand_response": None,
                   "end": "2013-11-15T05:00:00.000Z"},
    }  # fmt: skip
    e = Expectation.from_truth(truth)
    assert e.stream == "askjpm#7"
    assert e.onset == datetime(2013, 11, 11, 16, tzinfo=UTC)
    assert [e.judged(x) for x in ("watch", "warning", "crisis")] == ["must"] * 3


def test_excused_window_forgives_alerts_up_to_its_level() -> None:
    from datetime import UTC, datetime, timedelta

    from foretold.bench.scoring import Expectation, alert, score

    t0 = datetime(2016, 9, 26, tzinfo=UTC)
    storm = (t0 + timedelta(days=7), t0 + timedelta(days=12), "warning")
    exp = Expectation("jetblue", "ordinary", t0, t0 + timedelta(days=30), None, None, None,
                      "none", excused=storm)  # fmt: skip
    alerts = [
        alert("warning", t0 + timedelta(days=8)),  # in the disruption: excused
        alert("crisis", t0 + timedelta(days=9)),  # a crisis is never excused
        alert("watch", t0 + timedelta(days=20)),  # an ordinary day: a false alarm
    ]
    s = score(exp, alerts)
    assert [x.false_alarms for x in s.levels] == [2, 1, 1]
