"""Replay throughput: twarc2 posts into a fresh store, against a bare orjson.loads loop.

Both are measured in this one process over the same file, so the ratio holds on a
busy machine too. Prints posts/s for each, the ratio, and checks the store holds
every post exactly once. Usage: ``python bench/replay_bench.py --posts 200000``.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).parent))

from twarc2_stream import make_stream

from foretold.campaigns import Campaign, Track
from foretold.ingest import IngestStats, Quarantine, read_batches
from foretold.pipeline import Pipeline
from foretold.store import Store


def bare_loads(path: Path) -> tuple[int, float]:
    start = time.perf_counter()
    n = 0
    loads = orjson.loads
    with path.open("rb") as f:
        for line in f:
            loads(line)
            n += 1
    return n, time.perf_counter() - start


def replay(path: Path, db: Path, track: bool) -> tuple[int, float]:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    stats = IngestStats()
    start = time.perf_counter()
    with Store(db) as store:
        stages = [Track([Campaign.from_track(["#Germanwings", "Germanwings"])])] if track else []
        result = Pipeline(store, stages).run(read_batches([str(path)], stats, Quarantine()))
    seconds = time.perf_counter() - start
    stored = sqlite3.connect(db).execute("SELECT count(DISTINCT id) FROM posts").fetchone()[0]
    assert stored == result.stored == stats.posts, (stored, result.stored, stats.posts)
    return stats.posts, seconds


def corrupted_run(stream: Path, out: Path, rate: float = 0.10) -> None:
    """Replay a copy of the stream with ``rate`` of its lines broken four ways; check no loss."""
    sys.path.insert(0, str(Path(__file__).parents[1]))
    from tests.test_ingest import corrupt

    lines = stream.read_bytes().splitlines(keepends=True)
    damaged, bad = corrupt(lines, rate, seed=11)
    path = out / "bench-corrupted.jsonl"
    path.write_bytes(b"".join(damaged))
    db = out / "corrupted.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    qpath = out / "corrupted.quarantine.jsonl"
    qpath.unlink(missing_ok=True)
    stats = IngestStats()
    quarantine = Quarantine(path=qpath)
    with Store(db) as store:
        result = Pipeline(store).run(read_batches([str(path)], stats, quarantine))
    quarantine.close()
    quarantined = sum(1 for _ in qpath.open("rb"))
    distinct = sqlite3.connect(db).execute("SELECT count(DISTINCT id) FROM posts").fetchone()[0]
    print(
        f"corrupted file: {len(lines):,} lines, {bad:,} broken ({bad / len(lines):.1%}); "
        f"stored {result.stored:,} ({distinct:,} distinct ids, expected {len(lines) - bad:,}); "
        f"quarantined {quarantined:,} with reasons {dict(quarantine.reasons)}"
    )
    assert distinct == result.stored == len(lines) - bad and quarantined == bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--out", type=Path, default=Path("out"))
    parser.add_argument("--rounds", type=int, default=3, help="best of N for each measurement")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    stream = args.out / f"bench-twarc2-{args.posts}.jsonl"
    if not stream.exists():
        make_stream(args.posts, stream)
    size_mb = stream.stat().st_size / 1e6
    print(f"stream: {args.posts:,} twarc2-flattened posts, {size_mb:.0f} MB ({stream})")

    loads_s = min(bare_loads(stream)[1] for _ in range(args.rounds))
    plain_s = min(replay(stream, args.out / "bench.db", track=False)[1] for _ in range(args.rounds))
    track_s = min(replay(stream, args.out / "bench.db", track=True)[1] for _ in range(args.rounds))
    n = args.posts
    print(f"bare orjson.loads loop      {n / loads_s:>10,.0f} posts/s")
    print(f"replay into the store       {n / plain_s:>10,.0f} posts/s   "
          f"ratio to orjson {loads_s / plain_s:.1%}")  # fmt: skip
    print(f"replay + campaign tracking  {n / track_s:>10,.0f} posts/s   "
          f"ratio to orjson {loads_s / track_s:.1%}")  # fmt: skip
    print("targets: >= 50,000 posts/s and >= 25% of the orjson loop")
    corrupted_run(stream, args.out)


if __name__ == "__main__":
    main()
