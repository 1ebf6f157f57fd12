#!/bin/bash
# real_anger candidates P and L on tuning seeds 1-3 (both tiers) and the real streams (worktree code, uncommitted).
OUT=/work/s6
cd /work/wt-lead3
for v in P L; do
  for s in 1 2 3; do
    PYTHONPATH=src HF_HUB_OFFLINE=1 .venv/bin/python /work/s6/run.py $v -- benchmark --data /work/shared/data --labels-cache /work/s3/cache --suite variants --first-seed $s --seeds $s --detector foretold --detector foretold_accurate --json $OUT/tune-$s-$v.json > $OUT/tune-$s-$v.txt 2>&1
    echo "$v $s $(date +%T)"
  done
done
echo ALL DONE $(date +%T)
