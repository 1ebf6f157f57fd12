#!/bin/bash
# h17c final runs, one seed a process (a JSON per seed): policy as on main at 2e2ab1c
# (no level-policy change this session). Unseen seeds 9-12: market baselines and foretold.
cd /tmp/h17c/frozen; O=/work/out-h17c
export PYTHONPATH=$PWD/src HF_HUB_OFFLINE=1
for s in 9 10 11 12; do
  date -u
  .venv/bin/foretold benchmark --suite variants --first-seed $s --seeds $s --data /work/shared/data \
    --labels-cache /work/labels-cache \
    --detector market_volume_12h --detector market_24h_7d --detector market_negative_vader --detector foretold \
    --json $O/bench-$s-fast.json > $O/bench-$s-fast.txt
done
date -u
