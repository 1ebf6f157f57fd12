#!/bin/bash
# fill the labels cache for the fresh seeds 13-16 (fast, then accurate); scores discarded unread
# (stopped by hand after the accurate tier of seed 13, at 12:15 UTC, to free the CPU for the report runs;
#  run from a copy of main at 55a2367: its stderr progress lines, alert counts per case, were on screen)
cd /tmp/fill; export PYTHONPATH=$PWD/src HF_HUB_OFFLINE=1
for tier in foretold foretold_accurate; do
for s in 13 14 15 16; do
  date -u; echo "fill $tier seed $s"
  nice -n 10 .venv/bin/foretold benchmark --suite variants --first-seed $s --seeds $s --data /work/shared/data \
    --labels-cache /work/labels-cache --detector $tier > /dev/null 2>>/work/out-s4/fill.err
done; done; date -u; echo done
