#!/bin/bash
# the policy before this change (main at 55a2367) on the tuning seeds 1-3, fast tier, same streams and labels cache
cd /tmp/frozen-55a2367; export PYTHONPATH=$PWD/src HF_HUB_OFFLINE=1; O=/work/out-s4/report
mkdir -p $O
for s in 1 2 3; do
  date -u; echo "old policy, fast $s"
  nice -n 5 .venv/bin/foretold benchmark --suite variants --first-seed $s --seeds $s --data /work/shared/data --labels-cache /work/labels-cache \
    --detector market_volume_12h --detector market_24h_7d --detector market_negative_vader --detector foretold --json $O/tune-$s-fast-55a2367.json > $O/tune-$s-fast-55a2367.txt 2>&1
done; date -u; echo done
