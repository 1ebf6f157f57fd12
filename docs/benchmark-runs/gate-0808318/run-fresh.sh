#!/bin/bash
# Fresh seeds 17-20, never run before: detect as on main (src identical a97ba57..ef81524), frozen clone /work/ci11.
cd /work/ci11
V=a97ba57
OUT=/work/s3/fresh; mkdir -p $OUT
for s in 17 18 19 20; do
  PYTHONPATH=src HF_HUB_OFFLINE=1 .venv/bin/foretold benchmark --suite variants --first-seed $s --seeds $s --data /work/shared/data --labels-cache /work/s3/cache \
    --detector foretold --detector market_volume_12h --detector market_24h_7d --detector market_negative_vader --json $OUT/bench-$s-fast-$V.json > $OUT/bench-$s-fast-$V.txt 2>&1
  echo "fast $s done $(date)"
done
for s in 17 18 19 20; do
  PYTHONPATH=src HF_HUB_OFFLINE=1 .venv/bin/foretold benchmark --suite variants --first-seed $s --seeds $s --data /work/shared/data --labels-cache /work/s3/cache \
    --detector foretold_accurate --json $OUT/bench-$s-accurate-$V.json > $OUT/bench-$s-accurate-$V.txt 2>&1
  echo "accurate $s done $(date)"
done
echo ALL DONE
