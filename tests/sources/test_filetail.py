"""Tailing a growing JSONL file: whole lines only, rotation, truncation, resume by cursor."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from foretold.ingest import IngestStats, Quarantine
from foretold.sources.filetail import FileTail
from foretold.store import Store
from tests.sources.harness import watch_until
from tests.sources.servers import FastClock


def _line(i: int) -> bytes:
    return json.dumps({"id": str(i), "text": f"q {i} #AskBrand", "author_id": "7",
                       "created_at": "2024-01-01T00:00:00Z"}).encode() + b"\n"  # fmt: skip


def _tail(path: Path, follow: bool = False) -> FileTail:
    return FileTail("file", str(path), IngestStats(), Quarantine(), follow=follow,
                    clock=FastClock(), poll_s=0.01)  # fmt: skip


def _ids(tail: FileTail, cursor: str | None) -> list[str]:
    return [r.id for b in tail.batches(cursor, threading.Event()) for r in b.records]


def test_a_partial_line_waits_for_its_newline(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    p.write_bytes(_line(1) + _line(2)[:10])
    tail = _tail(p)
    assert _ids(tail, None) == ["1"]
    with p.open("ab") as f:
        f.write(_line(2)[10:])
    assert _ids(tail, tail.cursor) == ["2"]


def test_rotation_reads_the_rest_of_the_old_file_then_the_new_one(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    p.write_bytes(_line(1))
    stop = threading.Event()
    tail = _tail(p, follow=True)
    got: list[str] = []
    for batch in tail.batches(None, stop):
        got += [r.id for r in batch.records]
        if got == ["1"]:
            with p.open("ab") as f:
                f.write(_line(2))
            os.rename(p, tmp_path / "a.jsonl.1")
            p.write_bytes(_line(3))
        if len(got) >= 3:
            stop.set()
    assert got == ["1", "2", "3"]


def test_truncation_starts_again_at_zero(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    p.write_bytes(_line(1) + _line(2))
    tail = _tail(p)
    assert _ids(tail, None) == ["1", "2"]
    p.write_bytes(_line(3))  # truncated in place, shorter than before
    assert _ids(tail, tail.cursor) == ["3"]


def test_a_restarted_watch_resumes_after_the_stored_cursor(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    p.write_bytes(b"".join(_line(i) for i in range(100)))
    db = tmp_path / "w.db"
    first = watch_until([_tail(p, follow=True)], db, 100)
    with p.open("ab") as f:
        f.write(b"".join(_line(i) for i in range(100, 150)))
    second = watch_until([_tail(p, follow=True)], db, 50)
    assert first.stored == 100 and second.stored == 150
    assert sorted(int(k[1]) for k in second.seen) == list(range(100, 150))
    assert second.cursor == f"{p.stat().st_ino}:{p.stat().st_size}:150"
    with Store(db) as store:
        assert store.count_posts() == 150
