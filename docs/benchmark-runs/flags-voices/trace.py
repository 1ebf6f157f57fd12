"""Trace LevelDetector minutes for chosen cases: python trace.py SEED NAME[,NAME] [from_h to_h]"""
import sys, tempfile
from pathlib import Path
from foretold.bench.detectors import detector
from foretold.bench.runner import run_case
from foretold.bench.suite import cases, suite
from foretold.clock import SystemClock
from foretold.detect import levels
from foretold.signals import *
import foretold.signals as S
rows = []
orig = levels.LevelDetector._evaluate
def ev(self, end, out, now):
    n0 = len(out.alerts)
    orig(self, end, out, now)
    sig = self.signals
    s15 = sig.windows.sums(15); s60 = sig.windows.sums(60)
    fc = self.forecast(0)
    rows.append(dict(end=end, lvl=self.policy.level, surge=self.surge.alarm, turn=self.turn.alarm and self._hostile_now(),
        v15=self.voices(15), tv15=round(self.true_voices(15),1), lab15=s15[S.LABELLED], h15=s15[S.HOSTILE],
        exp15=round(self.expected_15,1), late=round(self.lately.rate,2), hamp=s60[S.HOSTILE_AMPLIFIERS], news=s60[S.NEWS],
        grow=None if fc is None else fc.growing, mock60=s60[S.MOCKING], host60=s60[S.HOSTILE], lab60=s60[S.LABELLED], share=round(self.share.share,3),
        ceil=self._ceiling(), al=tuple(a.level for a in out.alerts[n0:])))
levels.LevelDetector._evaluate = ev
seed = int(sys.argv[1]); names = sys.argv[2].split(",")
build = detector("foretold").prepare(Path(sys.argv[3]))
with tempfile.TemporaryDirectory() as wd:
    for case in cases(suite("variants"), seed, "/work/shared/data", wd, first=seed):
        if case.name.split("~")[0] not in names: continue
        rows.clear()
        alerts, _ = run_case(case, build, SystemClock())
        print("==", case.name, case.expectation if hasattr(case,'expectation') else '')
        idx = [i for i, r in enumerate(rows) if r['al']]
        show = set()
        for i in idx:
            show.update(range(max(0, i - 12), min(len(rows), i + 3)))
        for i in sorted(show):
            print(rows[i])
