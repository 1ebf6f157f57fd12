"""Benchmark with the candidate mockery ceiling: python run4.py VARIANT -- benchmark args...
mock: the watch ceiling for mockery (mocking posts outnumber hostile ones over the hour)
holds only while the hour's labelled voices are not truly hostile: the low end of the
adjusted 90 % interval of the hostile share below min(share_shifts), the crisis gate's test."""
import sys
from foretold.detect import levels
from foretold.signals import LABELLED, MOCKING, HOSTILE
variant = sys.argv[1]
args = sys.argv[3:]

def ceiling(self):
    sig = self.signals
    if sig.last_us <= self._cleared_us:
        return 0
    s60 = sig.windows.sums(60)
    if (s60[LABELLED] >= 20 and s60[MOCKING] > s60[HOSTILE]
            and self.true_share(60) < min(self.config.share_shifts)):
        return 1
    return 3

if variant == "mock":
    levels.LevelDetector._ceiling = ceiling
from foretold.cli import main
sys.argv = ["foretold"] + args
main()
