"""Dump per-minute detector features on tuning cases (seeds 1-3 variants, real streams)."""
import pickle, sys, tempfile, time
from datetime import UTC, datetime
from pathlib import Path
from foretold.bench.detectors import detector
from foretold.bench.runner import run_case
from foretold.bench.suite import cases, suite
from foretold.clock import SystemClock
from foretold.detect import levels
from foretold.signals import NEWCOMERS, META, POSTS, HOSTILE, HOSTILE_REPOSTS, HOSTILE_AMPLIFIERS, NEWS, LABELLED, MOCKING, ADDRESSED

rows = []
orig = levels.LevelDetector._evaluate
def ev(self, end, out, now):
    n0 = len(out.alerts)
    orig(self, end, out, now)
    sig = self.signals
    s15 = sig.windows.sums(15); s60 = sig.windows.sums(60); s1 = sig.windows.sums(1)
    fc = self.forecast(0)
    step = end - 1
    rows.append((end, self.policy.level, self.surge.alarm, self.turn.alarm and self._hostile_now(),
        s1[HOSTILE] + s1[HOSTILE_REPOSTS], s15[HOSTILE], s15[HOSTILE_REPOSTS], s15[LABELLED], s15[MOCKING], s15[ADDRESSED],
        sum(self.normal.expected(step - i) for i in range(15)), self.normal.dispersion, self.lately.rate,
        s60[HOSTILE_AMPLIFIERS], s60[NEWS], s60[HOSTILE], s60[HOSTILE_REPOSTS],
        None if fc is None else (fc.rate_per_min, fc.rate_se, fc.next_total, fc.low, fc.high, fc.last),
        self.surge.statistic, self.turn.statistic, self.share.share,
        tuple(a.level for a in out.alerts[n0:]), self._ceiling(),
        levels.coordination_ceiling(self.coordination.summary(15), 3, self.coordination.config) if self.surge.alarm else 3,
        s15[NEWCOMERS], s15[META], s15[POSTS], s60[NEWCOMERS], s60[META], s60[MOCKING], s60[LABELLED]))
levels.LevelDetector._evaluate = ev

which = sys.argv[1]  # "variants:SEED" or "real"
tier = sys.argv[2] if len(sys.argv) > 2 else "foretold"
out = {}
build = detector(tier).prepare(Path("/work/labels-cache"))
with tempfile.TemporaryDirectory() as wd:
    if which == "real":
        cs = cases(suite("real"), 1, "/work/shared/data", wd)
    else:
        s = int(which.split(":")[1])
        cs = cases(suite("variants"), s, "/work/shared/data", wd, first=s)
    for case in cs:
        t0 = time.time(); rows.clear()
        alerts, _ = run_case(case, build, SystemClock())
        out[case.name] = dict(exp=case.expectation, alerts=alerts, rows=list(rows))
        print(case.name, len(rows), f"{time.time()-t0:.0f}s", flush=True)
pickle.dump(out, open(f"/work/tune/{which.replace(':','')}-{tier}.pkl", "wb"))
