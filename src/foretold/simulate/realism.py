"""Does a simulated stream look real? Its statistics beside the figures in CASES.md.

:func:`stats` measures a stream (volume per hour, repost share, follower law of the
participants, negative share, early doubling time, branching ratio, timing);
:data:`REFERENCE` holds what CASES.md reports for each scenario's real story, and
:func:`render` prints both side by side (``foretold simulate NAME --report``).

>>> from foretold.simulate.library import scenario
>>> from foretold.simulate.stream import simulate
>>> st = stats(simulate(scenario("benign_qa"), seed=1))
>>> 0.2 < st["repost_share"] < 0.4, st["negative_share_storm"] < 0.1
(True, True)
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

import numpy as np

from foretold.simulate.hawkes import PowerLawKernel, branching_ratio, hill_tail_exponent
from foretold.simulate.scenario import CLASSES, NEGATIVE_CLASSES
from foretold.simulate.stream import REPOST, Stream

_NEG = np.array([c in NEGATIVE_CLASSES for c in (*CLASSES, "brand")])

#: What CASES.md reports, per scenario (text, as the sources give it).
REFERENCE: dict[str, dict[str, str]] = {
    "_all": {
        "followers_median": "85-300",
        "followers_ge_10k": "~2%",
        "followers_ge_100k": "~0.2%",
        "follower_tail_alpha": "~2.0",
        "branching_ratio": "0.95-1.1 in a storm",
        "reposts_within_1h": "about half",
        "on_topic_share": ">= 0.8 (target, issue 15)",
        "distinct_share": ">= 0.9 (target)",
        "max_template_share": "<= 0.01 (target)",
    },
    "askjpm": {
        "posts_peak_day": "18,700-27,700 (Nov 13)",
        "day2_over_day1": "~1/3",
        "negative_share_storm": ">= 2/3 (0.60-0.75 in storms)",
        "doubling_min": "10-30 (Q&A hijack)",
        "press_after_tipping_h": "~2 (16:00 -> 18:00 ET)",
        "response_after_tipping_h": "overnight (~5-12)",
        "posts_total": "~80,000 in all, ~45,000 in 48 h",
    },
    "mcdstories": {
        "peak_per_hour": "~1,600",
        "response_after_tipping_h": "< 2",
        "negative_share_storm": "0.68",
        "posts_total": "> 30,000 in all (days)",
    },
    "mynypd": {
        "peak_per_hour": "> 10,000 (16:00-17:00)",
        "press_after_launch_h": "2.73",
        "posts_total": "~150,000 in two days",
        "next_morning_per_hour": "3,400 and 2,800",
    },
    "askbg": {
        "peak_per_min": "~160 at 12:54, before the 13:00 Q&A",
        "posts_total": "~14,000-16,000 (11,466 by 15:18)",
    },
    "qantasluxury": {
        "per_min_2h_in": "dozens",
        "posts_total": "> 22,000 by late afternoon",
    },
    "waitrose": {"negative_share_storm": "mockery: mostly ironic, some genuine"},
    "benign_qa": {"negative_share_storm": "low (warm reception)", "repost_share": "~0.37"},
    "viral_positive": {"reposts_of_top_post_30min": "9,291", "negative_share_storm": "low"},
    "unrelated_bad_news": {"negative_share_storm": "0.69 (United: 69 %)"},
    "slow_burn": {"peak_after_launch_days": "~28 (Peloton)"},
    "spam_burst": {"near_duplicates": "bots repeating one text"},
    "quiet_month": {"peak_over_baseline": "~1-3 (no event)"},
}


def stats(stream: Stream) -> dict[str, float]:
    """The realism figures of ``stream`` (NaN where a figure does not apply)."""
    s, sc, pop = stream, stream.scenario, stream.population
    nan = float("nan")
    n = len(s)
    hours = math.ceil(sc.hours)
    per_hour = np.bincount((s.t // 3600).astype(np.int64), minlength=hours)
    per_min = np.bincount((s.t // 60).astype(np.int64))
    authors = np.unique(s.author)
    fol = pop.followers[authors]
    tip = sc.tipping_h
    storm = s.t >= tip * 3600.0 if tip is not None else np.ones(n, np.bool_)
    cls = s.cls.astype(np.int64)
    before = per_hour[: int(tip)] if tip is not None and tip >= 24 else per_hour[:24]
    base = float(np.median(before[-24 * 7 :])) if len(before) else nan
    reposts = s.kind == REPOST
    delays = s.t[reposts] - s.t[s.target[reposts]]
    days = np.bincount(((s.t + _offset_s(stream)) // 86400).astype(np.int64))
    peak_day = int(np.argmax(days)) if len(days) else 0
    kernel = PowerLawKernel(
        sc.dynamics.kernel_c_min, sc.dynamics.kernel_theta, sc.dynamics.kernel_max_h
    )
    out = {
        "posts_total": float(n),
        "posts_peak_day": float(days[peak_day]) if len(days) else nan,
        "day2_over_day1": float(days[peak_day + 1] / days[peak_day])
        if peak_day + 1 < len(days)
        else nan,
        "peak_per_hour": float(per_hour.max()) if n else nan,
        "peak_per_min": float(per_min.max()) if n else nan,
        "baseline_per_hour": base,
        "peak_over_baseline": float(per_hour.max() / max(base, 1.0)) if n else nan,
        "repost_share": float(reposts.mean()) if n else nan,
        "reposts_within_1h": float((delays < 3600).mean()) if len(delays) else nan,
        "authors": float(len(authors)),
        "posts_per_author": n / max(len(authors), 1),
        "followers_median": float(np.median(fol)),
        "followers_ge_10k": float((fol >= 10_000).mean()),
        "followers_ge_100k": float((fol >= 100_000).mean()),
        "follower_tail_alpha": hill_tail_exponent(fol, 1_000.0),
        "negative_share_storm": float(_NEG[cls[storm]].mean()) if storm.any() else nan,
        "attack_share": float(s.attack.mean()) if n else nan,
        "branching_ratio": branching_ratio(s.parent, s.t, sc.hours * 3600.0, kernel),
        "branching_ratio_storm": _storm_branching(stream, kernel),
        "doubling_min": doubling_minutes(stream),
    }
    out.update(_timing(stream))
    return out


def on_topic_terms(stream: Stream) -> list[str]:
    """The words that put a post on topic: the brand's names and handles, its products,
    the planted grievances."""
    sc, c = stream.scenario, stream.scenario.campaign
    v = sc.voice
    terms = [c.owner, *c.handles, c.owner_name, v.brand, *c.keywords, *v.products]
    terms += v.grievance_words()
    return sorted({t.lower() for t in terms if t}, key=len, reverse=True)


def text_figures(stream: Stream, texts: list[str], skeletons: dict[int, int]) -> dict[str, float]:
    """What the posts say, measured on their texts (:func:`~foretold.simulate.twarc.post_texts`).

    ``on_topic_share``: posts in their authors' own words (originals, replies, quotes)
    whose text, with the campaign's hashtags taken out, names the brand (its name, a
    keyword or a handle, a reply's leading handle included), a product or a planted
    grievance. ``distinct_share``: distinct
    texts among the original posts (``attack_distinct_share``: among the attack's).
    ``max_template_share``: the largest share of the hijack grammar's posts that one
    skeleton wrote.
    """
    s, sc = stream, stream.scenario
    terms = on_topic_terms(stream)
    tags = re.compile(
        "|".join(re.escape(t) for t in sc.campaign.hashtags) or r"(?!x)x", re.IGNORECASE
    )
    own = np.flatnonzero(s.kind != REPOST)
    hits = 0
    for i in own.tolist():
        body = tags.sub(" ", texts[i]).lower()
        hits += any(t in body for t in terms)
    orig = np.flatnonzero(s.kind == 0).tolist()
    att = [i for i in orig if s.attack[i]]
    made = Counter(k for i, k in skeletons.items() if s.kind[i] == 0)
    nan = float("nan")
    return {
        "on_topic_share": hits / len(own) if len(own) else nan,
        "distinct_share": len({texts[i] for i in orig}) / len(orig) if orig else nan,
        "attack_distinct_share": len({texts[i] for i in att}) / len(att) if att else nan,
        "max_template_share": max(made.values()) / sum(made.values()) if made else nan,
    }


def doubling_minutes(stream: Stream) -> float:
    """Early doubling time of the attack's volume, in minutes: a log-linear fit over
    10-minute bins while the volume climbs from 1/64 to 1/4 of its peak bin."""
    s, sc = stream, stream.scenario
    if sc.tipping_h is None or not s.attack.any():
        return float("nan")
    t = s.t[s.attack & (s.t >= (sc.tipping_h - 2) * 3600.0)]
    bins = np.bincount(((t - t.min()) // 600).astype(np.int64)).astype(np.float64)
    top = int(np.argmax(bins))
    rise = bins[: top + 1]
    first = int(np.argmax(rise >= bins[top] / 64.0))
    last = int(np.argmax(rise >= bins[top] / 4.0))
    if last - first < 2:
        return float("nan")
    y = np.log2(bins[first : last + 1] + 1.0)
    slope = float(np.polyfit(np.arange(len(y)), y, 1)[0])
    return 10.0 / slope if slope > 0 else float("nan")


def _storm_branching(stream: Stream, kernel: PowerLawKernel) -> float:
    """The branching ratio of attack posts from the tipping point to the peak."""
    from foretold.simulate.truth import peak_time

    s, sc = stream, stream.scenario
    peak = peak_time(stream)
    if not s.attack.any() or sc.tipping_h is None or peak is None:
        return float("nan")
    idx = np.flatnonzero(s.attack & (s.t >= sc.tipping_h * 3600.0) & (s.t <= peak))
    children = float(np.isin(s.parent, idx).sum())
    exposure = float(kernel.cdf_array(sc.hours * 3600.0 - s.t[idx]).sum())
    return children / exposure if exposure else float("nan")


def _timing(stream: Stream) -> dict[str, float]:
    from foretold.simulate.truth import truth  # the phases, computed once, in one place

    ph = truth(stream)["phases"]
    from foretold.post import parse_time

    def hours_between(a: str | None, b: str | None) -> float:
        if a is None or b is None:
            return float("nan")
        return (parse_time(b) - parse_time(a)).total_seconds() / 3600.0

    return {
        "press_after_launch_h": hours_between(ph["launch"], ph["press_pickup"]),
        "press_after_tipping_h": hours_between(ph["tipping_point"], ph["press_pickup"]),
        "response_after_tipping_h": hours_between(ph["tipping_point"], ph["brand_response"]),
        "peak_after_launch_days": hours_between(ph["launch"], ph["peak"]) / 24.0,
    }


def _offset_s(stream: Stream) -> float:
    """Seconds from local midnight to the stream's start: days are the story's local days."""
    st = stream.scenario.start
    local = st.hour * 3600 + st.minute * 60 + st.second + stream.scenario.utc_offset_h * 3600
    return float(local % 86400)


def render(stream: Stream, st: dict[str, float] | None = None) -> str:
    """A table of the stream's figures beside CASES.md's, plus the hourly volume."""
    st = st if st is not None else stats(stream)
    ref = {**REFERENCE["_all"], **REFERENCE.get(stream.scenario.name, {})}
    lines = [f"{stream.scenario.name} (seed {stream.seed}): {stream.scenario.title}"]
    lines.append(f"  {'figure':<26}{'simulated':>14}   CASES.md")
    for key, value in st.items():
        shown = _fmt(value)
        lines.append(f"  {key:<26}{shown:>14}   {ref.get(key, '')}")
    lines.append("  posts per hour: " + sparkline(stream))
    return "\n".join(lines)


def sparkline(stream: Stream, width: int = 72) -> str:
    """Hourly volume as a one-line chart (max per column over ``width`` columns)."""
    hours = max(math.ceil(stream.scenario.hours), 1)
    per_hour = np.bincount((stream.t // 3600).astype(np.int64), minlength=hours)[:hours]
    cols = np.array_split(per_hour, min(width, hours))
    top = max(int(per_hour.max()), 1)
    bars = " ▁▂▃▄▅▆▇█"
    return "".join(bars[min(8, math.ceil(8 * c.max() / top))] for c in cols) + f"  max {top}/h"


def _fmt(value: Any) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"
