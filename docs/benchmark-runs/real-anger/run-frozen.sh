#!/bin/bash
# real_anger frozen at f3bc780 (archive /work/fz6): fresh seeds 31-32 first (baseline fresh-3?-base.json unread), then report seeds 4-8, both tiers.
OUT=/work/s6
B() { (cd /work/fz6 && PYTHONPATH=src HF_HUB_OFFLINE=1 /work/ci21/.venv/bin/foretold benchmark --data /work/shared/data --labels-cache /work/s3/cache --suite variants "$@"); }
for f in 31 32; do B --first-seed $f --seeds $f --detector foretold --detector foretold_accurate --json $OUT/fresh-$f-f3bc780.json > $OUT/fresh-$f-f3bc780.txt 2>&1; echo "fresh $f $(date +%T)"; done
for s in 4 5 6 7 8; do B --first-seed $s --seeds $s --detector foretold --detector foretold_accurate --json $OUT/rep-$s-f3bc780.json > $OUT/rep-$s-f3bc780.txt 2>&1; echo "rep $s $(date +%T)"; done
echo ALL DONE $(date +%T)
