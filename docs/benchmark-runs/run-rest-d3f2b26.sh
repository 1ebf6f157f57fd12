#!/bin/bash
# lead: foretold_accurate (Detect only, labels from the shared cache) on the seeds h17c did not finish,
# and the real streams again at the same commit (market baselines, foretold, foretold_accurate)
cd <a clean export of d3f2b26>; O=/work/out-lead
export PYTHONPATH=$PWD/src HF_HUB_OFFLINE=1
for s in 6 11 7 12 8; do
  date -u
  .venv/bin/foretold benchmark --suite variants --first-seed $s --seeds $s --data /work/shared/data \
    --labels-cache /work/labels-cache --detector foretold_accurate \
    --json $O/bench-$s-accurate.json > $O/bench-$s-accurate.txt
done
date -u
.venv/bin/foretold benchmark --suite real --data /work/shared/data --labels-cache /work/labels-cache \
  --detector market_volume_12h --detector market_24h_7d --detector market_negative_vader \
  --detector foretold --detector foretold_accurate --json $O/bench-real.json > $O/bench-real.txt
date -u
