#!/bin/bash
# The escalation gate frozen at 38ea23a (clone /work/ci14) against the detector before it
# (629e049, clone /work/ci13; the detection code is the same up to 8512cd7), on seeds 25-28,
# which no detector had run before, both tiers, the market baselines with the base run.
# Then the report seeds 4-8 again with the gate (fast). Labels from the shared cache.
OUT=/work/s4; mkdir -p $OUT
B() { dir=$1; shift; (cd $dir && PYTHONPATH=src HF_HUB_OFFLINE=1 /work/ci13/.venv/bin/foretold benchmark --data /work/shared/data --labels-cache /work/s3/cache "$@"); }
fast() {
  for s in 25 26 27 28; do
    B /work/ci13 --suite variants --first-seed $s --seeds $s --detector foretold --detector market_volume_12h --detector market_24h_7d --detector market_negative_vader --json $OUT/bench-$s-fast-629e049.json > $OUT/bench-$s-fast-629e049.txt 2>&1
    B /work/ci14 --suite variants --first-seed $s --seeds $s --detector foretold --json $OUT/bench-$s-fast-38ea23a.json > $OUT/bench-$s-fast-38ea23a.txt 2>&1
    echo "fast $s $(date +%T)"
  done
  for s in 4 5 6 7 8; do
    B /work/ci14 --suite variants --first-seed $s --seeds $s --detector foretold --json $OUT/bench-$s-fast-38ea23a.json > $OUT/bench-$s-fast-38ea23a.txt 2>&1
    echo "fast $s $(date +%T)"
  done
}
accurate() {
  for s in 25 26 27 28; do
    B /work/ci13 --suite variants --first-seed $s --seeds $s --detector foretold_accurate --json $OUT/bench-$s-accurate-629e049.json > $OUT/bench-$s-accurate-629e049.txt 2>&1
    B /work/ci14 --suite variants --first-seed $s --seeds $s --detector foretold_accurate --json $OUT/bench-$s-accurate-38ea23a.json > $OUT/bench-$s-accurate-38ea23a.txt 2>&1
    echo "accurate $s $(date +%T)"
  done
}
fast & accurate; wait; echo ALL DONE $(date +%T)
