#!/bin/bash
# The accurate tier with the models of 9c03c46 (second fine-tuning) on report seeds 5-8
# (seed 4 was run first, alone); detection code unchanged since 55a2367.
cd /work/wt-lead3; export PYTHONPATH=$PWD/src HF_HUB_OFFLINE=1; O=/work/out-s5
for s in 5 6 7 8; do
  date -u; echo "accurate $s"
  .venv/bin/foretold benchmark --suite variants --first-seed $s --seeds $s --data /work/shared/data --labels-cache /work/labels-cache \
    --detector foretold_accurate --json $O/bench-$s-accurate-9c03c46.json > $O/bench-$s-accurate-9c03c46.txt 2>&1
done
date -u; echo done
