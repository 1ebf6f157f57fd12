#!/bin/bash
# fresh seeds 37-38 (never run), after the freeze: the forming warning (fz8 = 2cde64c) with every market rule, then the detector before it (ci24 = 35c4707) on the same cached labels
run() { cd $1; shift; s=$1; tag=$2; shift 2; PYTHONPATH=src HF_HUB_OFFLINE=1 /work/wt-lead3/.venv/bin/python -c "import sys; from foretold.cli import main; sys.argv=['foretold']+sys.argv[1:]; main()" benchmark --data /work/shared/data --labels-cache /work/s3/cache --suite variants --first-seed $s --seeds $s "$@" --json /work/s7/fresh-$s-$tag.json > /work/s7/fresh-$s-$tag.txt 2>&1; echo "$s $tag $(date +%T)"; }
for s in 37 38; do
  (run /work/fz8 $s 2cde64c --detector foretold --detector foretold_accurate --detector market_volume_12h --detector market_24h_7d --detector market_negative_vader; run /work/ci24 $s 35c4707 --detector foretold --detector foretold_accurate) &
done
wait; echo ALL DONE
