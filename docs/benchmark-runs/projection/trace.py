"""trace.py SEED NAME...: crisis decisions through the projection path."""
import sys, tempfile
from pathlib import Path
from datetime import UTC, datetime
sys.argv, rest = sys.argv[:1], sys.argv[1:]
seed = int(rest[0]); names = set(rest[1:])
from foretold.bench.detectors import detector
from foretold.bench.runner import run_case
from foretold.bench.suite import cases, suite
from foretold.clock import SystemClock
from foretold.detect import levels
log = []
def storm(self, x):
    c = self.config
    tv = self.true_voices(15)
    need = c.crisis_min_hostile
    via = "now"
    fc = self.forecast(0)
    if tv < need:
        if fc is None or not fc.growing:
            return False
        v15 = self.voices(15)
        frac = tv / v15 if v15 > 0 else 0.0
        if fc.next_total * frac < need * c.horizon_steps / 15:
            return False
        via = "proj"
    if self.true_share(15) < min(c.share_shifts):
        return False
    x15 = self.voices(15)
    floor = c.accel_floor
    if (x15 / 15 + floor) / (self.lately.rate + floor) < c.crisis_accel:
        return False
    if not self.spreading():
        return False
    if not (fc is not None and fc.growing):
        return False
    t = datetime.fromtimestamp(self.signals.last_us / 1e6, UTC)
    log.append(f"{t:%m-%d %H:%M} via {via} tv {tv:.1f} v15 {self.voices(15):.0f} next {fc.next_total:.0f} ({fc.low:.0f}-{fc.high:.0f}) dbl {fc.doubling_min} b {fc.rate_per_min:.3f}±{fc.rate_se:.3f} last {fc.last:.2f} level {self.policy.level}")
    return True
levels.LevelDetector._storm_now = storm
build = detector("foretold").prepare(Path("/work/s3/cache"))
with tempfile.TemporaryDirectory() as wd:
    for case in cases(suite("variants"), seed, "/work/shared/data", wd, first=seed):
        if case.name.split("~")[0] not in names: continue
        log.clear()
        alerts, _ = run_case(case, build, SystemClock())
        print("==", case.name, "tipping", case.expectation.tipping, "onset", case.expectation.onset)
        seen = set()
        for l in log:
            if l[:11] in seen: continue
            seen.add(l[:11]); print(" ", l)
        for a in alerts:
            if a.get("level") == "crisis" if isinstance(a, dict) else getattr(a, "level", "") == "crisis":
                print("  ALERT", a.get("at") if isinstance(a, dict) else a.at)
