#!/bin/bash
# dispersion prior candidate on tuning seeds 1-3 (both tiers) and the real streams (worktree code = f3bc780 detector).
OUT=/work/s6
cd /work/wt-lead3
for s in 1 2 3; do
  PYTHONPATH=src HF_HUB_OFFLINE=1 .venv/bin/python /work/s6/runphi.py phi -- benchmark --data /work/shared/data --labels-cache /work/s3/cache --suite variants --first-seed $s --seeds $s --detector foretold --detector foretold_accurate --json $OUT/tune-$s-phi.json > $OUT/tune-$s-phi.txt 2>&1
  echo "phi $s $(date +%T)"
done
PYTHONPATH=src HF_HUB_OFFLINE=1 .venv/bin/python /work/s6/runphi.py phi -- benchmark --data /work/shared/data --labels-cache /work/s3/cache --suite real --detector foretold --detector foretold_accurate --json $OUT/real-phi.json > $OUT/real-phi.txt 2>&1
echo "real $(date +%T)"
echo ALL DONE $(date +%T)
