"""Regenerate the golden alert files in ``tests/golden/`` (review the diff like code).

    .venv/bin/python bench/make_golden.py            # write them
    .venv/bin/python bench/make_golden.py --check    # compare, exit 1 on a difference

Each file is the alerts JSONL that ``simulate SCENARIO --seed SEED`` replayed through
Track, Classify (the shipped fast classifier) and Detect raises, with the wall
clock fixed at 2026-01-01T00:00:00Z so ``raised_at`` is stable. ``tests/detect/
test_golden.py`` calls :func:`replay_alerts` and compares with the files.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import orjson

from foretold.campaigns import Campaign, Track
from foretold.clock import ManualClock
from foretold.detect import build_stage
from foretold.ingest import IngestStats, Quarantine, read_batches
from foretold.post import Post, parse_time
from foretold.records import Batch
from foretold.understand.stage import Classify

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
#: (scenario, seed): the #AskJPM replay and two benign controls.
CASES: tuple[tuple[str, int], ...] = (("askjpm", 1), ("benign_qa", 1), ("viral_positive", 1))
WALL = datetime(2026, 1, 1, tzinfo=UTC)


def golden_path(name: str, seed: int) -> Path:
    """``tests/golden/askjpm-1.alerts.jsonl``."""
    return GOLDEN / f"{name}-{seed}.alerts.jsonl"


def replay_alerts(name: str, seed: int) -> bytes:
    """Simulate, replay through Track, Classify (fast) and Detect; the alerts as JSONL."""
    from foretold.understand import load_classifier

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{name}.jsonl"
        subprocess.run(
            [str(Path(sys.executable).parent / "foretold"), "simulate", name, "--seed", str(seed),
             "--out", str(out)],
            check=True, capture_output=True, cwd=ROOT,
        )  # fmt: skip
        truth = orjson.loads((Path(tmp) / f"{name}.truth.json").read_bytes())
        c = truth["campaign"]
        campaign = Campaign(
            name=c["name"],
            hashtags=tuple(c["hashtags"]),
            handles=tuple(c["handles"]),
            keywords=tuple(c["keywords"]),
            owner=c["owner"],
            launched_at=parse_time(c["launched_at"]),
        )
        stages = (
            Track([campaign]),
            Classify(load_classifier("fast")),
            build_stage([campaign], ManualClock(WALL)),
        )
        lines: list[bytes] = []
        for records in read_batches([str(out)], IngestStats(), Quarantine()):
            batch = Batch(posts=[r for r in records if isinstance(r, Post)])
            for stage in stages:
                stage.process(batch)
            lines.extend(orjson.dumps(a) + b"\n" for a in batch.alerts)
        end = Batch(posts=[])  # the stream ended: its last open minute (Pipeline does this)
        stages[-1].finish(end)
        lines.extend(orjson.dumps(a) + b"\n" for a in end.alerts)
    return b"".join(lines)


def main(argv: list[str]) -> int:
    """Write (or with ``--check`` compare) every golden file."""
    check = "--check" in argv
    bad = 0
    for name, seed in CASES:
        got = replay_alerts(name, seed)
        path = golden_path(name, seed)
        if check:
            same = path.exists() and path.read_bytes() == got
            bad += not same
            print(f"{path.relative_to(ROOT)}: {'ok' if same else 'DIFFERS'}")
        else:
            GOLDEN.mkdir(parents=True, exist_ok=True)
            path.write_bytes(got)
            print(f"{path.relative_to(ROOT)}: {len(got.splitlines())} alerts")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
