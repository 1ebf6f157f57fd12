#!/bin/bash
# the tuning sets for the report: real streams (all detectors) and seeds 1-3 (fast detectors)
cd /tmp/h17b/frozen; O=/work/wt-h17b/out
export PYTHONPATH=$PWD/src
date -u
.venv/bin/foretold benchmark --suite real --data /work/shared/data \
  --json $O/bench-real.json --markdown $O/bench-real.md > $O/bench-real.txt
date -u
.venv/bin/foretold benchmark --suite variants --seeds 3 --data /work/shared/data \
  --detector market_volume_12h --detector market_24h_7d --detector market_negative_vader \
  --detector foretold --detector foretold_risk \
  --json $O/bench-1-3-fast.json --markdown $O/bench-1-3-fast.md > $O/bench-1-3-fast.txt
date -u
