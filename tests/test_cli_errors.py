"""Tried as a new user would: every mistake gives one ``foretold: error: ...`` line, exit 2.

(Issue 14, "A CLI that never shows a traceback".) Each case runs the real command
group, so the message is exactly what a user sees.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from foretold.cli import main

LINE = b'{"id":"1","text":"#Brew hi","created_at":"2024-01-01T00:00:00Z","author_id":"7"}\n'


def _run(args: list[str], cwd: Path) -> tuple[int, str]:
    r = CliRunner().invoke(main, args)
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    return r.exit_code, r.output


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``notdb.txt`` (text), ``other.db`` (someone else's SQLite), ``good.db`` (a store),
    ``posts.jsonl`` (one post); the commands run in that folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notdb.txt").write_text("hello\n")
    with sqlite3.connect(tmp_path / "other.db") as c:
        c.execute("CREATE TABLE t (a)")
    (tmp_path / "posts.jsonl").write_bytes(LINE)
    code, out = _run(["replay", str(tmp_path / "posts.jsonl"), "--store",
                      str(tmp_path / "good.db"), "--no-classify"], tmp_path)  # fmt: skip
    assert code == 0, out
    return tmp_path


STORE_COMMANDS = [
    ["export", "--out", "x.jsonl"],
    ["alerts"],
    ["status"],
    ["chronicle", "--campaign", "brew"],
    ["replay", "posts.jsonl", "--no-classify"],
]


@pytest.mark.parametrize("args", STORE_COMMANDS, ids=lambda a: a[0])
def test_store_that_is_not_a_database(files: Path, args: list[str]) -> None:
    code, out = _run([*args, "--store", str(files / "notdb.txt")], files)
    path = files / "notdb.txt"
    assert (code, out) == (2, f"foretold: error: '{path}' is not a foretold store "
                              "(not an SQLite database)\n")  # fmt: skip


@pytest.mark.parametrize("args", STORE_COMMANDS, ids=lambda a: a[0])
def test_store_that_is_another_sqlite_file(files: Path, args: list[str]) -> None:
    code, out = _run([*args, "--store", str(files / "other.db")], files)
    path = files / "other.db"
    assert (code, out) == (2, f"foretold: error: '{path}' is not a foretold store "
                              "(an SQLite database without foretold's tables)\n")  # fmt: skip
    with sqlite3.connect(path) as c:  # and nothing was added to it
        assert [r[0] for r in c.execute("SELECT name FROM sqlite_master")] == ["t"]


def test_store_under_a_path_that_is_a_file(files: Path) -> None:
    store = files / "notdb.txt" / "s.db"
    code, out = _run(["replay", str(files / "posts.jsonl"), "--store", str(store),
                      "--no-classify"], files)  # fmt: skip
    assert (code, out) == (
        2, f"foretold: error: cannot create store '{store}': a folder on the path is a file\n"
    )  # fmt: skip


def test_out_under_a_path_that_is_a_file(files: Path) -> None:
    out_path = files / "notdb.txt" / "x.csv"
    code, out = _run(["export", "--store", str(files / "good.db"), "--out", str(out_path),
                      "--format", "csv"], files)  # fmt: skip
    assert (code, out) == (2, f"foretold: error: {out_path}: a folder on the path is a file\n")


def test_alerts_file_under_a_path_that_is_a_file(files: Path) -> None:
    alerts = files / "notdb.txt" / "a.jsonl"
    code, out = _run(["replay", str(files / "posts.jsonl"), "--store", str(files / "good.db"),
                      "--no-classify", "--alerts", str(alerts)], files)  # fmt: skip
    assert (code, out) == (
        2, f"foretold: error: --alerts '{alerts}': cannot write there: a folder on the path "
        "is a file\n",
    )  # fmt: skip


def test_serve_port_out_of_range(files: Path) -> None:
    code, out = _run(["serve", "--store", str(files / "good.db"), "--port", "99999"], files)
    assert (code, out) == (
        2, "foretold: error: Invalid value for '--port': 99999 is not in the range "
        "0<=x<=65535. (see: foretold serve --help)\n",
    )  # fmt: skip
