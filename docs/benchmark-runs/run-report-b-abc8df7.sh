#!/bin/bash
# Second runner for the frozen policy (commit in $1), beside run-report.sh: the real streams with
# both tiers, then the accurate tier on seeds 4-12 and 13 (labels from the shared cache).
C=$1; cd /tmp/frozen-$C; export PYTHONPATH=$PWD/src HF_HUB_OFFLINE=1; O=/work/out-s4/report
date -u; echo "real"
.venv/bin/foretold benchmark --suite real --data /work/shared/data --labels-cache /work/labels-cache \
  --detector foretold --detector foretold_accurate --json $O/bench-real-$C.json > $O/bench-real-$C.txt 2>&1
for s in 4 5 6 7 8 9 10 11 12 13; do
  date -u; echo "accurate $s"
  .venv/bin/foretold benchmark --suite variants --first-seed $s --seeds $s --data /work/shared/data --labels-cache /work/labels-cache \
    --detector foretold_accurate --json $O/bench-$s-accurate-$C.json > $O/bench-$s-accurate-$C.txt 2>&1
done
date -u; echo done
