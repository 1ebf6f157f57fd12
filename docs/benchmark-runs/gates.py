"""Per-minute crisis-gate states around each hijack's tipping point (h17c diagnosis).

usage: gates.py SEED [SCENARIO ...]
"""
import sys
import tempfile
from datetime import UTC, datetime, timedelta

from foretold.bench.detectors import detector
from foretold.bench.runner import run_case
from foretold.bench.suite import cases, suite
from foretold.clock import SystemClock
from foretold.detect import levels
from foretold.signals import HOSTILE, HOSTILE_REPOSTS, HOSTILE_AMPLIFIERS, NEWS

rows: list[dict] = []
orig = levels.LevelDetector._evaluate


def ev(self, end, out, now):
    n0 = len(out.alerts)
    orig(self, end, out, now)
    c, sig = self.config, self.signals
    x15 = sig.sum(15, HOSTILE) + sig.sum(15, HOSTILE_REPOSTS)
    f = c.accel_floor
    accel = (x15 / 15 + f) / (self.lately.rate + f)
    s60 = sig.windows.sums(60)
    fc = self.forecast(0)
    rows.append(dict(
        t=datetime.fromtimestamp(end * self._step_us / 1e6, UTC),
        surge=self.surge.alarm, turn=self.turn.alarm and self._hostile_now(),
        x15=x15, exp15=sum(self.normal.expected(end - 1 - i) for i in range(15)),
        accel=accel, amp=s60[HOSTILE_AMPLIFIERS], news=s60[NEWS],
        growing=bool(fc is not None and fc.growing), lately=self.lately.rate,
        alerts=[a.level for a in out.alerts[n0:]]))


levels.LevelDetector._evaluate = ev
seed = int(sys.argv[1])
only = set(sys.argv[2:])
build = detector("foretold").prepare(__import__("pathlib").Path("/work/labels-cache"))
with tempfile.TemporaryDirectory() as wd:
    for case in cases(suite("variants"), seed, "/work/shared/data", wd, first=seed):
        e = case.expectation
        base = case.name.split("~")[0]
        if (only and base not in only) or (not only and e.tipping is None):
            continue
        rows.clear()
        alerts, _ = run_case(case, build, SystemClock())
        tp = e.tipping
        print(f"=== {case.name} kind={e.kind} onset={e.onset} tipping={tp} press={e.press}")
        for a in alerts:
            print("   alert", a.get("level"), a.get("at"))
        if tp is None:
            continue
        first = {}
        for r in rows:
            if r["t"] < tp - timedelta(minutes=60):
                continue
            g = dict(surge=r["surge"], min30=r["x15"] >= 30, accel2=r["accel"] >= 2.0,
                     spread=r["amp"] + r["news"] > 0, growing=r["growing"])
            for k, v in g.items():
                if v and k not in first:
                    first[k] = r["t"]
            if tp - timedelta(minutes=20) <= r["t"] <= tp + timedelta(minutes=180) and (
                (r["t"] - tp).total_seconds() // 60 % 5 == 0 or r["alerts"]):
                m = int((r["t"] - tp).total_seconds() // 60)
                print(f"  {m:+4d} surge={int(r['surge'])} turn={int(r['turn'])} x15={r['x15']:5.0f} "
                      f"exp15={r['exp15']:5.1f} accel={r['accel']:5.2f} lately={r['lately']:5.2f} "
                      f"amp={r['amp']:.0f} news={r['news']:.0f} grow={int(r['growing'])} {r['alerts']}")
        for i, r in enumerate(rows):
            if "crisis" in r["alerts"] and not (tp - timedelta(minutes=20) <= r["t"] <= tp + timedelta(minutes=180)):
                print(f"  crisis at {r['t']:%m-%d %H:%M}, the 20 minutes before it every 5:")
                for q in rows[max(0, i - 20):i + 1:5]:
                    print(f"    {q['t']:%H:%M} surge={int(q['surge'])} turn={int(q['turn'])} x15={q['x15']:5.0f} "
                          f"exp15={q['exp15']:5.1f} accel={q['accel']:5.2f} lately={q['lately']:5.2f} "
                          f"amp={q['amp']:.0f} news={q['news']:.0f} grow={int(q['growing'])} {q['alerts']}")
        print("  first true (min vs tipping, from tipping-60):",
              {k: int((v - tp).total_seconds() // 60) for k, v in first.items()})
