#!/bin/bash
# Baseline main 6878557 on fresh seeds 31-32 (never run by anything): labels both tiers into the cache,
# scores kept unread until a candidate is frozen. Markets too.
OUT=/work/s6
B() { (cd /work/ci21 && PYTHONPATH=src HF_HUB_OFFLINE=1 /work/ci21/.venv/bin/foretold benchmark --data /work/shared/data --labels-cache /work/s3/cache --suite variants "$@"); }
for f in 31 32; do
  B --first-seed $f --seeds $f --detector foretold --detector foretold_accurate --json $OUT/fresh-$f-base.json > $OUT/fresh-$f-base.txt 2>&1
  echo "F $f $(date +%T)"
done
for f in 31 32; do
  B --first-seed $f --seeds $f --detector market_volume_12h --detector market_24h_7d --detector market_negative_vader --json $OUT/markets-$f.json > $OUT/markets-$f.txt 2>&1
  echo "M $f $(date +%T)"
done
echo ALL DONE $(date +%T)
