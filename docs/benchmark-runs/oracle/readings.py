"""The oracle's first alert on other hostile readings of one tier's labels (tuning seeds only).

    PYTHONPATH=src python docs/benchmark-runs/oracle/readings.py accurate 1,2,3 [LABELS_CACHE] [DATA]
"""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle
from foretold.signals import is_hostile
from foretold.simulate.library import names
tier = sys.argv[1]; seeds = [int(s) for s in sys.argv[2].split(",")]
READ = {
    "current": is_hostile,
    "off_hate": lambda d: bool({"offensive", "hateful"} & set(d.get("flags") or ())),
    "anger_neg": lambda d: d.get("emotion") == "anger" and d.get("sentiment") == "negative",
    "negative": lambda d: d.get("sentiment") == "negative",
    "neg_not_ironic": lambda d: d.get("sentiment") == "negative" and "ironic" not in (d.get("flags") or ()),
    "strict": lambda d: ("offensive" in (d.get("flags") or ()) and d["scores"]["negative"] > 0.5) or (d.get("emotion") == "anger" and d["scores"]["negative"] > 0.6),
}
cache_dir = sys.argv[3] if len(sys.argv) > 3 else "/work/s3/cache"
data = sys.argv[4] if len(sys.argv) > 4 else "../shared/data"
lab = oracle.Labels(cache_dir, tier, data, keep=True)
runs = oracle.first_alerts(["docs/benchmark-runs/markets-[1-8]-*.json.gz"])
for name, fn in READ.items():
    lab.reading = fn  # the labels are read from the cache once, then kept per stream
    rows = [r for s in seeds for n in names() if (r := oracle.stream_row(n, s, "x", 15, lab)) is not None]
    thr = oracle.watch_threshold(rows)
    ok = 0; tot = 0; miss = []
    for r in rows:
        if r.expected != "crisis": continue
        tot += 1
        f = oracle.first_after_onset(r, r.s >= thr)
        mk = [runs[(r.case, m, "watch")] for m in oracle.MARKETS if (r.case, m, "watch") in runs]
        if f < oracle.NEVER and (not mk or f <= min(mk)): ok += 1
        else: miss.append(r.case)
    print(f"{tier} {name:16s} threshold {thr:5.2f} first<=market {ok}/{tot} misses {miss}", flush=True)
