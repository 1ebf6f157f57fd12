"""What a restartable watch costs: the detector snapshot stored with every batch.

``watch`` stores the ``Detect`` stage's snapshot in each batch's transaction, so that a
restart resumes the detectors exactly, at most once a second (the cursors in between
wait for the next one). This runs the simulated #AskJPM week through Track, Classify
(fast) and Detect in live-sized batches, in this one process: without snapshots, with
one per batch, and with one a second at 1,000 posts/s (what ``watch`` pays),
and prints seconds, ratios, the snapshot's size and the time per snapshot. Usage::

    python bench/watch_bench.py [--batch 100] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson

from foretold.campaigns import Campaign, Config
from foretold.clock import ManualClock
from foretold.ingest import IngestStats, Quarantine, read_batches
from foretold.pipeline import Pipeline
from foretold.post import parse_time
from foretold.records import Batch, Record
from foretold.runs import AfterStore, build_stages, snapshot_name, snapshot_stage
from foretold.store import Store


class _Counted(AfterStore):
    taken = 0

    def snapshot_of(self) -> bytes:
        self.taken += 1
        return super().snapshot_of()


def run(
    records: list[Record], campaign: Campaign, batch: int, snapshots: bool, every_s: float = 0.0
) -> tuple[float, int, int]:
    """Seconds, snapshots taken, bytes of the last snapshot. With ``every_s``, the clock
    moves as for a watch taking in 1,000 posts a second (a tenth of a second a batch)."""
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    stages = build_stages(Config(campaigns=(campaign,)), clock)
    store = Store(":memory:")
    detect = snapshot_stage(stages) if snapshots else None
    after = _Counted(store, clock, snapshot=detect, snapshot_key=snapshot_name([campaign]),
                     snapshot_every_s=every_s)  # fmt: skip
    batches = [records[i : i + batch] for i in range(0, len(records), batch)]

    def pace(b: Batch, r: object) -> None:
        if every_s:
            clock.advance(len(b.posts) / 1000)

    start = time.perf_counter()
    Pipeline(store, stages, clock, after=after, on_batch=pace, separate_writer=False).run(batches)
    seconds = time.perf_counter() - start
    state = store.snapshot(after.snapshot_key)
    return seconds, after.taken, len(state or b"")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=100, help="records per batch (live-sized)")
    ap.add_argument(
        "--data", default=str(Path(__file__).resolve().parents[1].parent / "shared" / "data")
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "askjpm.jsonl"
        foretold = str(Path(sys.executable).parent / "foretold")
        subprocess.run([foretold, "simulate", "askjpm", "--seed", "1", "--data", args.data,
                        "--out", str(out)], check=True, capture_output=True)  # fmt: skip
        c = orjson.loads(out.with_name("askjpm.truth.json").read_bytes())["campaign"]
        campaign = Campaign(
            name=c["name"], hashtags=tuple(c["hashtags"]), handles=tuple(c["handles"]),
            keywords=tuple(c["keywords"]), owner=c["owner"],
            launched_at=parse_time(c["launched_at"]),
        )  # fmt: skip
        records = [r for b in read_batches([str(out)], IngestStats(), Quarantine()) for r in b]
    run(records[:2000], campaign, args.batch, True)  # warm the classifier and caches
    plain, _, _ = run(records, campaign, args.batch, False)
    snap, taken, size = run(records, campaign, args.batch, True)
    paced, paced_taken, _ = run(records, campaign, args.batch, True, every_s=1.0)
    each = 1000 * (snap - plain) / max(taken, 1)
    print(f"posts {len(records):,} in batches of {args.batch}")
    print(f"without snapshots        {plain:.2f} s")
    print(f"a snapshot every batch   {snap:.2f} s (ratio {snap / plain:.3f}; {taken:,} "
          f"snapshots, last {size / 1024:.1f} KiB, {each:.1f} ms each)")  # fmt: skip
    print(f"at most one a second     {paced:.2f} s (ratio {paced / plain:.3f}; "
          f"{paced_taken:,} snapshots, as a watch at 1,000 posts/s takes them)")  # fmt: skip


if __name__ == "__main__":
    main()
