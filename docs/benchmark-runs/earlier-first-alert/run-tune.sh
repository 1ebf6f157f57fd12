#!/bin/bash
V=$1; OUT=/tmp
cd "$(git rev-parse --show-toplevel)"
for s in 1 2 3; do
  PYTHONPATH=src HF_HUB_OFFLINE=1 .venv/bin/python docs/benchmark-runs/earlier-first-alert/runw.py $V -- benchmark --data /work/shared/data --labels-cache /work/s3/cache --suite variants --first-seed $s --seeds $s --detector foretold --detector foretold_accurate --json $OUT/tune-$s-$V.json > $OUT/tune-$s-$V.txt 2>&1
  echo "$V $s $(date +%T)"
done
PYTHONPATH=src HF_HUB_OFFLINE=1 .venv/bin/python docs/benchmark-runs/earlier-first-alert/runw.py $V -- benchmark --data /work/shared/data --labels-cache /work/s3/cache --suite real --detector foretold --detector foretold_accurate --json $OUT/real-$V.json > $OUT/real-$V.txt 2>&1
echo "$V real $(date +%T)"; echo ALL DONE
