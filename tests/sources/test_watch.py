"""Several sources in one watch, status rows, clean stop, and the two commands."""

from __future__ import annotations

import json
import queue
import random
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from foretold.clock import ManualClock
from foretold.ingest import IngestStats, Quarantine
from foretold.post import Author, Post
from foretold.sources.base import (
    Backoff,
    LiveSource,
    RateLimited,
    SourceBatch,
    reset_from_headers,
)
from foretold.sources.filetail import FileTail
from foretold.sources.jetstream import Jetstream
from foretold.sources.status import read_statuses
from foretold.sources.watch import BACKLOG_RECORDS, Backlog
from foretold.store import Store
from tests.sources.harness import watch_until
from tests.sources.servers import T0, FastClock, JetstreamServer, Timeline


def test_backoff_grows_with_jitter_and_caps() -> None:
    b = Backoff(random.Random(0), base=1.0, cap=8.0, jitter=0.5)
    delays = [b.next() for _ in range(6)]
    for n, d in enumerate(delays):
        top = min(8.0, 2.0**n)
        assert top / 2 <= d <= top


def test_rate_limit_waits_until_the_reset_header() -> None:
    clock = ManualClock(T0)

    class Limited(LiveSource):
        def connect(self, stop: threading.Event):  # type: ignore[no-untyped-def]
            if self.stats.rate_limits == 0:
                reset = reset_from_headers({"x-rate-limit-reset": str(int(T0.timestamp()) + 900)},
                                           self.clock.now())  # fmt: skip
                raise RateLimited("HTTP 429", reset)
            stop.set()
            yield from ()

    src = Limited("x", clock=clock)
    list(src.batches(None, threading.Event()))
    assert src.stats.rate_limited_seconds == 900.0
    assert clock.slept == 900.0
    assert src.status.state == "stopped"


def test_two_sources_one_store_with_status_rows(tmp_path: Path) -> None:
    p = tmp_path / "c.jsonl"
    p.write_bytes(b"".join(json.dumps({"id": str(i), "text": "x", "author_id": "1",
                  "created_at": "2024-01-01T00:00:00Z"}).encode() + b"\n" for i in range(200)))  # fmt: skip
    clock = FastClock()
    tl = Timeline(300, clock=clock)
    with JetstreamServer(tl) as server:
        js = Jetstream("bluesky", IngestStats(), Quarantine(), url=server.url, clock=clock,
                       stall_seconds=0.3)  # fmt: skip
        ft = FileTail("file", str(p), IngestStats(), Quarantine(), clock=clock, poll_s=0.01)
        got = watch_until([js, ft], tmp_path / "w.db", 500)
    assert got.stored == 500 and got.passed_twice == 0
    with Store(tmp_path / "w.db") as store:
        rows = {r["source"]: r for r in read_statuses(store)}
        assert store.cursor("file") == f"{p.stat().st_ino}:{p.stat().st_size}:200"
        assert store.cursor("bluesky") == str(server.times[-1])
    assert {r["state"] for r in rows.values()} == {"stopped"}


def test_watch_and_status_commands(tmp_path: Path) -> None:
    from foretold.cli.watch import status_cmd, watch_cmd

    data = tmp_path / "c.jsonl"
    data.write_bytes(b"")
    cfg = tmp_path / "foretold.toml"
    cfg.write_text(f'[[source]]\ntype = "file"\npath = "{data}"\nname = "collected"\n')
    db = tmp_path / "w.db"
    timer = threading.Timer(1.0, lambda: __import__("os").kill(__import__("os").getpid(), 15))
    # the command runs on this (main) thread, so SIGTERM reaches its handler
    timer.start()
    res = CliRunner().invoke(watch_cmd, ["--config", str(cfg), "--store", str(db)])
    timer.join()
    assert res.exit_code == 143, res.output  # stopped by SIGTERM: 128 + 15
    out = CliRunner().invoke(status_cmd, ["--store", str(db)])
    assert out.exit_code == 0
    assert out.output.startswith("collected")
    assert "stopped" in out.output


def test_the_watch_backlog_holds_records_up_to_its_bound_then_makes_sources_wait(
    tmp_path: Path,
) -> None:
    """A watch slower than its sources must not hold their lag in memory (docs/soak.md):
    the backlog counts records, not batches, and a full one makes ``put`` wait."""
    src = FileTail("file", str(tmp_path / "posts.jsonl"), IngestStats(), Quarantine())
    post = Post(platform="x", id="1", text="hi", author=Author(id="7"),
                created_at=datetime(2026, 1, 1, tzinfo=UTC))  # fmt: skip
    backlog = Backlog(5)
    backlog.put((src, SourceBatch([post] * 4, "a")))
    backlog.put((src, SourceBatch([post] * 4, "b")))  # admitted under the bound: 8 held
    assert (backlog.qsize(), backlog.full()) == (8, True)
    with pytest.raises(queue.Full):  # a source thread waits here (its file keeps the rest)
        backlog.put((src, SourceBatch([], "c")), timeout=0.01)
    item = backlog.get_nowait()
    assert isinstance(item[1], SourceBatch) and item[1].cursor == "a"
    assert backlog.qsize() == 4
    backlog.put((src, SourceBatch([], "c")), timeout=0.01)  # an empty batch counts one
    assert backlog.qsize() == 5
    assert BACKLOG_RECORDS == 10_000  # 10 s of a 1,000 posts/s source
