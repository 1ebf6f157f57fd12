"""Per-minute surge trace between two UTC times: surge.py SEED NAME DETECTOR FROM TO (e.g. '21 22:30')"""
import sys, tempfile
from datetime import UTC, datetime
from pathlib import Path
from foretold.bench.detectors import detector
from foretold.bench.runner import run_case
from foretold.bench.suite import cases, suite
from foretold.clock import SystemClock
from foretold.detect import levels
import foretold.signals as S
rows = []
orig = levels.LevelDetector._evaluate
def ev(self, end, out, now):
    step = end - 1
    mu = self.normal.expected(step); phi = self.normal.dispersion; warm = self.normal.warm
    orig(self, end, out, now)
    t = datetime.fromtimestamp(end * self._step_us / 1e6, UTC).strftime('%d %H:%M')
    s1 = self.signals.windows.sums(1); k1, n1 = levels._voiced(s1)
    rows.append((t, self.policy.level, round(k1 + s1[S.HOSTILE_REPOSTS]), round(n1), round(s1[S.ADDRESSED]), round(mu, 2), round(phi, 2), warm,
                 [round(m.statistic, 1) for m in self.surge.members], round(self.surge.progress, 2), [a.level for a in out.alerts]))
levels.LevelDetector._evaluate = ev
seed, name, det, a, b = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
build = detector(det).prepare(Path('/work/s3/cache'))
with tempfile.TemporaryDirectory() as wd:
    for case in cases(suite("variants"), seed, "/work/shared/data", wd, first=seed):
        if case.name.split("~")[0] != name: continue
        rows.clear(); run_case(case, build, SystemClock())
        print("==", case.name, "tipping", case.expectation.tipping)
        print("time level x n addressed mu phi warm members progress alerts")
        for r in rows:
            if a <= r[0] <= b: print(*r)
