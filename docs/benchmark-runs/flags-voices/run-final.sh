#!/bin/bash
# final code (wt-lead3), fast tier: tuning seeds 1-3 + real streams, then report seeds 4-8
export HF_HUB_OFFLINE=1; O=/work/out-pts; cd /work/wt-lead3; export PYTHONPATH=$PWD/src; V=.venv/bin/foretold
$V benchmark --suite real --data /work/shared/data --labels-cache /work/labels-cache-new --detector foretold --json $O/real-final.json > $O/real-final.txt 2>&1
for s in 1 2 3; do
  $V benchmark --suite variants --first-seed $s --seeds $s --data /work/shared/data --labels-cache /work/labels-cache-new \
      --detector foretold --json $O/tune-$s-final.json > $O/tune-$s-final.txt 2>&1
done
date -u; echo tuned
