"""What a detector with perfect labels could do on the simulator's variants streams.

    PYTHONPATH=src python docs/benchmark-runs/oracle/oracle.py --tune 1 2 3 --report 4 5 6 7 8

No classifier and no learned normal: every figure is read from the simulator's own
truth (each post's drawn class, its ``attack`` flag, its author's followers), so the
rules below are an upper bound for any detector that reads these figures through a
classifier. Per stream and minute:

- ``x``: the truly hostile posts of the last ``W`` minutes (``--count attack``: the
  attack's posts, whatever their class, i.e. a detector that knows which posts are
  the attack; ``--count fast`` or ``accurate``: the posts that tier's labels make
  hostile (``foretold.signals.is_hostile``), read from a benchmark label cache
  (``--labels-cache``), i.e. the oracle's normal and rules on the classifier's reading);
- ``e``: what the brand's normal expects over those minutes: the hour-of-day medians
  of the hourly counts of its benign time (before the first weak signal; the whole
  stream for a control) when that time spans two days or more, else its mean; never
  below half a post over that time;
- ``s``: the Poisson surprise ``-log10 P(X >= x | e)``;
- ``g``: ``x`` against the ``W`` minutes before (at least 1);
- ``h``: ``x`` against the mean ``W`` minutes of the three hours before (at least 1);
- ``amp``: the most followers of any author of such a post in the last hour.

Two oracles, each chosen on the ``--tune`` seeds and applied unchanged to ``--report``:

- **first alert**: ``s`` at or above the lowest threshold that starts at most 3 alert
  episodes per 30 benign days (the watch budget) over every stream's benign minutes
  (a new episode after 60 minutes below it);
- **crisis**: ``x >= k`` and ``g >= G`` and ``h >= H`` and ``amp >= A``, the grid's rule that never
  fires on a stream that deserves less than crisis (backlash, mockery and controls,
  every minute) nor in a hijack's benign time, with the lowest median delay after
  the tipping point over the hijacks.

``unrelated_bad_news`` is left out: its hostile posts are about someone else, and the
oracle is granted that it knows which posts are about the brand. Each hijack's row
also shows the earliest market rule's first alert and foretold's (both tiers), read
from benchmark JSON files given with ``--runs`` (globs).
"""

from __future__ import annotations

import argparse
import glob
import gzip
import json
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import poisson

from foretold.post import parse_time
from foretold.simulate.library import names, scenario
from foretold.simulate.stream import Stream, simulate
from foretold.simulate.truth import truth

HIJACKS = ("askbg", "askjpm", "mcdstories", "mynypd", "qantasluxury")
MARKETS = ("market_volume_12h", "market_24h_7d", "market_negative_vader")
WATCH_BUDGET = 3.0  # alert episodes per 30 benign days (issue 17's watch target)
GAP_MIN = 60  # minutes below the threshold before a new episode
KS = (5, 10, 15, 20, 30, 40, 50, 75, 100, 150, 200, 300, 400, 600, 1000)
GS = (1.0, 1.5, 2.0, 3.0, 5.0, 10.0)
HS = (1.0, 2.0, 3.0, 5.0, 10.0, 30.0)
AS = (0, 1_000, 10_000, 100_000, 1_000_000)
NEVER = 10**6


@dataclass
class Row:
    case: str
    kind: str
    expected: str
    onset: int | None
    tip: int | None
    x: np.ndarray
    e: np.ndarray
    s: np.ndarray
    g: np.ndarray
    h: np.ndarray
    amp: np.ndarray
    benign: np.ndarray


def window(a: np.ndarray, w: int) -> np.ndarray:
    """Sum of the last ``w`` entries at each index (fewer at the start)."""
    c = np.concatenate([[0.0], np.cumsum(a)])
    i = np.arange(len(a))
    return c[i + 1] - c[np.maximum(i + 1 - w, 0)]


def rolling_max(a: np.ndarray, w: int) -> np.ndarray:
    """Max of the last ``w`` entries at each index (fewer at the start; ``a`` >= 0)."""
    padded = np.concatenate([np.zeros(w - 1, a.dtype), a])
    return np.lib.stride_tricks.sliding_window_view(padded, w).max(axis=1)


class _CachedOnly:
    """The inner classifier of a :class:`LabelCache` that may only read: a text not in
    the cache is an error, not a classification."""

    def __init__(self, tier: str) -> None:
        self.tier = tier

    def classify(self, texts: list[str]) -> list[Any]:
        raise LookupError(f"{len(texts)} texts are not in the label cache")


class Labels:
    """Each simulated post's labels from a benchmark label cache (the benchmark's own
    :class:`~foretold.bench.labelcache.LabelCache`, read only), by the post's text;
    ``reading`` makes a post hostile (``is_hostile``; a caller may set another); with
    ``keep``, each stream's labels are kept for the next reading."""

    def __init__(
        self,
        folder: str,
        tier: str,
        data: str,
        keep: bool = False,
    ) -> None:
        from foretold.bench.labelcache import LabelCache
        from foretold.signals import is_hostile
        from foretold.simulate.text import TextPools

        self.cache = LabelCache(_CachedOnly(tier), folder)  # type: ignore[arg-type]
        self.pools = TextPools.load(data)
        self.reading: Callable[[dict[str, Any]], bool] = is_hostile
        self.keep = keep
        self._labels: dict[tuple[str, int], list[dict[str, Any]]] = {}

    def labels(self, st: Stream) -> list[dict[str, Any]]:
        """Every post's labels, in stream order."""
        from foretold.simulate.twarc import post_texts

        key = (st.scenario.name, st.seed)
        if key in self._labels:
            return self._labels[key]
        texts, _ = post_texts(st, self.pools)
        try:
            found = [x.to_dict() for x in self.cache.classify(texts)]
        except LookupError as exc:
            raise SystemExit(f"{st.scenario.name}~{st.seed}: {exc}") from exc
        if self.keep:
            self._labels[key] = found
        return found

    def hostile(self, st: Stream) -> np.ndarray:
        return np.array([self.reading(x) for x in self.labels(st)], bool)


def stream_row(
    name: str, seed: int, count: str, w: int, labels: Labels | None = None
) -> Row | None:
    try:
        st = simulate(scenario(name, np.random.default_rng([seed, 1])), seed)
    except Exception as exc:  # a cascade grown past the simulator's cap
        print(f"# {name}~{seed} left out: {exc}")
        return None
    tr = truth(st)
    if tr["kind"] == "unrelated":
        return None
    start = parse_time(tr["params"]["start"])

    def minute(key: str) -> int | None:
        v = tr["phases"].get(key)
        return None if v is None else int((parse_time(v) - start).total_seconds() // 60)

    n = int(np.ceil(st.scenario.hours * 60)) + 1
    m = (st.t // 60).astype(np.int64)
    if labels is not None:
        sel = labels.hostile(st)
    else:
        sel = st.attack if count == "attack" else st.cls == 0
    per_min = np.bincount(m[sel], minlength=n)[:n].astype(float)
    fol = st.population.followers[st.author[sel]].astype(float)
    amp_min = np.zeros(n)
    np.maximum.at(amp_min, m[sel][m[sel] < n], fol[m[sel] < n])
    onset = minute("first_weak_signal") or minute("tipping_point")
    learn = onset if onset is not None else n
    hours = learn // 60
    if hours >= 48:
        hourly = per_min[: hours * 60].reshape(hours, 60).sum(1)
        hod = (np.arange(hours) + start.hour) % 24
        prof = np.array([np.median(hourly[hod == h]) for h in range(24)])
        lam = prof[(np.arange(n) // 60 + start.hour) % 24] / 60.0
    else:
        lam = np.full(n, per_min[: max(learn, 1)].mean())
    lam = np.maximum(lam, 0.5 / max(learn, 60))
    x, e = window(per_min, w), window(lam, w)
    s = -np.log10(np.maximum(poisson.sf(x - 1, e), 1e-300))
    before = np.concatenate([np.zeros(w), x[:-w]])
    hours3 = np.concatenate([np.zeros(w), window(per_min, 180)[:-w]]) * w / 180
    benign = np.zeros(n, bool)
    benign[w:learn] = True
    return Row(
        case=f"{name}~{seed}", kind=tr["kind"], expected=tr["expected_level"], onset=onset,
        tip=minute("tipping_point"), x=x, e=e, s=s, g=x / np.maximum(before, 1.0), h=x / np.maximum(hours3, 1.0),
        amp=rolling_max(amp_min, 60), benign=benign,
    )  # fmt: skip


def episodes(r: Row, thr: float) -> int:
    k, last = 0, -(10**9)
    for i in np.flatnonzero(r.benign & (r.s >= thr)):
        if i - last > GAP_MIN:
            k += 1
        last = int(i)
    return k


def watch_threshold(rows: list[Row]) -> float:
    days30 = sum(int(r.benign.sum()) for r in rows) / 60 / 720
    cands = np.unique(np.concatenate([np.round(r.s[r.benign], 2) for r in rows]))[::-1]
    thr = float(cands[0]) + 0.01
    for c in cands:
        if sum(episodes(r, float(c)) for r in rows) / days30 > WATCH_BUDGET:
            break
        thr = float(c)
    return thr


def first_after_onset(r: Row, fire: np.ndarray) -> int:
    assert r.onset is not None and r.tip is not None
    i = np.flatnonzero(fire & (np.arange(len(fire)) >= r.onset))
    return int(i[0]) - r.tip if len(i) else NEVER


Rule = tuple[float, float, float, float]


def crisis_fire(r: Row, k: float, g: float, h: float, a: float) -> np.ndarray:
    return (r.x >= k) & (r.g >= g) & (r.h >= h) & (r.amp >= a) & (r.x > r.e)


def false_crisis(rows: list[Row], rule: Rule) -> list[str]:
    bad = []
    for r in rows:
        fire = crisis_fire(r, *rule)
        if (r.expected != "crisis" and fire.any()) or (
            r.expected == "crisis" and (fire & r.benign).any()
        ):
            bad.append(r.case)
    return bad


def crisis_rule(rows: list[Row]) -> tuple[Rule, list[int]]:
    """The grid's rule with no false crisis that misses the fewest hijacks, then has the
    lowest median and worst delay after tipping."""
    best: tuple[int, float, int, Rule, list[int]] | None = None
    hij = [r for r in rows if r.expected == "crisis"]
    for rule in product(KS, GS, HS, AS):
        if false_crisis(rows, rule):
            continue
        d = [first_after_onset(r, crisis_fire(r, *rule)) for r in hij]
        key = (sum(x >= NEVER for x in d), statistics.median(d), max(d), rule, d)
        if best is None or key[:3] < best[:3]:
            best = key
    assert best is not None
    return best[3], best[4]


def first_alerts(patterns: list[str]) -> dict[tuple[str, str, str], int]:
    got: dict[tuple[str, str, str], int] = {}
    for pat in patterns:
        for f in glob.glob(pat):
            d = json.load(gzip.open(f) if f.endswith(".gz") else open(f))
            for run in d["runs"]:
                if run["status"] != "ok":
                    continue
                for lv in run["score"]["levels"]:
                    if lv["lead_tipping_h"] is not None:
                        got[(run["case"], run["detector"], lv["level"])] = round(
                            -lv["lead_tipping_h"] * 60
                        )
    return got


def fmt(v: int | None) -> str:
    return "-" if v is None or v >= NEVER else f"{v:+d}"


WHAT = {
    "hostile": "truly hostile posts",
    "attack": "attack posts",
    "fast": "posts the fast tier reads hostile",
    "accurate": "posts the accurate tier reads hostile",
}


def table(rows: list[Row], thr: float, rule: Rule, runs: dict, count: str, w: int) -> list[dict]:
    out = []
    print(
        f"| hijack | {WHAT[count]} in {w} min at tipping, at +10 min (normal) | oracle first alert | earliest market | "
        "fast first | accurate first | oracle crisis | fast crisis | accurate crisis |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if r.expected != "crisis" or r.tip is None:
            continue
        t, t10 = r.tip, min(r.tip + 10, len(r.x) - 1)
        mk = [runs[(r.case, m, "watch")] for m in MARKETS if (r.case, m, "watch") in runs]
        row = dict(
            case=r.case, x_tip=int(r.x[t]), x_10=int(r.x[t10]), e=round(float(r.e[t]), 1),
            first=first_after_onset(r, r.s >= thr), market=min(mk) if mk else None,
            fast_first=runs.get((r.case, "foretold", "watch")), acc_first=runs.get((r.case, "foretold_accurate", "watch")),
            crisis=first_after_onset(r, crisis_fire(r, *rule)),
            fast_crisis=runs.get((r.case, "foretold", "crisis")), acc_crisis=runs.get((r.case, "foretold_accurate", "crisis")),
        )  # fmt: skip
        out.append(row)
        print(
            f"| {r.case} | {row['x_tip']}, {row['x_10']} ({row['e']}) | {fmt(row['first'])} | {fmt(row['market'])} | "
            f"{fmt(row['fast_first'])} | {fmt(row['acc_first'])} | {fmt(row['crisis'])} | {fmt(row['fast_crisis'])} | "
            f"{fmt(row['acc_crisis'])} |"
        )
    return out


def summary(out: list[dict]) -> None:
    def med(key: str) -> str:
        v = [o[key] for o in out if o[key] is not None and o[key] < NEVER]
        return f"{statistics.median(v):.0f} / {max(v):.0f} ({len(v)}/{len(out)})" if v else "-"

    for who, key in (("oracle", "crisis"), ("fast", "fast_crisis"), ("accurate", "acc_crisis")):
        print(f"- crisis after tipping, median / worst (caught), {who}: {med(key)}")
    for who, key in (("oracle", "first"), ("fast", "fast_first"), ("accurate", "acc_first")):
        ok = sum(
            1
            for o in out
            if o[key] is not None
            and o[key] < NEVER
            and (o["market"] is None or o[key] <= o["market"])
        )
        print(f"- first alert no later than the earliest market rule, {who}: {ok}/{len(out)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tune", type=int, nargs="+", required=True)
    ap.add_argument("--report", type=int, nargs="*", default=[])
    ap.add_argument("--count", choices=("hostile", "attack", "fast", "accurate"), default="hostile")
    ap.add_argument("--labels-cache", default="/work/s3/cache")
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--window", type=int, default=15)
    ap.add_argument("--runs", nargs="*", default=[])
    ap.add_argument("--json")
    a = ap.parse_args()
    runs = first_alerts(a.runs)
    labels = Labels(a.labels_cache, a.count, a.data) if a.count in ("fast", "accurate") else None

    def rows_of(seeds: list[int]) -> list[Row]:
        return [
            r
            for s in seeds
            for n in names()
            if (r := stream_row(n, s, a.count, a.window, labels)) is not None
        ]

    tune = rows_of(a.tune)
    thr = watch_threshold(tune)
    rule, _ = crisis_rule(tune)
    days = sum(int(r.benign.sum()) for r in tune) / 60 / 24
    print(
        f"## count {a.count}, window {a.window} min; chosen on seeds {a.tune} ({len(tune)} streams, {days:.0f} benign days)"
    )
    print(
        f"first-alert threshold: surprise >= {thr:.2f} (<= {WATCH_BUDGET:g} episodes per 30 benign days); "
        f"crisis rule: x >= {rule[0]}, >= {rule[1]}x the {a.window} min before, >= {rule[2]}x the 3 hours before, "
        f"an author of >= {rule[3]:,} followers in the hour"
    )
    print()
    result = {
        "count": a.count,
        "window": a.window,
        "tune": a.tune,
        "threshold": thr,
        "rule": rule,
        "tables": {},
    }
    for label, rows in (("tune", tune), ("report", rows_of(a.report) if a.report else [])):
        if not rows:
            continue
        seeds = a.tune if label == "tune" else a.report
        print(f"### seeds {seeds} ({'chosen on' if label == 'tune' else 'applied unchanged'})")
        bad = false_crisis(rows, rule)
        print(f"oracle crisis rule fires falsely on: {', '.join(bad) or 'none'}")
        print()
        out = table(rows, thr, rule, runs, a.count, a.window)
        print()
        summary(out)
        print()
        result["tables"][label] = {"seeds": seeds, "false_crisis": bad, "hijacks": out}
    if a.json:
        Path(a.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
