"""Runs a watch until a given number of distinct posts went through, and counts them."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from foretold.pipeline import RunResult
from foretold.records import Batch
from foretold.sources.base import LiveSource
from foretold.sources.watch import LivePipeline, Watch, WatchResult
from foretold.store import Store


@dataclass
class Counted:
    """What reached the pipeline and the store."""

    result: WatchResult
    seen: Counter[tuple[str, str]]
    stored: int
    cursor: str | None

    @property
    def passed_twice(self) -> int:
        return sum(self.seen.values()) - len(self.seen)


def watch_until(
    sources: list[LiveSource], store_path: Path, n: int, timeout_s: float = 60.0
) -> Counted:
    """Watch until ``n`` distinct posts reached the pipeline (or ``timeout_s``), then stop."""
    stop = threading.Event()
    seen: Counter[tuple[str, str]] = Counter()

    def on_batch(batch: Batch, result: RunResult) -> None:
        seen.update(p.key for p in batch.posts)
        if len(seen) >= n:
            stop.set()

    guard = threading.Timer(timeout_s, stop.set)
    guard.start()
    try:
        with Store(store_path) as store:
            pipeline = LivePipeline(store, [], on_batch=on_batch, separate_writer=False)
            result = Watch(sources, pipeline).run(stop)
            stored = store.count_posts()
            cursor = store.cursor(sources[0].name)
    finally:
        guard.cancel()
    return Counted(result, seen, stored, cursor)
