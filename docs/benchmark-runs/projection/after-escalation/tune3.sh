#!/bin/bash
# usage: tune3.sh VARIANT  (seeds 1-3 fast and real both tiers, run from the repository root, REPO=path; labels from the shared cache)
cd ${REPO:-.}
V=$1; OUT=${OUT:-/tmp/projection-after-escalation}; mkdir -p $OUT
B() { PYTHONPATH=src HF_HUB_OFFLINE=1 .venv/bin/python docs/benchmark-runs/projection/after-escalation/run3.py $V -- benchmark --data /work/shared/data --labels-cache /work/s3/cache "$@"; }
B --suite variants --first-seed 1 --seeds 1 --detector foretold --json $OUT/t1-$V.json > $OUT/t1-$V.txt 2>&1 &
B --suite variants --first-seed 2 --seeds 2 --detector foretold --json $OUT/t2-$V.json > $OUT/t2-$V.txt 2>&1
wait
B --suite variants --first-seed 3 --seeds 3 --detector foretold --json $OUT/t3-$V.json > $OUT/t3-$V.txt 2>&1 &
B --suite real --detector foretold --detector foretold_accurate --json $OUT/real-$V.json > $OUT/real-$V.txt 2>&1
wait
echo DONE $V $(date +%T)
