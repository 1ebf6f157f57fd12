"""Scoring alerts against the truth: lead times, misses and false alarms, per level.

For each level L (``watch`` < ``warning`` < ``crisis``) an alert *counts at L* when its
level is L or above (a crisis alert also says "warning"); ``all_clear`` never counts.
Each stream is judged at L in one of three ways:

* ``must``: the stream should reach L (a simulated scenario whose expected level is L
  or above). The first alert at L at or after the *onset* (the first weak signal,
  else the tipping point) is the detection; its lead time is ``tipping - at`` and
  ``press - at`` in hours (positive: before). No such alert is a miss. Alerts at L
  before the onset are false alarms; the benign exposure is ``[start, onset)``.
* ``must_not``: an alert at L is wrong anywhere in the stream (a benign control, a
  level above the expected one, a crisis alert on a real news stream); every one is
  a false alarm and the whole stream is benign exposure.
* ``free``: not judged (a real news stream below crisis): the first alert's delay
  after the documented onset is reported, nothing is counted.

False alarms are alerts (each one a message someone receives), reported per 30
days of benign exposure summed over the suite.

>>> from datetime import UTC, datetime, timedelta
>>> t0 = datetime(2013, 11, 13, tzinfo=UTC)
>>> def h(x: float) -> datetime:
...     return t0 + timedelta(hours=x)
>>> exp = Expectation(stream="drill#1", kind="hijack", start=h(0), end=h(48), onset=h(20),
...                   tipping=h(21), press=h(23), expected="crisis")
>>> alerts = [alert("warning", h(2)), alert("warning", h(20.5)), alert("crisis", h(22))]
>>> s = score(exp, alerts)
>>> [(x.level, x.missed, x.lead_tipping_h, x.lead_press_h, x.false_alarms) for x in s.levels]
[('watch', False, 0.5, 2.5, 1), ('warning', False, 0.5, 2.5, 1), ('crisis', False, -1.0, 1.0, 0)]
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from foretold.post import format_time, parse_time

LEVELS: tuple[str, ...] = ("watch", "warning", "crisis")
_RANK = {"none": 0, "watch": 1, "warning": 2, "crisis": 3}
Judged = Literal["must", "must_not", "free"]
HOURS_PER_30_DAYS = 720.0


@dataclass(frozen=True)
class Expectation:
    """What one stream should raise, on its own clock.

    ``expected`` is the highest level the stream deserves (``none`` for a control);
    ``free_below`` marks a real news stream, where levels below it are not judged;
    ``excused`` = ``(from, to, level)``: alerts up to ``level`` in ``[from, to)`` are
    not false alarms (a brand's real disruption, where a warning is deserved).
    """

    stream: str
    kind: str
    start: datetime
    end: datetime
    onset: datetime | None
    tipping: datetime | None
    press: datetime | None
    expected: str
    free_below: str = "watch"
    excused: tuple[datetime, datetime, str] | None = None

    def judged(self, level: str) -> Judged:
        """How the stream is judged at ``level``.

        >>> from datetime import UTC, datetime
        >>> t = datetime(2015, 3, 24, tzinfo=UTC)
        >>> e = Expectation("pheme", "news", t, t, t, None, None, "none", free_below="crisis")
        >>> [e.judged(x) for x in LEVELS]
        ['free', 'free', 'must_not']
        """
        if _RANK[level] < _RANK[self.free_below]:
            return "free"
        return "must" if _RANK[level] <= _RANK[self.expected] else "must_not"

    @classmethod
    def from_truth(cls, truth: dict[str, Any], stream: str | None = None) -> Expectation:
        """The expectation a simulator truth file (``FILE.truth.json``) describes."""
        ph = truth["phases"]

        def at(key: str) -> datetime | None:
            value = ph.get(key)
            return None if value is None else parse_time(value)

        start = parse_time(truth["params"]["start"])
        return cls(
            stream=stream or f"{truth['scenario']}#{truth['seed']}",
            kind=truth["kind"],
            start=start,
            end=at("end") or start,
            onset=at("first_weak_signal") or at("tipping_point"),
            tipping=at("tipping_point"),
            press=at("press_pickup"),
            expected=truth["expected_level"],
        )


@dataclass
class LevelScore:
    """One stream at one level: the first alert, its lead times, a miss, false alarms."""

    level: str
    judged: Judged
    first_at: str | None = None
    lead_tipping_h: float | None = None
    lead_press_h: float | None = None
    after_onset_h: float | None = None
    missed: bool = False
    false_alarms: int = 0
    benign_h: float = 0.0
    alerts: int = 0


@dataclass
class StreamScore:
    """Every level's score of one detector on one stream."""

    stream: str
    kind: str
    levels: list[LevelScore] = field(default_factory=list)

    def at(self, level: str) -> LevelScore:
        """The score at ``level``."""
        return next(x for x in self.levels if x.level == level)


def _hours(a: datetime, b: datetime) -> float:
    return round((a - b).total_seconds() / 3600.0, 2)


def score(exp: Expectation, alerts: Iterable[dict[str, Any]]) -> StreamScore:
    """Score one detector's alerts on one stream (see the module docstring)."""
    timed = sorted(
        (parse_time(a["at"]), _RANK.get(a["level"], 0))
        for a in alerts
        if a.get("level") in _RANK and a["level"] != "none"
    )
    if exp.excused is not None:
        lo, hi, up_to = exp.excused
        timed = [(t, r) for t, r in timed if not (lo <= t < hi and r <= _RANK[up_to])]
    out = StreamScore(stream=exp.stream, kind=exp.kind)
    for level in LEVELS:
        judged = exp.judged(level)
        times = [t for t, rank in timed if rank >= _RANK[level]]
        s = LevelScore(level=level, judged=judged, alerts=len(times))
        onset = exp.onset or exp.start
        if judged == "must":
            s.benign_h = max(_hours(onset, exp.start), 0.0)
            s.false_alarms = sum(1 for t in times if t < onset)
            hits = [t for t in times if onset <= t <= exp.end]
            s.missed = not hits
            first = hits[0] if hits else None
        else:
            first = times[0] if times else None
            if judged == "must_not":
                s.benign_h = max(_hours(exp.end, exp.start), 0.0)
                s.false_alarms = len(times)
        if first is not None:
            s.first_at = format_time(first)
            s.lead_tipping_h = _hours(exp.tipping, first) if exp.tipping else None
            s.lead_press_h = _hours(exp.press, first) if exp.press else None
            s.after_onset_h = _hours(first, exp.onset) if exp.onset else None
        out.levels.append(s)
    return out


@dataclass
class LevelSummary:
    """One detector at one level over a suite."""

    level: str
    streams: int = 0
    must: int = 0
    detected: int = 0
    missed: int = 0
    median_lead_tipping_h: float | None = None
    median_lead_press_h: float | None = None
    false_alarms: int = 0
    benign_h: float = 0.0
    false_alarms_per_30d: float | None = None


def summarise(scores: Sequence[StreamScore]) -> list[LevelSummary]:
    """Per level: detections, misses, median lead times, false alarms per 30 benign days.

    >>> from datetime import UTC, datetime, timedelta
    >>> t0 = datetime(2022, 5, 1, tzinfo=UTC)
    >>> quiet = Expectation("quiet#1", "quiet", t0, t0 + timedelta(days=30), None, None, None,
    ...                     "none")
    >>> s = summarise([score(quiet, [alert("warning", t0 + timedelta(days=3))])])
    >>> [(x.level, x.false_alarms, x.false_alarms_per_30d) for x in s]
    [('watch', 1, 1.0), ('warning', 1, 1.0), ('crisis', 0, 0.0)]
    """
    out = []
    for level in LEVELS:
        rows = [s.at(level) for s in scores]
        must = [r for r in rows if r.judged == "must"]
        hits = [r for r in must if not r.missed]
        fa = sum(r.false_alarms for r in rows)
        benign = sum(r.benign_h for r in rows)
        out.append(
            LevelSummary(
                level=level,
                streams=len(rows),
                must=len(must),
                detected=len(hits),
                missed=len(must) - len(hits),
                median_lead_tipping_h=_median(r.lead_tipping_h for r in hits),
                median_lead_press_h=_median(r.lead_press_h for r in hits),
                false_alarms=fa,
                benign_h=round(benign, 2),
                false_alarms_per_30d=round(fa * HOURS_PER_30_DAYS / benign, 2) if benign else None,
            )
        )
    return out


def _median(values: Iterable[float | None]) -> float | None:
    xs = [v for v in values if v is not None]
    return round(statistics.median(xs), 2) if xs else None


def alert(level: str, at: datetime, campaign: str = "drill") -> dict[str, Any]:
    """A minimal alert for tests and examples (the fields scoring reads)."""
    return {"id": f"{campaign}-{format_time(at)}-{level}", "campaign": campaign,
            "level": level, "at": format_time(at)}  # fmt: skip
