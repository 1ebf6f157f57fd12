#!/bin/bash
# fast tier: real-prevalence flag points (new, wt-lead3) against the kept points (old, main b21dc9d), tuning seeds 1-3 and the real streams
export HF_HUB_OFFLINE=1; O=/work/out-pts; V=/work/wt-lead3/.venv/bin/foretold
for side in new old; do
  if [ $side = new ]; then cd /work/wt-lead3; else cd /tmp/old; fi
  export PYTHONPATH=$PWD/src
  date -u; echo "$side real"
  $V benchmark --suite real --data /work/shared/data --labels-cache /work/labels-cache-$side \
      --detector foretold --json $O/real-$side.json > $O/real-$side.txt 2>&1
  for s in 1 2 3; do
    date -u; echo "$side seed $s"
    $V benchmark --suite variants --first-seed $s --seeds $s --data /work/shared/data --labels-cache /work/labels-cache-$side \
      --detector foretold --json $O/tune-$s-$side.json > $O/tune-$s-$side.txt 2>&1
  done
done
date -u; echo done
