#!/bin/bash
# Baseline main (detector of f3bc780; clone /work/ci22 at fb4fa72) on fresh seeds 33-34: labels both tiers, scores unread until a candidate is frozen. Markets too.
OUT=/work/s6
B() { (cd /work/ci22 && PYTHONPATH=src HF_HUB_OFFLINE=1 /work/ci22/.venv/bin/foretold benchmark --data /work/shared/data --labels-cache /work/s3/cache --suite variants "$@"); }
for f in 33 34; do
  B --first-seed $f --seeds $f --detector foretold --detector foretold_accurate --json $OUT/fresh-$f-base.json > $OUT/fresh-$f-base.txt 2>&1
  echo "F $f $(date +%T)"
done
for f in 33 34; do
  B --first-seed $f --seeds $f --detector market_volume_12h --detector market_24h_7d --detector market_negative_vader --json $OUT/markets-$f.json > $OUT/markets-$f.txt 2>&1
  echo "M $f $(date +%T)"
done
echo ALL DONE $(date +%T)
