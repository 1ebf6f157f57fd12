"""The detector variants of session 8 (2026-12-07), patched in memory: apply(NAME).

The variants as run, gathered into one table after the runs (each one rewrites lines
of ``LevelDetector._evaluate`` or ``SeasonalRate.update`` and re-executes the method):

- T1: the turn alone is a watch;
- H1: the hour-of-day profile learns only once the brand's normal has a day of data;
- V1: a watch also on a surge of everything addressed to the campaign, while the last
  15 minutes are not less hostile than usual at 90 %;
- S1: the normal learns at ``suspect_learning`` while the surge, too, is a quarter of the
  way to its threshold;
- G1: the surge counts only while the last 15 minutes are not less hostile than usual.
"""
import inspect
import textwrap

from foretold.detect import levels, seasonal
from foretold.detect.composition import wilson
from foretold.detect.surprise import Bank, CountCusum

L = levels.LevelDetector
S = seasonal.SeasonalRate
TARGET = "target = 2 if surge and (turn or forming) else 1 if surge else 0"


def _vs(self):
    """V1's surge bank on everything addressed, made on first use."""
    if getattr(self, "_vsurge", None) is None:
        c = self.config
        self._vsurge = Bank([CountCusum(r, c.threshold, excess=c.min_excess)
                             for r in c.surge_ratios], c.threshold)
    return self._vsurge


def _share_ok(self):
    """The last 15 minutes' hostile share not below the usual one at 90 %."""
    return wilson(*levels._voiced(self.signals.windows.sums(15)))[1] >= self.share.share


def _age(src):
    return src.replace("mu = self.expected(step)\n",
                       "mu = self.expected(step)\n    self._age = getattr(self, '_age', 0.0) + steps\n", 1)


VOLUME = "        self._vs().update_count(a1, self.volume.expected(step), self.volume.dispersion, step)\n"

# name: (class, method, [(old, new), ...], extra source rewrite)
VARIANTS = {
    "T1": (L, "_evaluate", [(TARGET, TARGET.replace("1 if surge", "1 if (surge or turn)"))], None),
    "H1": (S, "update", [("self._hour_keep, weight * steps, STEPS_PER_HOUR)",
                          "self._hour_keep, weight * steps if self._age >= STEPS_PER_DAY else 0.0,"
                          " STEPS_PER_HOUR)")], _age),
    "V1": (L, "_evaluate", [("self.surge.update_count(x, mu, phi, step)\n",
                             "self.surge.update_count(x, mu, phi, step)\n" + VOLUME),
                            (TARGET, TARGET.replace("1 if surge",
                                                    "1 if (surge or (self._vs().alarm and self._share_ok()))"))],
           None),
    "S1": (L, "_evaluate", [("weight = c.suspect_learning if self.turn.progress >= 0.25 else 1.0",
                             "weight = c.suspect_learning if max(self.turn.progress, self.surge.progress)"
                             " >= 0.25 else 1.0")], None),
    "G1": (L, "_evaluate", [("surge = self.surge.alarm\n", "surge = self.surge.alarm and self._share_ok()\n")],
           None),
}


def apply(variant):
    """Patch the detector with ``variant`` ("base": leave it as shipped)."""
    if variant == "base":
        return
    cls, name, edits, extra = VARIANTS[variant]
    src = textwrap.dedent(inspect.getsource(getattr(cls, name)))
    for old, new in edits:
        assert old in src, (variant, old)
        src = src.replace(old, new)
    if extra is not None:
        src = extra(src)
    module = levels if cls is L else seasonal
    ns = dict(module.__dict__)
    exec(src, ns)
    setattr(cls, name, ns[name])
    L._vs, L._share_ok = _vs, _share_ok
    if variant == "V1":
        quiet = L._quiet

        def _quiet(self, start, gap):
            self._vs().skip(self.volume.expected(start), gap, self.volume.dispersion)
            quiet(self, start, gap)

        L._quiet = _quiet
