"""Benchmark with a candidate crisis rule patched in: python run3.py VARIANT -- benchmark args...
VARIANT: base | proj  (proj: the true-voice floor may also be met by the forecast's
projection of the next hour times the true hostile fraction, with the escalation gate)"""
import sys
from collections import deque
from foretold.detect import levels
variant = sys.argv[1]
args = sys.argv[3:]

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
        proj = fc.low if variant == "projlow" else fc.next_total
        if proj * frac < need * c.horizon_steps / 15:
            return False
    if self.true_share(15) < min(c.share_shifts):
        return False
    x15 = self.voices(15)
    floor = c.accel_floor
    if (x15 / 15 + floor) / (self.lately.rate + floor) < c.crisis_accel:
        return False
    if not self.spreading():
        return False
    if not self.escalating():
        return False
    fc = self.forecast(0)
    return fc is not None and fc.growing

WEEK = 7 * 1440

def remember(self, end):
    """As _remember_episode, and the largest 15-minute count of each earlier episode
    that ended in the last week is kept too."""
    if self._episode is None:
        self._episode = deque()
    past = self.__dict__.setdefault("_past", deque())
    if not self.policy.in_episode:
        if self.__dict__.get("_ep_max", 0.0) > 0:
            past.append((end, self._ep_max))
            self._ep_max = 0.0
        self._episode.clear()
        self._episode_peak = 0.0
        return
    v = self.voices(15)
    self._ep_max = max(self.__dict__.get("_ep_max", 0.0), v)
    self._episode.append((end, v))
    while self._episode and self._episode[0][0] <= end - self.config.hold_steps:
        self._episode_peak = max(self._episode_peak, self._episode.popleft()[1])
    while past and past[0][0] <= end - WEEK:
        past.popleft()

def escalating(self):
    past = self.__dict__.get("_past") or ()
    ref = max([self._episode_peak] + [v for _, v in past])
    return self.voices(15) >= self.config.crisis_accel * ref

if variant in ("proj", "hist", "projlow"):
    levels.LevelDetector._storm_now = storm
if variant in ("hist", "histonly"):
    levels.LevelDetector._remember_episode = remember
    levels.LevelDetector.escalating = escalating
from foretold.cli import main
sys.argv = ["foretold"] + args
main()
