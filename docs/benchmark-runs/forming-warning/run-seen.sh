#!/bin/bash
# seen seeds 31-34, both tiers: the forming warning (fz8 = 2cde64c) and, for 31-32, the detector before it (ci24 = 35c4707)
run() { cd $1; PYTHONPATH=src HF_HUB_OFFLINE=1 /work/wt-lead3/.venv/bin/python -c "import sys; from foretold.cli import main; sys.argv=['foretold']+sys.argv[1:]; main()" benchmark --data /work/shared/data --labels-cache /work/s3/cache --suite variants --first-seed $2 --seeds $2 --detector foretold --detector foretold_accurate --json /work/s7/seen-$2-$3.json > /work/s7/seen-$2-$3.txt 2>&1; echo "$2 $3 $(date +%T)"; }
(run /work/fz8 33 2cde64c; run /work/fz8 34 2cde64c; run /work/fz8 31 2cde64c) &
(run /work/ci24 31 35c4707; run /work/ci24 32 35c4707; run /work/fz8 32 2cde64c) &
wait; echo ALL DONE
