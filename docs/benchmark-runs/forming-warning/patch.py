"""Patch LevelDetector with a 'forming' warning variant (experiment harness)."""
import inspect, textwrap
from foretold.detect import levels
L = levels.LevelDetector
VARIANT = ["base"]

def forming(self):
    v = VARIANT[0]
    if v == "base":
        return False
    fc = self.forecast(0)
    if fc is None or not fc.growing:
        return False
    if v == "F3":
        return True
    if v != "F10" and self.true_share(15) < min(self.config.share_shifts):
        return False
    if v == "F1":
        return True
    if v in ("F4", "F6", "F7", "F10") and not self._hostile_now():
        return False
    if v in ("F5", "F6", "F7", "F9") and not self.real_anger():
        return False
    if v in ("F7", "F8", "F9", "F10"):
        step = self.signals.windows  # noqa
        end = self._last_end
        expected = sum(self.normal.expected(end - 1 - i) for i in range(15))
        if self.true_voices(15) - expected < 15 * self.config.min_excess:
            return False
    return True

def apply(variant):
    VARIANT[0] = variant
    src = textwrap.dedent(inspect.getsource(L._evaluate))
    new = src.replace("target = 2 if surge and turn else", "self._last_end = end\n    target = 2 if surge and (turn or self._forming()) else")
    assert new != src
    ns = dict(levels.__dict__)
    exec(new, ns)
    L._evaluate = ns["_evaluate"]
    L._forming = forming
