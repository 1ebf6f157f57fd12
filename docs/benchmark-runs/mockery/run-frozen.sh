#!/bin/bash
# The mockery ceiling frozen at e816348 (archive in /work/fz): report seeds 4-8 (seen) both tiers,
# then the fresh seeds 29-30 (labelled by the baseline run first; scores unread until now).
OUT=/work/s5
B() { (cd /work/fz && PYTHONPATH=src HF_HUB_OFFLINE=1 /work/ci17/.venv/bin/foretold benchmark --data /work/shared/data --labels-cache /work/s3/cache --suite variants "$@"); }
for s in 4 5 6 7 8; do
  B --first-seed $s --seeds $s --detector foretold --detector foretold_accurate --json $OUT/rep-$s-e816348.json > $OUT/rep-$s-e816348.txt 2>&1
  echo "rep $s $(date +%T)"
  if grep -q "F 30" $OUT/run-mock.log && [ ! -e $OUT/fresh-29-e816348.json ]; then
    for f in 29 30; do B --first-seed $f --seeds $f --detector foretold --detector foretold_accurate --json $OUT/fresh-$f-e816348.json > $OUT/fresh-$f-e816348.txt 2>&1; echo "fresh $f $(date +%T)"; done
  fi
done
if [ ! -e $OUT/fresh-29-e816348.json ]; then
  while ! grep -q "F 30" $OUT/run-mock.log; do sleep 10; done
  for f in 29 30; do B --first-seed $f --seeds $f --detector foretold --detector foretold_accurate --json $OUT/fresh-$f-e816348.json > $OUT/fresh-$f-e816348.txt 2>&1; echo "fresh $f $(date +%T)"; done
fi
echo ALL DONE $(date +%T)
