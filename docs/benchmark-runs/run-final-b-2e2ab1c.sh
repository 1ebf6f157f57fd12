#!/bin/bash
# h17c: report seeds 4-8 again, market baselines and foretold, one seed a process: the simulator changed since 97b4bc3
# (6398092 retypes reused mentions), so the streams differ from that run's
cd /tmp/h17c/frozen; O=/work/out-h17c
export PYTHONPATH=$PWD/src HF_HUB_OFFLINE=1
for s in 4 5 6 7 8; do
  date -u
  .venv/bin/foretold benchmark --suite variants --first-seed $s --seeds $s --data /work/shared/data \
    --labels-cache /work/labels-cache --detector market_volume_12h --detector market_24h_7d --detector market_negative_vader --detector foretold \
    --json $O/bench-$s-foretold.json > $O/bench-$s-foretold.txt
done
date -u
