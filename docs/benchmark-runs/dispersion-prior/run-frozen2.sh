#!/bin/bash
# The dispersion prior frozen at 0f52445 (archive /work/fz7): report seeds 4-8 (seen), then fresh seeds 33-34 once their baseline run (labels) is done; both tiers.
OUT=/work/s6
B() { (cd /work/fz7 && PYTHONPATH=src HF_HUB_OFFLINE=1 /work/ci22/.venv/bin/foretold benchmark --data /work/shared/data --labels-cache /work/s3/cache --suite variants "$@"); }
for s in 4 5 6 7 8; do B --first-seed $s --seeds $s --detector foretold --detector foretold_accurate --json $OUT/rep-$s-0f52445.json > $OUT/rep-$s-0f52445.txt 2>&1; echo "rep $s $(date +%T)"; done
while ! grep -q "F 34" $OUT/run-fresh2.log; do sleep 10; done
for f in 33 34; do B --first-seed $f --seeds $f --detector foretold --detector foretold_accurate --json $OUT/fresh-$f-0f52445.json > $OUT/fresh-$f-0f52445.txt 2>&1; echo "fresh $f $(date +%T)"; done
echo ALL DONE $(date +%T)
