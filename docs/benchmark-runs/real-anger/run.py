"""Benchmark with a real_anger variant: python run.py VARIANT -- benchmark args...
P: as in the worktree (plain hostile > fpr * labelled, point level).
L: the low end of the plain hostile count's adjusted 90 % interval above 0."""
import sys
from foretold.detect import levels
from foretold.detect.composition import adjusted
from foretold.signals import HOSTILE, HOSTILE_IRONIC, LABELLED
variant = sys.argv[1]
args = sys.argv[3:]

def real_anger_low(self):
    s60 = self.signals.windows.sums(60)
    plain = s60[HOSTILE] - s60[HOSTILE_IRONIC]
    if adjusted(round(plain), round(s60[LABELLED]), self.rates.hostile).low <= 0:
        return False
    return self.true_share(60) >= min(self.config.share_shifts)

if variant == "L":
    levels.LevelDetector.real_anger = real_anger_low
from foretold.cli import main
sys.argv = ["foretold"] + args
main()
