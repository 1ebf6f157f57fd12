"""The benchmark's table: text for the terminal, JSON, and the ``docs/benchmark.md`` page.

Three views of one :class:`~foretold.bench.runner.Result`: :func:`to_json` (every
score, every case, the realism figures), :func:`text` (the side-by-side summary the
command prints) and :func:`markdown` (the committed page; no timings, so it only
changes when the results do).

>>> from foretold.bench.runner import Result
>>> print(text(Result(detectors=["market_volume_12h"])).splitlines()[0])
foretold benchmark: 0 simulated streams, 0 real streams
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

from foretold.bench.case import FIGURES
from foretold.bench.detectors import REGISTRY
from foretold.bench.runner import CaseInfo, DetectorRun, Result
from foretold.bench.scoring import HOURS_PER_30_DAYS, LevelSummary, summarise

JSON_VERSION = 1
_BARS = " ▁▂▃▄▅▆▇█"


def to_json(result: Result, **meta: Any) -> dict[str, Any]:
    """Everything the benchmark measured, as plain data (``meta``: suite, seeds, ...)."""
    return {
        "version": JSON_VERSION,
        **meta,
        "seconds": result.seconds,
        "detectors": [
            {"name": d, "description": REGISTRY[d].description, "levels": list(REGISTRY[d].levels),
             "status": f"not available: {result.unavailable[d]}" if d in result.unavailable
             else "ok"}
            for d in result.detectors
        ],
        "summary": {
            "simulated": {d: [dataclasses.asdict(s) for s in _summary(result, d, True)]
                          for d in result.detectors},
            "real": {d: _real_summary(result, d) for d in result.detectors},
        },
        "cases": [dataclasses.asdict(c) for c in result.cases],
        "runs": [dataclasses.asdict(r) for r in result.runs],
        "notes": result.notes,
    }  # fmt: skip


def _simulated(result: Result) -> set[str]:
    return {c.name for c in result.cases if c.source in ("simulated", "user")}


def _runs(result: Result, detector: str, names: set[str]) -> list[DetectorRun]:
    return [r for r in result.runs if r.detector == detector and r.case in names]


def _summary(result: Result, detector: str, simulated: bool) -> list[LevelSummary]:
    sim = _simulated(result)
    names = sim if simulated else {c.name for c in result.cases} - sim
    return summarise([r.score for r in _runs(result, detector, names) if r.score is not None])


def _real_summary(result: Result, detector: str) -> dict[str, Any]:
    names = {c.name for c in result.cases} - _simulated(result)
    runs = _runs(result, detector, names)
    scored = [r.score for r in runs if r.score is not None]
    crisis = summarise(scored)[2] if scored else LevelSummary("crisis")
    delays = [x for s in scored if (x := s.at("warning").after_onset_h) is not None]
    return {
        "streams": len(runs),
        "scored": len(scored),
        "not_applicable": sum(r.status.startswith("not applicable") for r in runs),
        "with_alerts": sum(1 for s in scored if s.at("watch").alerts),
        "alerts": sum(s.at("watch").alerts for s in scored),
        "crisis_false_alarms": crisis.false_alarms,
        "hours": crisis.benign_h,
        "crisis_false_alarms_per_30d": crisis.false_alarms_per_30d,
        "median_first_alert_after_onset_h": _median(delays),
        "onsets_with_alert": len(delays),
    }


def _median(xs: Sequence[float]) -> float | None:
    if not xs:
        return None
    s = sorted(xs)
    mid = len(s) // 2
    return round(s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2, 2)


def _h(x: float | None, signed: bool = True) -> str:
    if x is None:
        return "-"
    return f"{x:+.1f} h" if signed else f"{x:.1f} h"


def _n(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


def _never(detector: str, level: str) -> bool:
    return level not in REGISTRY[detector].levels and level != "watch"


def summary_rows(result: Result) -> list[list[str]]:
    """The simulated-suite summary, one row per detector and level."""
    rows = []
    for d in result.detectors:
        if d in result.unavailable:
            rows.append([d, "all", f"not available: {result.unavailable[d]}", *[""] * 5])
            continue
        for s in _summary(result, d, True):
            mark = " †" if _never(d, s.level) else ""
            rows.append([
                d if s.level == "watch" else "", s.level,
                f"{s.detected}/{s.must}{mark}", _h(s.median_lead_tipping_h),
                _h(s.median_lead_press_h), str(s.false_alarms), f"{s.benign_h:,.0f} h",
                _n(s.false_alarms_per_30d),
            ])  # fmt: skip
    return rows


SUMMARY_HEAD = ["detector", "level", "caught", "lead vs tipping (median)",
                "lead vs press (median)", "false alarms", "benign hours",
                "false alarms / 30 benign days"]  # fmt: skip
REAL_HEAD = ["detector", "streams run", "streams with alerts", "alerts",
             "crisis alerts (false)", "crisis false alarms / 30 days",
             "first alert vs onset (median)"]  # fmt: skip


def real_rows(result: Result) -> list[list[str]]:
    """The real-stream summary, one row per detector."""
    rows = []
    for d in result.detectors:
        r = _real_summary(result, d)
        if d in result.unavailable:
            rows.append([d, f"not available: {result.unavailable[d]}", *[""] * 5])
            continue
        na = f" ({r['not_applicable']} n/a: no text)" if r["not_applicable"] else ""
        rows.append([
            d, f"{r['scored']}{na}", str(r["with_alerts"]), str(r["alerts"]),
            str(r["crisis_false_alarms"]), _n(r["crisis_false_alarms_per_30d"]),
            _h(r["median_first_alert_after_onset_h"])
            + (f" ({r['onsets_with_alert']} with an onset)" if r["onsets_with_alert"] else ""),
        ])  # fmt: skip
    return rows


def cell(run: DetectorRun | None) -> str:
    """One detector on one stream: lead times (watch / warning / crisis) and false alarms."""
    if run is None:
        return ""
    if run.score is None:
        return run.status if len(run.status) < 40 else run.status[:37] + "..."
    s = run.score
    fa = "/".join(str(x.false_alarms) for x in s.levels)
    if all(x.judged == "free" or x.level == "crisis" for x in s.levels) and any(
        x.judged == "free" for x in s.levels
    ):
        first = s.at("watch")
        after = f"first alert at onset {_h(first.after_onset_h)}" if first.after_onset_h is not None \
            else ("alerts, no onset" if first.alerts else "no alert")  # fmt: skip
        return f"{after}; crisis FA {s.at('crisis').false_alarms}"
    leads = []
    for x in s.levels:
        if x.judged != "must":
            leads.append("·")
        else:
            leads.append("miss" if x.missed else _h(x.lead_tipping_h).replace(" h", ""))
    if all(x == "·" for x in leads):
        return f"FA {fa}"
    return " / ".join(leads) + (f"; FA {fa}" if fa != "0/0/0" else "")


def stream_rows(result: Result) -> list[list[str]]:
    """One row per stream, one cell per detector."""
    by = {(r.case, r.detector): r for r in result.runs}
    return [
        [c.name, c.kind, c.expected, *[cell(by.get((c.name, d))) for d in result.detectors]]
        for c in result.cases
    ]


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%" if x >= 0.01 or x == 0 else f"{100 * x:.1f}%"


def _fmt(key: str, x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if key in ("repost_share", "followers_ge_10k", "followers_ge_100k", "negative_share_storm"):
        return _pct(x)
    if key == "follower_tail_alpha":
        return f"{x:.2f}"
    return f"{x:,.0f}"


def realism_rows(cases: Sequence[CaseInfo]) -> list[list[str]]:
    """Each stream's figures; under a simulated one, its scenario's own CASES.md figures."""
    rows = []
    for c in cases:
        rows.append([c.name, *[_fmt(key, c.figures.get(key)) for key, _ in FIGURES]])
        own = [c.reference.get(key, "") if key not in _GENERAL else "" for key, _ in FIGURES]
        if c.source == "simulated" and any(own):
            rows.append(["  CASES.md", *own])
    return rows


_GENERAL = ("followers_median", "followers_ge_10k", "followers_ge_100k", "follower_tail_alpha")
REALISM_HEAD = ["stream", *[title for _, title in FIGURES]]
CASES_ROW = ["CASES.md, all storms", "", "~160 (#AskBG)", "~10,000 (#myNYPD)", "",
             "~37% (benign event)", "85-300", "~2%", "~0.2%", "~2.0", "60-75%"]  # fmt: skip
NEGATIVE_NOTE = (
    "Negative share: the simulator's truth classes from the tipping point (the whole "
    "stream without one) for simulated streams; VADER over the tracked posts for PHEME; "
    "none for the text-less CrisisLex curves."
)


def sparkline(hourly: Sequence[int], width: int = 72) -> str:
    """Posts per hour as one line (the max of each column), like ``simulate --report``.

    >>> sparkline([0, 1, 2, 8])
    ' ▁▂█  max 8/h'
    """
    if not hourly:
        return "(no posts)"
    n = len(hourly)
    cols = min(width, n)
    top = max(max(hourly), 1)
    out = []
    for i in range(cols):
        chunk = hourly[i * n // cols : (i + 1) * n // cols] or [0]
        out.append(_BARS[min(8, math.ceil(8 * max(chunk) / top))])
    return "".join(out) + f"  max {top}/h"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], markdown: bool) -> list[str]:
    if markdown:
        esc = [[c.replace("|", "\\|") for c in r] for r in rows]
        return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head),
                *["| " + " | ".join(r) + " |" for r in esc]]  # fmt: skip
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(head)]  # fmt: skip
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))
    return [line, "-" * len(line),
            *["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
              for r in rows]]  # fmt: skip


def _counts(result: Result) -> tuple[int, int]:
    sim = len(_simulated(result))
    return sim, len(result.cases) - sim


FOOTNOTES = [
    "Lead times are hours before the tipping point / press pickup (negative: after); "
    "medians over the streams caught.",
    "An alert counts at its level and every level below. Watch/warning/crisis cells: "
    "lead vs tipping at each level the stream must reach (· = must not reach it), then "
    "false alarms (FA) at watch/warning/crisis.",
    '† the market baselines only ever say "alert", scored as `warning`: they cannot '
    "reach `crisis`, and their `watch` is the same alert.",
    "False alarms: alerts at a level in stream time where that level is wrong (before "
    "the first weak signal of a hijack; anywhere in a control; a crisis alert on a "
    "real news stream), per 30 days of such time summed over the suite.",
]


def text(result: Result, suite: str = "", seeds: int = 1, first: int = 1) -> str:
    """The side-by-side table the command prints."""
    sim, real = _counts(result)
    yours = sum(c.source == "user" for c in result.cases)
    head = f"foretold benchmark: {sim} simulated streams, {real} real streams"
    if yours:  # --stream: the user's own stream, scored against its truth file
        head = f"foretold benchmark: {yours} stream of yours"
    if suite:
        head += f" (suite {suite}, seeds {first}..{seeds}, {result.seconds:.0f} s)"
    lines = [head, ""]
    if sim:
        title = "Your stream, against its truth file" if yours else "Simulated scenarios"
        lines += [title, *_table(SUMMARY_HEAD, summary_rows(result), False), ""]
    if real:
        lines += ["Real streams (not hijacks)", *_table(REAL_HEAD, real_rows(result), False), ""]
    if result.cases:
        lines += ["Per stream (lead vs tipping, h: watch / warning / crisis; FA)",
                  *_table(["stream", "kind", "expected", *result.detectors],
                          stream_rows(result), False), ""]  # fmt: skip
        lines += [
            "Realism (figures beside CASES.md)",
            *_table(REALISM_HEAD, [CASES_ROW, *realism_rows(result.cases)], False),
            NEGATIVE_NOTE,
            "",
            "Posts per hour",
            *[f"{c.name:<40} {sparkline(c.hourly)}" for c in result.cases],
            "",
        ]
    lines += [f"note: {n}" for n in result.notes]
    lines += [f"  {n}" for n in FOOTNOTES]
    return "\n".join(lines).rstrip() + "\n"


def markdown(result: Result, suite: str, seeds: int, command: str, first: int = 1) -> str:
    """``docs/benchmark.md``: the tables, how they were made, how to read them."""
    sim, real = _counts(result)
    out = [
        "# Detection benchmark",
        "",
        f"Generated by `{command}` (`make bench`); do not edit by hand. Suite `{suite}`, "
        f"seeds {first}..{seeds}: {sim} simulated streams and {real} real streams, each replayed "
        "through the real pipeline (reader, campaign tracking, the detector's stages) "
        "into a temporary store; the stored alerts are scored against the truth.",
        "",
        "## Detectors",
        "",
    ]
    for d in result.detectors:
        status = f" **not available: {result.unavailable[d]}**" if d in result.unavailable else ""
        levels = ", ".join(REGISTRY[d].levels)
        out.append(f"- `{d}`: {REGISTRY[d].description} (levels: {levels}){status}")
    out += ["", *[f"{n}" for n in FOOTNOTES[2:3]], ""]
    if sim:
        out += ["## Simulated scenarios", "",
                "Hijacks must be caught (at each level up to their expected one); controls "
                "(benign Q&A, viral praise, unrelated bad news, spam, a quiet month) must stay "
                "quiet.", "", *_table(SUMMARY_HEAD, summary_rows(result), True), ""]  # fmt: skip
    if real:
        out += ["## Real streams", "",
                "PHEME Germanwings (a brand's tragedy in the news: grief and rumours) and the "
                "CrisisLexT26 volume curves (timestamps only: text-based detectors do not "
                "apply). Not hijacks: a crisis alert is a false alarm; lower levels are not "
                "judged, and the first alert's time relative to the documented onset "
                "(negative: before it) is shown.", "",
                *_table(REAL_HEAD, real_rows(result), True), ""]  # fmt: skip
    if result.cases:
        out += ["## Per stream", "",
                "Lead vs tipping point in hours at watch / warning / crisis (`·`: the stream "
                "must not reach that level; `miss`: it should have), then false alarms at "
                "watch/warning/crisis. Real streams: the first alert's time relative to the onset.", "",
                *_table(["stream", "kind", "expected", *[f"`{d}`" for d in result.detectors]],
                        stream_rows(result), True), ""]  # fmt: skip
        out += ["## Do the streams look real?", "",
                "Each stream's figures beside CASES.md: the figures for all storms first, "
                "then under each simulated stream its own story's figures where CASES.md "
                "has them. " + NEGATIVE_NOTE, "",
                *_table(REALISM_HEAD, [CASES_ROW, *realism_rows(result.cases)], True), "",
                "Posts per hour:", "", "```",
                *[f"{c.name:<44} {sparkline(c.hourly)}" for c in result.cases], "```", ""]  # fmt: skip
    out += ["## How it is scored", "", *[f"- {n}" for n in FOOTNOTES]]
    out += [f"- Note: {n}" for n in result.notes]
    out += [f"- Per 30 days = {HOURS_PER_30_DAYS:.0f} hours. Details of every run, alert "
            "counts and the realism figures: the JSON (`--json`)."]  # fmt: skip
    return "\n".join(out) + "\n"
