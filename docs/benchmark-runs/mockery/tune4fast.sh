#!/bin/bash
# seeds 1-3 fast, real both tiers (labels cached)
cd ${REPO:-/work/wt-lead3}
V=$1; OUT=${OUT:-/work/exp/mock/out}; mkdir -p $OUT
B() { PYTHONPATH=src HF_HUB_OFFLINE=1 .venv/bin/python /work/exp/mock/run4.py $V -- benchmark --data /work/shared/data --labels-cache /work/s3/cache "$@"; }
for s in 1 2 3; do B --suite variants --first-seed $s --seeds $s --detector foretold --json $OUT/f$s-$V.json > $OUT/f$s-$V.txt 2>&1; done
B --suite real --detector foretold --detector foretold_accurate --json $OUT/real-$V.json > $OUT/real-$V.txt 2>&1
echo DONE $V $(date +%T)
