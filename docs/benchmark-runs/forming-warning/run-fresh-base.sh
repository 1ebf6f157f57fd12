#!/bin/bash
# baseline (main 35c4707) on fresh seeds 35-36: fills the labels cache; scores unread until the freeze
cd /work/ci24
for s in 35 36; do
  PYTHONPATH=src HF_HUB_OFFLINE=1 .venv/bin/foretold benchmark --data /work/shared/data --labels-cache /work/s3/cache --suite variants --first-seed $s --seeds $s --detector foretold --detector foretold_accurate --detector market_volume_12h --detector market_24h_7d --detector market_negative_vader --json /work/s7/fresh-$s-base.json > /work/s7/fresh-$s-base.txt 2>&1
  echo "base $s $(date +%T)"
done
echo ALL DONE
