import sys, tempfile
from pathlib import Path
from foretold.bench.detectors import detector
from foretold.bench.runner import run_case
from foretold.bench.real import jetblue_case
from foretold.clock import SystemClock
build = detector("foretold").prepare(Path(sys.argv[1]))
case = jetblue_case("/work/shared/data")
alerts, _ = run_case(case, build, SystemClock())
for a in alerts:
    ev = a.get("evidence") or {}
    print(a["at"][:16], a["level"], "|", a["summary"][:230])
