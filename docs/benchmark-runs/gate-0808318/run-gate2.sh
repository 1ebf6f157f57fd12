#!/bin/bash
# Continued at 41dea48 (Detect as at 0808318; the benchmark now leaves out a scenario it cannot simulate):
# fast 21 again (it stopped at waitrose~21 at 0808318), then accurate 21-24, real (both tiers), seen seeds.
cd /work/ci11
V=0808318; OUT=/work/s3/gate; mkdir -p $OUT
B() { PYTHONPATH=src HF_HUB_OFFLINE=1 .venv/bin/foretold benchmark --data /work/shared/data --labels-cache /work/s3/cache "$@"; }
B --suite variants --first-seed 21 --seeds 21 --detector foretold --detector market_volume_12h --detector market_24h_7d --detector market_negative_vader --json $OUT/bench-21-fast-$V.json > $OUT/bench-21-fast-$V.txt 2>&1
echo "fast 21 $(date +%T)"
for s in 21 22 23 24; do
  B --suite variants --first-seed $s --seeds $s --detector foretold_accurate --json $OUT/bench-$s-accurate-$V.json > $OUT/bench-$s-accurate-$V.txt 2>&1
  echo "accurate $s $(date +%T)"
done
B --suite real --detector foretold --detector foretold_accurate --json $OUT/bench-real-$V.json > $OUT/bench-real-$V.txt 2>&1; echo "real $(date +%T)"
for s in 17 18 19 20 4 5 6 7 8; do
  B --suite variants --first-seed $s --seeds $s --detector foretold --json $OUT/bench-$s-fast-$V.json > $OUT/bench-$s-fast-$V.txt 2>&1
  echo "fast $s $(date +%T)"
done
B --suite variants --first-seed 17 --seeds 17 --detector foretold_accurate --json $OUT/bench-17-accurate-$V.json > $OUT/bench-17-accurate-$V.txt 2>&1; echo "accurate 17 $(date +%T)"
echo ALL DONE
