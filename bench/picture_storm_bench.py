"""The picture storm read with and without its pictures: when does the early warning fire?

Usage (from the repository root)::

    python bench/picture_storm_bench.py [--seed 1] [--data ../shared/data]

Writes ``mynypd_pictures`` (``foretold simulate``) into a temporary folder, then
replays it twice with ``#myNYPD`` and ``@NYPDnews`` tracked: with ``--media-dir`` (the
pictures read: OCR, hashes, labels) and without (the captions alone). Prints each
run's alerts, the seconds the run took, and the truth's tipping point.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
FORETOLD = [str(Path(sys.executable).parent / "foretold")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "storm.jsonl"
        run = [*FORETOLD, "simulate", "mynypd_pictures", "--seed", str(a.seed)]
        subprocess.run([*run, "--data", a.data, "--out", str(out)], check=True)
        truth = orjson.loads(out.with_name("storm.truth.json").read_bytes())
        print(f"truth: tipping {truth['phases']['tipping_point']}, expected {truth['expected_level']}, "
              f"{truth['pictures']['picture_posts']} picture posts")  # fmt: skip
        for label, extra in (("OCR on", ["--media-dir", str(Path(tmp) / "storm.media")]),
                             ("OCR off", [])):  # fmt: skip
            alerts = Path(tmp) / f"{label[-2:].strip()}.alerts.jsonl"
            t0 = time.perf_counter()
            subprocess.run(
                [*FORETOLD, "replay", str(out), "--store", str(Path(tmp) / f"{label}.db"),
                 "--track", "#myNYPD", "--track", "@NYPDnews", "--no-progress",
                 "--alerts", str(alerts), *extra],
                check=True, capture_output=True,
            )  # fmt: skip
            wall = time.perf_counter() - t0
            rows = [orjson.loads(x) for x in alerts.read_bytes().splitlines()]
            levels = [f"{r['level']} {r['at']}" for r in rows if r["level"] != "all_clear"]
            crisis = next((r["at"] for r in rows if r["level"] == "crisis"), "missed")
            print(
                f"{label:8} crisis: {crisis:22} alerts: {', '.join(levels) or 'none'} ({wall:.1f} s)"
            )


if __name__ == "__main__":
    main()
