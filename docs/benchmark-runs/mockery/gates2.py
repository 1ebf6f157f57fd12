 A trace.*"""Per-5-minute crisis gates (current code) for one stream: gates2.py SEED NAME DETECTOR"""
 A trace.*import sys, tempfile
 A trace.*from datetime import UTC, datetime
 A trace.*from pathlib import Path
 A trace.*from foretold.bench.detectors import detector
 A trace.*from foretold.bench.runner import run_case
 A trace.*from foretold.bench.suite import cases, suite
 A trace.*from foretold.clock import SystemClock
 A trace.*from foretold.detect import levels
 A trace.*rows = []
 A trace.*orig = levels.LevelDetector._evaluate
 A trace.*def ev(self, end, out, now):
 A trace.*    orig(self, end, out, now)
 A trace.*    if end % 5: return
 A trace.*    c = self.config
 A trace.*    k, n = levels._voiced(self.signals.windows.sums(15))
 A trace.*    x15 = self.voices(15); f = c.accel_floor
 A trace.*    fc = self.forecast(0)
 A trace.*    rows.append((datetime.fromtimestamp(end * self._step_us / 1e6, UTC).strftime('%d %H:%M'), self.policy.level,
 A trace.*        round(self.surge.progress, 2), round(k), round(n), round(self.true_voices(15), 1), round(self.true_share(15), 3),
 A trace.*        round((x15/15+f)/(self.lately.rate+f), 2), self.spreading(), self.escalating(), fc is not None and fc.growing))
 A trace.*levels.LevelDetector._evaluate = ev
 A trace.*seed, name, det = int(sys.argv[1]), sys.argv[2], sys.argv[3]
 A trace.*build = detector(det).prepare(Path('/work/s3/cache'))
 A trace.*with tempfile.TemporaryDirectory() as wd:
 A trace.*    for case in cases(suite("variants"), seed, "/work/shared/data", wd, first=seed):
 A trace.*        if case.name.split("~")[0] != name: continue
 A trace.*        rows.clear(); run_case(case, build, SystemClock())
 A trace.*        print("==", case.name, "tipping", case.expectation.tipping)
 A trace.*        print("time level surge k15 n15 truev trueshare accel spreading escal growing")
 A trace.*        for r in rows: print(*r)
