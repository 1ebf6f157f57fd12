"""The write-ahead log stays bounded (issue 13, item 5): a paced replay commits many
small transactions, and with 64 KiB pages each one adds whole pages to the log; the
log used to grow to 1 GB (995 MB for a 71 MB store). Measured end to end by
``bench/soak_bench.py wal``; here the same policy with small limits, in-process."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import foretold.store as store_module
from foretold.post import Author, Post
from foretold.records import Batch
from foretold.store import Store
from foretold.writer import InlineWriter, message

T0 = datetime(2013, 11, 13, tzinfo=UTC)


def _batch(i: int) -> Batch:
    posts = [
        Post(platform="x", id=f"{i}-{j}", text="#AskJPM " + "why? " * 200,
             created_at=T0 + timedelta(seconds=i), author=Author(id=str(j % 50)))
        for j in range(3)
    ]  # fmt: skip
    return Batch(posts=posts)


def _write(db: Path, batches: int, reader: bool) -> list[int]:
    """Sizes of the WAL after each batch, with a reader polling in short transactions."""
    store = Store(db)
    writer = InlineWriter(store)
    stop = threading.Event()

    def poll() -> None:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        while not stop.is_set():
            con.execute("SELECT count(*) FROM posts").fetchone()  # one short transaction
        con.close()

    thread = threading.Thread(target=poll, daemon=True)
    if reader:
        thread.start()
    sizes = []
    try:
        for i in range(batches):
            writer.put(message(_batch(i)))
            sizes.append(store.wal_bytes())
    finally:
        stop.set()
        if reader:
            thread.join()
        store.close()
    return sizes


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(store_module, "WAL_PASSIVE", 256 << 10)
    monkeypatch.setattr(store_module, "WAL_LIMIT", 1 << 20)
    return 1 << 20


def test_many_small_transactions_keep_the_wal_under_its_limit(
    tmp_path: Path, small_limits: int
) -> None:
    sizes = _write(tmp_path / "s.db", 400, reader=True)
    # the whole run wrote far more than the limit: without the policy it all stays in the log
    assert 400 * 3 * 4_000 > 1 << 20
    slack = 6 * 65536  # one batch: a few 64 KiB pages
    assert max(sizes) <= small_limits + slack


def test_a_reader_pinning_its_snapshot_delays_the_bound_and_then_it_holds(
    tmp_path: Path, small_limits: int
) -> None:
    db = tmp_path / "s.db"
    store = Store(db)
    writer = InlineWriter(store)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.execute("BEGIN")
    con.execute("SELECT count(*) FROM posts").fetchone()  # holds its snapshot: nothing resets
    for i in range(12):
        writer.put(message(_batch(i)))
    grown = store.wal_bytes()
    assert grown > small_limits  # the policy cannot cut what a reader still reads
    con.execute("COMMIT")  # the reader lets go
    con.close()
    for i in range(12, 40):
        writer.put(message(_batch(i)))
    assert store.wal_bytes() <= small_limits
    store.close()
