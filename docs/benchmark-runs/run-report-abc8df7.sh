#!/bin/bash
# Report runs for the frozen policy (commit in $1): fast tier on seeds 4-16 (13-16 never run
# before, with the market baselines), the accurate tier on the seeds whose labels are cached,
# and the real streams with both tiers. One seed a process; labels from the shared cache.
C=$1; cd /tmp/frozen-$C; export PYTHONPATH=$PWD/src HF_HUB_OFFLINE=1; O=/work/out-s4/report
mkdir -p $O
for s in 13 14 15 16; do
  date -u; echo "fast $s (with markets)"
  .venv/bin/foretold benchmark --suite variants --first-seed $s --seeds $s --data /work/shared/data --labels-cache /work/labels-cache \
    --detector market_volume_12h --detector market_24h_7d --detector market_negative_vader --detector foretold \
    --json $O/bench-$s-fast-$C.json > $O/bench-$s-fast-$C.txt 2>&1
done
for s in 4 5 6 7 8 9 10 11 12; do
  date -u; echo "fast $s"
  .venv/bin/foretold benchmark --suite variants --first-seed $s --seeds $s --data /work/shared/data --labels-cache /work/labels-cache \
    --detector foretold --json $O/bench-$s-fast-$C.json > $O/bench-$s-fast-$C.txt 2>&1
done
date -u; echo "real"
.venv/bin/foretold benchmark --suite real --data /work/shared/data --labels-cache /work/labels-cache \
  --detector foretold --detector foretold_accurate --json $O/bench-real-$C.json > $O/bench-real-$C.txt 2>&1
for s in 4 5 6 7 8 9 10 11 12; do
  date -u; echo "accurate $s"
  .venv/bin/foretold benchmark --suite variants --first-seed $s --seeds $s --data /work/shared/data --labels-cache /work/labels-cache \
    --detector foretold_accurate --json $O/bench-$s-accurate-$C.json > $O/bench-$s-accurate-$C.txt 2>&1
done
date -u; echo done
