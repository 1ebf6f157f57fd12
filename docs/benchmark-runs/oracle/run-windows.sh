#!/bin/sh
# The crisis oracle over other windows (run from the repository root): the attack's posts
# and the truly hostile posts counted over 5-60 minutes instead of 15; chosen on 1-3,
# applied to 4-8, then to fresh 41-42.
D=docs/benchmark-runs/oracle
RUNS="docs/benchmark-runs/markets-[1-8]-*.json.gz $D/bench-[1-3]-both-40f4f3b.json.gz docs/benchmark-runs/bench-[4-8]-both-2cde64c.json.gz docs/benchmark-runs/bench-4[12]-all-a015a9e.json.gz"
for count in attack hostile; do
  for w in 5 10 20 30 45 60; do
    PYTHONPATH=src .venv/bin/python $D/oracle.py --count $count --window $w --tune 1 2 3 --report 4 5 6 7 8 41 42 \
      --runs $RUNS > $D/windows/$count-$w.txt
  done
done
grep -H "crisis rule\|fires falsely\|median / worst (caught), oracle" $D/windows/*.txt | sed 's/first-alert threshold[^;]*; //' > $D/windows/summary.txt
