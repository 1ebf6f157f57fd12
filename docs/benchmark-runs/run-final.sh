#!/bin/bash
# final benchmark runs, policy frozen at the commit below
cd /work/wt-h17b
export PYTHONPATH=$PWD/src
git log --oneline -1
date -u
.venv/bin/foretold benchmark --suite variants --first-seed 4 --seeds 8 \
  --detector market_volume_12h --detector market_24h_7d --detector market_negative_vader \
  --detector foretold --detector foretold_risk \
  --json out/bench-4-8-fast.json --markdown out/bench-4-8-fast.md > out/bench-4-8-fast.txt
date -u
