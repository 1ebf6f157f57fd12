#!/bin/bash
# h17c: foretold_accurate (Detect only: the accurate labels come from the shared cache), one seed a process
cd /tmp/h17c/frozen; O=/work/out-h17c
export PYTHONPATH=$PWD/src HF_HUB_OFFLINE=1
for s in 4 9 5 10 6 11 7 12 8; do
  date -u
  .venv/bin/foretold benchmark --suite variants --first-seed $s --seeds $s --data /work/shared/data \
    --labels-cache /work/labels-cache --detector foretold_accurate \
    --json $O/bench-$s-accurate.json > $O/bench-$s-accurate.txt
done
date -u
