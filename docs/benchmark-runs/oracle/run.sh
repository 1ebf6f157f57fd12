#!/bin/sh
# The oracle in four readings, chosen on seeds 1-3 and applied to 4-8 (run from the repository root).
D=docs/benchmark-runs/oracle
RUNS="docs/benchmark-runs/markets-[1-8]-*.json.gz $D/bench-[1-3]-both-40f4f3b.json.gz docs/benchmark-runs/bench-[4-8]-both-2cde64c.json.gz"
for count in hostile attack fast accurate; do
  PYTHONPATH=src HF_HUB_OFFLINE=1 .venv/bin/python $D/oracle.py --count $count --data "${DATA:-../shared/data}" \
    --labels-cache "${LABELS_CACHE:-/work/s3/cache}" --tune 1 2 3 --report 4 5 6 7 8 --runs $RUNS \
    --json $D/oracle-$count.json > $D/oracle-$count.txt
done
# Then the same rules on fresh seeds 41-42, beside main's one run of them (a015a9e, labels filled by that run).
RUNS="docs/benchmark-runs/bench-4[12]-all-a015a9e.json.gz"
for count in hostile attack fast accurate; do
  PYTHONPATH=src HF_HUB_OFFLINE=1 .venv/bin/python $D/oracle.py --count $count --data "${DATA:-../shared/data}" \
    --labels-cache "${LABELS_CACHE:-/work/s3/cache}" --tune 1 2 3 --report 41 42 --runs $RUNS \
    --json $D/oracle-$count-fresh.json > $D/oracle-$count-fresh.txt
done
