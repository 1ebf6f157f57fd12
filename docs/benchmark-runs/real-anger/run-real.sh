#!/bin/bash
cd /work/wt-lead3
while ! grep -q "ALL DONE" /work/s6/run-tune.log; do sleep 10; done
for v in P L; do
  PYTHONPATH=src HF_HUB_OFFLINE=1 .venv/bin/python /work/s6/run.py $v -- benchmark --data /work/shared/data --labels-cache /work/s3/cache --suite real --detector foretold --detector foretold_accurate --json /work/s6/real-$v.json > /work/s6/real-$v.txt 2>&1
  echo "real $v $(date +%T)"
done
echo ALL DONE $(date +%T)
