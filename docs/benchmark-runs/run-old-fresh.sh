#!/bin/bash
# the gate before (main at 55a2367) on the fresh seeds 13-16, fast tier, after the new gate's report runs:
# the same streams and labels, for a before/after on seeds neither gate was chosen on
cd /tmp/frozen-55a2367  # a clone of main at 55a2367 with its .venv; export PYTHONPATH=$PWD/src HF_HUB_OFFLINE=1; O=/work/out-s4/report
for s in 13 14 15 16; do
  date -u; echo "old gate, fast $s"
  .venv/bin/foretold benchmark --suite variants --first-seed $s --seeds $s --data /work/shared/data --labels-cache /work/labels-cache \
    --detector foretold --json $O/bench-$s-fast-55a2367.json > $O/bench-$s-fast-55a2367.txt 2>&1
done; date -u; echo done
