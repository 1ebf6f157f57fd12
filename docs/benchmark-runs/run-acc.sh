#!/bin/bash
cd /tmp/h17b/frozen; O=/work/wt-h17b/out
export PYTHONPATH=$PWD/src
git log --oneline -1
for s in 4 5 6 7 8; do
  date -u
  .venv/bin/foretold benchmark --suite variants --first-seed $s --seeds $s --detector foretold_accurate --data /work/shared/data \
    --json $O/bench-$s-accurate.json > $O/bench-$s-accurate.txt
done
date -u
