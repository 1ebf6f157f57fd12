"""Patch experiment variants (session 8).
H1: the hour-of-day profile learns only once the brand's normal has a whole day of data."""
import inspect, textwrap
from foretold.detect import seasonal
S = seasonal.SeasonalRate
VARIANT = ["base"]

def apply(variant):
    VARIANT[0] = variant
    if variant == "base":
        return
    src = textwrap.dedent(inspect.getsource(S.update))
    old = "self._hour_keep, weight * steps, STEPS_PER_HOUR)"
    assert old in src, src
    if variant == "H1":
        new = src.replace("mu = self.expected(step)\n", "mu = self.expected(step)\n    self._age = getattr(self, '_age', 0.0) + steps\n", 1)
        new = new.replace(old, "self._hour_keep, weight * steps if self._age >= STEPS_PER_DAY else 0.0, STEPS_PER_HOUR)")
    ns = dict(seasonal.__dict__)
    exec(new, ns)
    S.update = ns["update"]

# V1: a watch also on a surge of everything addressed to the campaign, while the last
# 15 minutes are not less hostile than usual (at 90 %)
from foretold.detect import levels
from foretold.detect.surprise import Bank, CountCusum
from foretold.detect.composition import wilson
L = levels.LevelDetector

def _vs(self):
    if getattr(self, "_vsurge", None) is None:
        c = self.config
        self._vsurge = Bank([CountCusum(r, c.threshold, excess=c.min_excess) for r in c.surge_ratios], c.threshold)
    return self._vsurge

def _share_ok(self):
    return wilson(*levels._voiced(self.signals.windows.sums(15)))[1] >= self.share.share

def apply_v(variant):
    src = textwrap.dedent(inspect.getsource(L._evaluate))
    a = "self.surge.update_count(x, mu, phi, step)\n"
    assert a in src
    new = src.replace(a, a + "        self._vs().update_count(a1, self.volume.expected(step), self.volume.dispersion, step)\n")
    old = "target = 2 if surge and (turn or forming) else 1 if surge else 0"
    assert old in new
    new = new.replace(old, "target = 2 if surge and (turn or forming) else 1 if (surge or (self._vs().alarm and self._share_ok())) else 0")
    ns = dict(levels.__dict__)
    exec(new, ns)
    L._evaluate = ns["_evaluate"]
    L._vs = _vs
    L._share_ok = _share_ok
    q = L._quiet
    def quiet(self, start, gap):
        self._vs().skip(self.volume.expected(start), gap, self.volume.dispersion)
        q(self, start, gap)
    L._quiet = quiet

_apply0 = apply
def apply(variant):
    if variant == "V1":
        return apply_v(variant)
    return _apply0(variant)

# S1: the normal learns at suspect_learning weight while the surge, too, is a quarter of
# the way to its threshold (as it already does for the turn)
def apply_s(variant):
    src = textwrap.dedent(inspect.getsource(L._evaluate))
    old = "weight = c.suspect_learning if self.turn.progress >= 0.25 else 1.0"
    assert old in src
    new = src.replace(old, "weight = c.suspect_learning if max(self.turn.progress, self.surge.progress) >= 0.25 else 1.0")
    ns = dict(levels.__dict__)
    exec(new, ns)
    L._evaluate = ns["_evaluate"]

_apply1 = apply
def apply(variant):
    if variant == "S1":
        return apply_s(variant)
    return _apply1(variant)

# G1: the surge counts only while the last 15 minutes' hostile share is not below the
# usual one at 90 % (everyone posting more, at a lower hostile share, is not more anger)
def apply_g(variant):
    src = textwrap.dedent(inspect.getsource(L._evaluate))
    old = "surge = self.surge.alarm\n"
    assert old in src
    new = src.replace(old, "surge = self.surge.alarm and self._share_ok()\n")
    ns = dict(levels.__dict__)
    exec(new, ns)
    L._evaluate = ns["_evaluate"]
    L._share_ok = _share_ok

_apply2 = apply
def apply(variant):
    if variant == "G1":
        return apply_g(variant)
    return _apply2(variant)
