#!/bin/bash
# f3bc780 (archive /work/fz6) on seeds 29-30 (run last session with e816348), both tiers: extra evidence, not a fresh report.
OUT=/work/s6
for f in 29 30; do (cd /work/fz6 && PYTHONPATH=src HF_HUB_OFFLINE=1 /work/ci21/.venv/bin/foretold benchmark --data /work/shared/data --labels-cache /work/s3/cache --suite variants --first-seed $f --seeds $f --detector foretold --detector foretold_accurate --json $OUT/seen-$f-f3bc780.json > $OUT/seen-$f-f3bc780.txt 2>&1); echo "S $f $(date +%T)"; done
echo ALL DONE $(date +%T)
