#!/bin/bash
# Baselines for the mockery-ceiling candidate (detector as on main, clone /work/ci17 at beda02e):
# A: the accurate tier on tuning seeds 1-3; B: both tiers + markets on fresh seeds 29-30 (not read until the candidate is frozen).
OUT=/work/s5
B() { (cd /work/ci17 && PYTHONPATH=src HF_HUB_OFFLINE=1 /work/ci17/.venv/bin/foretold benchmark --data /work/shared/data --labels-cache /work/s3/cache --suite variants "$@"); }
A() { for s in 1 2 3; do B --first-seed $s --seeds $s --detector foretold_accurate --json $OUT/tuneacc-$s-base.json > $OUT/tuneacc-$s-base.txt 2>&1; echo "A $s $(date +%T)"; done; }
F() { for s in 29 30; do B --first-seed $s --seeds $s --detector foretold --detector foretold_accurate --detector market_volume_12h --detector market_24h_7d --detector market_negative_vader --json $OUT/fresh-$s-base.json > $OUT/fresh-$s-base.txt 2>&1; echo "F $s $(date +%T)"; done; }
A & F; wait; echo ALL DONE $(date +%T)
