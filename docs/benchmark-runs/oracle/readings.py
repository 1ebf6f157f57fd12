"""The oracle's first alert on other hostile readings of one tier's labels (tuning seeds only).

    PYTHONPATH=src python docs/benchmark-runs/oracle/readings.py accurate 1,2,3 [LABELS_CACHE] [DATA]
"""
import os, sys, hashlib, orjson, numpy as np
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
lab = oracle.Labels(cache_dir, tier, data)
cache = {}
def labels_of(st):
    key = (st.scenario.name, st.seed)
    if key not in cache:
        from foretold.simulate.twarc import post_texts
        texts, _ = post_texts(st, lab.pools)
        keys = [hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=16).digest() for t in texts]
        found = {}
        d = list(dict.fromkeys(keys))
        for i in range(0, len(d), 500):
            part = d[i:i+500]
            found.update((k, orjson.loads(v)) for k, v in lab.db.execute(f"SELECT key, labels FROM labels WHERE key IN ({','.join('?'*len(part))})", part))
        cache[key] = [found[k] for k in keys]
    return cache[key]
runs = oracle.first_alerts(["docs/benchmark-runs/markets-[1-8]-*.json.gz"])
for name, fn in READ.items():
    class L:
        pools = lab.pools
        def hostile(self, st):
            return np.array([fn(x) for x in labels_of(st)], bool)
    rows = [r for s in seeds for n in names() if (r := oracle.stream_row(n, s, "x", 15, L())) is not None]
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
