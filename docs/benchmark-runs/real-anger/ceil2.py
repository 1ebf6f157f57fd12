"""Per-10-minute mockery-ceiling trace (every alert too): ceil2.py SEED NAME DETECTOR; run from the repository root with PYTHONPATH=src.
Columns: 60-minute labelled, hostile, mocking, ironic posts; plain = hostile not flagged ironic; fprn = the hostile flag's FPR x labelled;
real_anger(); true_share(60); adjusted hostile and mocking counts (90 % intervals)."""
import sys, tempfile
from datetime import UTC, datetime
from pathlib import Path
from foretold.bench.detectors import detector
from foretold.bench.runner import run_case
from foretold.bench.suite import cases, suite
from foretold.clock import SystemClock
from foretold.detect import levels
from foretold.detect.composition import adjusted
import foretold.signals as S
rows = []
orig = levels.LevelDetector._evaluate
def ev(self, end, out, now):
    n0 = len(out.alerts)
    orig(self, end, out, now)
    if end % 10 and len(out.alerts) == n0: return
    s = self.signals.windows.sums(60)
    k, n = levels._voiced(s)
    if s[S.LABELLED] < 20 and len(out.alerts) == n0: return
    h = adjusted(round(s[S.HOSTILE]), round(s[S.LABELLED]), self.rates.hostile)
    m = adjusted(round(s[S.MOCKING]), round(s[S.LABELLED]), self.rates.mocking)
    rows.append((datetime.fromtimestamp(end * self._step_us / 1e6, UTC).strftime('%d %H:%M'), self.policy.level,
        round(s[S.LABELLED]), round(s[S.HOSTILE]), round(s[S.MOCKING]), round(s[S.IRONIC]), 'plain', round(s[S.HOSTILE]-s[S.HOSTILE_IRONIC]), 'fprn', round(self.rates.hostile.fpr*s[S.LABELLED],1), self.real_anger(), round(self.true_share(60), 3),
        f"H {h.count:.0f} [{h.low:.0f},{h.high:.0f}]", f"M {m.count:.0f} [{m.low:.0f},{m.high:.0f}]", [a.level for a in out.alerts[n0:]]))
levels.LevelDetector._evaluate = ev
seed, name, det = int(sys.argv[1]), sys.argv[2], sys.argv[3]
build = detector(det).prepare(Path('/work/s3/cache'))
with tempfile.TemporaryDirectory() as wd:
    for case in cases(suite("variants"), seed, "/work/shared/data", wd, first=seed):
        if case.name.split("~")[0] != name: continue
        rows.clear(); run_case(case, build, SystemClock())
        print("==", case.name, "tipping", case.expectation.tipping)
        print("rates", build.__dict__.get("rates", None))
        print("time level lab60 hos60 moc60 iro60 plainH trueshare60 adjH adjM alerts")
        for r in rows: print(*r)
