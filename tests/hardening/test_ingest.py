"""Hostile lines: deep nesting, huge lines and the file's own line numbers (issue 13,
items 3, 11 and 12). Each test reproduces the accident and asserts nothing else is lost."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from foretold.cli import main
from foretold.ingest import MAX_LINE, IngestStats, Quarantine, bounded_lines
from foretold.sources.filetail import FileTail
from foretold.understand.jsonl import classify_lines
from tests.sources.servers import FastClock

DEEP = b'{"a":' * 100_000 + b"1" + b"}" * 100_000  # 100,000 objects deep


def _line(i: int) -> bytes:
    return json.dumps({"id": str(i), "text": f"q {i} #AskBrand", "author_id": "7",
                       "created_at": "2024-01-01T00:00:00Z"}).encode() + b"\n"  # fmt: skip


def _quarantined(path: Path) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_a_deeply_nested_line_is_quarantined_and_replay_goes_on(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(
        b"".join(_line(i) for i in range(1000)) + DEEP + b"\n"
        + b"".join(_line(i) for i in range(1000, 1010))
    )  # fmt: skip
    q = tmp_path / "q.jsonl"
    result = CliRunner().invoke(
        main,
        ["replay", str(src), "--store", str(tmp_path / "s.db"), "--quarantine", str(q),
         "--no-classify", "--no-progress"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "stored    1,010 new" in result.stdout
    [bad] = _quarantined(q)
    assert bad["line"] == 1001 and str(bad["reason"]).startswith("not JSON")


def test_a_deeply_nested_line_is_refused_by_classify_and_the_rest_is_labelled() -> None:
    class Echo:
        def classify(self, texts: list[str]) -> list[object]:
            return [type("L", (), {"to_dict": lambda self: {}})() for _ in texts]

    lines = ['{"text": "before"}', '{"a":' * 100_000 + "1" + "}" * 100_000, '{"text": "after"}']
    refused: list[tuple[int, str]] = []
    out = list(classify_lines(lines, Echo(), refuse=lambda n, _, why: refused.append((n, why))))  # type: ignore[arg-type]
    assert [orjson.loads(o)["text"] for o in out] == ["before", "after"]
    assert refused == [(2, "not JSON: nested too deep")]


def test_classify_command_quarantines_a_deep_line(tmp_path: Path) -> None:
    from foretold.understand.fast import MODEL_FILE

    if not MODEL_FILE.exists():
        pytest.skip("fast model not built (run: foretold train --tier fast)")
    q = tmp_path / "q.jsonl"
    data = b'{"text": "fine"}\n' + DEEP + b'\n{"text": "also fine"}\n'
    result = CliRunner().invoke(main, ["classify", "-", "--quarantine", str(q)], input=data)
    assert result.exit_code == 0, result.output
    assert [orjson.loads(line)["text"] for line in result.stdout_bytes.splitlines()] == [
        "fine", "also fine",
    ]  # fmt: skip
    assert [b["line"] for b in _quarantined(q)] == [2]


def test_a_line_over_the_limit_is_quarantined_truncated_with_length_and_hash(
    tmp_path: Path,
) -> None:
    huge = b'{"id": "x", "text": "' + b"a" * (MAX_LINE + 10) + b'"}'
    src = tmp_path / "in.jsonl"
    src.write_bytes(_line(1) + huge + b"\n" + _line(2))
    q = tmp_path / "q.jsonl"
    result = CliRunner().invoke(
        main,
        ["replay", str(src), "--store", str(tmp_path / "s.db"), "--quarantine", str(q),
         "--no-classify", "--no-progress"],
        catch_exceptions=False,
    )  # fmt: skip
    assert "stored    2 new" in result.stdout
    [bad] = _quarantined(q)
    assert bad["line"] == 2 and bad["truncated"] is True
    assert bad["length"] == len(huge)
    assert bad["sha256"] == hashlib.sha256(huge).hexdigest()
    assert len(str(bad["raw"])) == 4096 and str(bad["reason"]).startswith("line too long")


def test_a_huge_line_is_read_in_chunks_never_whole() -> None:
    class Reads:
        """A stream that records the largest read it was asked for."""

        def __init__(self, data: bytes) -> None:
            import io

            self.io = io.BytesIO(data)
            self.largest = 0

        def readline(self, size: int = -1) -> bytes:
            self.largest = max(self.largest, size)
            return self.io.readline(size)

    stream = Reads(b"a" * 5000 + b"\nok\n")
    lines = list(bounded_lines(stream, limit=100))  # type: ignore[arg-type]
    assert [getattr(x, "length", x) for x in lines] == [5000, b"ok\n"]
    assert 0 < stream.largest <= 1 << 20  # never "read the rest, however long"


def test_watch_quarantines_with_the_files_own_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    out = tmp_path / "q.jsonl"
    # line 2 is blank, line 3 not JSON, line 5 an unknown shape, line 7 too long
    path.write_bytes(
        _line(1) + b"\n" + b"{oops\n" + _line(2) + b'{"what": 1}\n' + _line(3)
        + b"b" * 300 + b"\n" + _line(4)
    )  # fmt: skip
    q = Quarantine(path=out)
    tail = FileTail("file", str(path), IngestStats(), q, follow=False, clock=FastClock())
    tail.max_line = 200
    ids = [r.id for b in tail.batches(None, threading.Event()) for r in b.records]
    q.close()
    assert ids == ["1", "2", "3", "4"]
    assert [(b["line"], str(b["reason"]).split(":")[0]) for b in _quarantined(out)] == [
        (3, "not JSON"), (5, "unrecognised record"), (7, "line too long"),
    ]  # fmt: skip
    assert tail.cursor is not None and tail.cursor.endswith(":8")


def test_watch_skips_a_huge_line_written_in_pieces_and_resumes_numbering(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    out = tmp_path / "q.jsonl"
    path.write_bytes(_line(1) + b"c" * 5000 + b"\n" + _line(2))
    q = Quarantine(path=out)
    tail = FileTail("file", str(path), IngestStats(), q, follow=False, clock=FastClock())
    tail.max_line = 100
    import foretold.sources.filetail as ft

    chunk, ft.CHUNK = ft.CHUNK, 64  # the long line arrives over many reads
    try:
        ids = [r.id for b in tail.batches(None, threading.Event()) for r in b.records]
    finally:
        ft.CHUNK = chunk
    q.close()
    [bad] = _quarantined(out)
    assert ids == ["1", "2"]
    assert bad["line"] == 2 and bad["length"] == 5000
    assert bad["sha256"] == hashlib.sha256(b"c" * 5000).hexdigest()
