"""Benchmark with a dispersion prior: python runphi.py VARIANT -- benchmark args...
phi: the quasi-Poisson dispersion gets a Poisson prior worth prior_steps minutes at the
current level, as the level itself has: (dev + P*level) / (mu + P*level)."""
import sys
from foretold.detect import seasonal
variant = sys.argv[1]
args = sys.argv[3:]

def dispersion(self):
    prior = self.prior_steps * self.level
    if self._mu + prior <= 0.0:
        return 1.0
    return max(1.0, (self._dev + prior) / (self._mu + prior))

if variant == "phi":
    seasonal.SeasonalRate.dispersion = property(dispersion)
from foretold.cli import main
sys.argv = ["foretold"] + args
main()
