#!/bin/bash
# $1 = tag, $2 = FORETOLD_EXP_TURN value; wt-exp code, new labels, tuning seeds 1-3 + real
export HF_HUB_OFFLINE=1 FORETOLD_EXP_TURN=$2 FORETOLD_EXP_ADJ=$3 FORETOLD_EXP_REP=${4:-60} FORETOLD_EXP_Z=${5:-1.6449}; O=/work/out-pts; V=/work/wt-lead3/.venv/bin/foretold
cd /work/wt-exp; export PYTHONPATH=$PWD/src
$V benchmark --suite real --data /work/shared/data --labels-cache /work/labels-cache-new --detector foretold --json $O/real-$1.json > $O/real-$1.txt 2>&1
for s in 1 2 3; do
  $V benchmark --suite variants --first-seed $s --seeds $s --data /work/shared/data --labels-cache /work/labels-cache-new \
      --detector foretold --json $O/tune-$s-$1.json > $O/tune-$s-$1.txt 2>&1
done
echo done $1
