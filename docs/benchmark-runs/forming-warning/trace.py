"""Alerts of one stream under a variant: trace.py SEED NAME DETECTOR VARIANT"""
import sys, tempfile
sys.path.insert(0, "/work/s7")
import patch
from pathlib import Path
from foretold.bench.detectors import detector
from foretold.bench.runner import run_case
from foretold.bench.suite import cases, suite
from foretold.clock import SystemClock
seed, name, det, var = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
patch.apply(var)
build = detector(det).prepare(Path('/work/s3/cache'))
with tempfile.TemporaryDirectory() as wd:
    for case in cases(suite("variants"), seed, "/work/shared/data", wd, first=seed):
        if case.name != f"{name}~{seed}": continue
        alerts, _ = run_case(case, build, SystemClock())
        print("==", case.name, "onset", case.expectation.onset, "tipping", case.expectation.tipping)
        for a in alerts:
            a = a if isinstance(a, dict) else a.to_dict()
            m = a["evidence"]["metrics"]
            print(" ", a["level"], a["at"], a["signals"], {k: m.get(k) for k in ("hostile_voices_15m","expected_hostile_voices_15m","true_hostile_voices_15m","hostile_share_15m","baseline_hostile_share","posts_15m")})
            if a["level"] == "warning": print("    ", a["summary"][:400])
