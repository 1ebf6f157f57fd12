"""Benchmark with a candidate crisis gate: python run2.py VARIANT -- benchmark args...
peak: a crisis also needs the last 15 minutes' hostile voices at crisis_accel x the
largest 15-minute count of the same episode more than an hour before."""
import sys
from collections import deque
from foretold.detect import levels
variant = sys.argv[1]
args = sys.argv[3:]
orig_storm = levels.LevelDetector._storm_now
orig_eval = levels.LevelDetector._evaluate
state = {}

def ev(self, end, out, now):
    orig_eval(self, end, out, now)
    st = state.setdefault(id(self), {"hist": deque(), "peak": 0.0})
    if not self.policy.in_episode:
        st["hist"].clear(); st["peak"] = 0.0
        return
    st["hist"].append((end, self.voices(15)))
    while st["hist"] and st["hist"][0][0] <= end - 60:
        st["peak"] = max(st["peak"], st["hist"].popleft()[1])

def storm(self, x):
    if not orig_storm(self, x):
        return False
    st = state.get(id(self))
    if st is None or not self.policy.in_episode:
        return True
    return self.voices(15) >= self.config.crisis_accel * st["peak"]

if variant == "peak":
    levels.LevelDetector._evaluate = ev
    levels.LevelDetector._storm_now = storm
from foretold.cli import main
sys.argv = ["foretold"] + args
main()
