"""Benchmark with a candidate crisis rule patched in: python run.py VARIANT -- benchmark args...
VARIANT: base | proj | projlow"""
import sys
from foretold.detect import levels
variant = sys.argv[1]
args = sys.argv[3:]
orig = levels.LevelDetector._storm_now

def storm(self, x):
    c = self.config
    tv = self.true_voices(15)
    need = c.crisis_min_hostile
    if tv < need:
        fc = self.forecast(0)
        if fc is None or not fc.growing:
            return False
        v15 = self.voices(15)
        frac = tv / v15 if v15 > 0 else 0.0
        if fc.next_total * frac < need * c.horizon_steps / 15:
            return False
    if self.true_share(15) < min(c.share_shifts):
        return False
    x15 = self.voices(15)
    floor = c.accel_floor
    if (x15 / 15 + floor) / (self.lately.rate + floor) < c.crisis_accel:
        return False
    if not self.spreading():
        return False
    fc = self.forecast(0)
    return fc is not None and fc.growing

if variant == "proj":
    levels.LevelDetector._storm_now = storm
from foretold.cli import main
sys.argv = ["foretold"] + args
main()
