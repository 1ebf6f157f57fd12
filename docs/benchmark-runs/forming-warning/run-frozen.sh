#!/bin/bash
# frozen at 2cde64c (/work/fz8): report seeds 4-8 and fresh seeds 35-36, both tiers
cd /work/fz8
run() { PYTHONPATH=src HF_HUB_OFFLINE=1 /work/wt-lead3/.venv/bin/python -c "import sys; from foretold.cli import main; sys.argv=[\"foretold\"]+sys.argv[1:]; main()" benchmark --data /work/shared/data --labels-cache /work/s3/cache --suite variants --first-seed $1 --seeds $1 --detector foretold --detector foretold_accurate --json /work/s7/$2-$1-2cde64c.json > /work/s7/$2-$1-2cde64c.txt 2>&1; echo "$2 $1 $(date +%T)"; }
for s in 4 5 6 7 8; do run $s rep; done
run 35 fresh
while ! grep -q "ALL DONE" /work/s7/fresh-base.log; do sleep 20; done
run 36 fresh
echo ALL DONE
