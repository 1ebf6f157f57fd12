#!/bin/bash
# Accurate tier on report seeds 4-8 with the escalation gate (main beda02e, clone /work/ci17).
OUT=/work/s5
for s in 4 5 6 7 8; do
  (cd /work/ci17 && PYTHONPATH=src HF_HUB_OFFLINE=1 /work/ci17/.venv/bin/foretold benchmark --data /work/shared/data --labels-cache /work/s3/cache --suite variants --first-seed $s --seeds $s --detector foretold_accurate --json $OUT/bench-$s-accurate-beda02e.json > $OUT/bench-$s-accurate-beda02e.txt 2>&1)
  echo "accurate $s $(date +%T)"
done
echo ALL DONE $(date +%T)
# Then, for the gate's own effect, the detector before it (629e049, clone /work/ci13) on
# seeds 5 and 6 with the same labels (the seeds where the two could differ):
#   foretold benchmark ... --first-seed S --seeds S --detector foretold_accurate --json bench-S-accurate-629e049.json
# The JSON files were saved as ../bench-S-accurate-38ea23a.json.gz (the detector is 38ea23a's; beda02e changed tests only).
