#!/bin/bash
# Accurate tier on tuning seeds 2-3: the detector before (beda02e, /work/ci17) and the frozen change (e816348, /work/fz).
OUT=/work/s5
B() { dir=$1; shift; (cd $dir && PYTHONPATH=src HF_HUB_OFFLINE=1 /work/ci17/.venv/bin/foretold benchmark --data /work/shared/data --labels-cache /work/s3/cache --suite variants "$@"); }
for s in 2 3; do
  B /work/ci17 --first-seed $s --seeds $s --detector foretold_accurate --json $OUT/tuneacc-$s-base.json > $OUT/tuneacc-$s-base.txt 2>&1
  B /work/fz --first-seed $s --seeds $s --detector foretold_accurate --json $OUT/tuneacc-$s-e816348.json > $OUT/tuneacc-$s-e816348.txt 2>&1
  echo "seed $s $(date +%T)"
done
echo ALL DONE $(date +%T)
