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


CONFIGS = [
    ('[campaign]\nname = "a"\nhashtags = ["#a"]\n',
     "[campaign] is a single table; write [[campaign]] (two brackets) for each campaign"),
    ('[[campaign]]\nname = "a"\nhashtag = ["#a"]\n',
     "[[campaign]] #1 ('a'): unknown key 'hashtag'; did you mean 'hashtags'?"),
    ('[[campaign]]\nname = "a"\nhashtags = ["#a"]\nhandels = ["@a"]\n',
     "[[campaign]] #1 ('a'): unknown key 'handels'; did you mean 'handles'?"),
    ('[[campaigns]]\nname = "a"\n', "unknown table [campaigns]; did you mean [[campaign]]?"),
    ('[[campaign]]\nname = "a"\nhashtags = ["#a"]\nsinks = ["ops"]\n',
     "campaign 'a': sink 'ops' is not defined by any [[sink]]"),
    ('[[campaign]]\nname = "a"\nhashtags = ["#a"]\n\n[[sink]]\nname = "ops"\ntype = "webhok"\n',
     "[[sink]] #1 ('ops'): unknown type 'webhok'; did you mean 'webhook'?"),
    ('[[sink]]\nname = "ops"\ntype = "jsonl"\n', "[[sink]] 'ops': missing or wrong key 'path'"),
    ('[[source]]\ntype = "file"\npath = "x.jsonl"\npoll_second = 1\n',
     "[[source]] #1: unknown key 'poll_second'; did you mean 'poll_seconds'?"),
]  # fmt: skip


@pytest.mark.parametrize(("toml", "message"), CONFIGS)
def test_config_is_checked_whole_before_a_line_is_read(
    files: Path, toml: str, message: str
) -> None:
    (files / "f.toml").write_text(toml)
    # the input would take a while to replay, and does not exist: the config fails first
    code, out = _run(["replay", "missing.jsonl", "--config", "f.toml", "--store", "s.db"], files)
    assert (code, out) == (2, f"foretold: error: f.toml: {message}\n")
    assert not (files / "s.db").exists()


def test_replay_that_quarantined_every_line_warns_and_exits_1(files: Path) -> None:
    (files / "junk.bin").write_bytes(bytes(range(11, 256)) * 8 + b"\n\x00\xff\n")
    code, out = _run(["replay", "junk.bin", "--store", "s.db", "--no-classify"], files)
    assert code == 1
    assert out.endswith(
        "foretold: warning: nothing was read: all 2 lines with data were quarantined "
        "(wrong --format? see the quarantine file)\n"
    )


def test_replay_with_the_wrong_format_warns_and_exits_1(files: Path) -> None:
    code, out = _run(["replay", "posts.jsonl", "--format", "mastodon", "--store", "s.db",
                      "--no-classify"], files)  # fmt: skip
    assert code == 1 and "nothing was read: all 1 lines with data were quarantined" in out


def test_replay_of_an_empty_input_warns_and_exits_1(files: Path) -> None:
    (files / "empty.jsonl").write_bytes(b"")
    code, out = _run(["replay", "empty.jsonl", "--store", "s.db", "--no-classify"], files)
    assert code == 1 and out.endswith("foretold: warning: nothing was read: the input is empty\n")


def test_csv_format_on_json_lines_says_it_is_not_csv(files: Path) -> None:
    code, out = _run(["replay", "posts.jsonl", "--format", "csv", "--store", "s.db",
                      "--no-classify"], files)  # fmt: skip
    assert (code, out) == (
        2, "foretold: error: the input does not look like CSV: its first line is JSON; drop "
        "--format csv (JSON lines are read in any supported shape, detected per line)\n",
    )  # fmt: skip


def test_classify_refuses_binary_junk(files: Path) -> None:
    (files / "junk.bin").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00\n\xff\xfe\xfd\n")
    r = CliRunner().invoke(main, ["classify", "junk.bin", "--quarantine", "q.jsonl"])
    assert r.exit_code == 1
    assert r.stdout == ""  # no labels for junk
    assert r.stderr == (
        "foretold: classify: 2 lines refused -> q.jsonl (2 like: not text: binary or not "
        "UTF-8)\n"
        "foretold: warning: nothing was read: all 2 lines with data were refused (binary, "
        "not UTF-8 text, or unreadable)\n"
    )


def test_classify_missing_file_says_what_replay_says(files: Path) -> None:
    for cmd in (["classify", "nope.jsonl"], ["replay", "nope.jsonl", "--no-classify"]):
        code, out = _run(cmd, files)
        assert (code, out) == (
            2, "foretold: error: cannot open input 'nope.jsonl': No such file or directory\n"
        )  # fmt: skip


def test_an_unknown_scenario_lists_every_drill_simulate_writes() -> None:
    r = CliRunner().invoke(main, ["simulate", "nope"])
    assert r.exit_code == 2
    for drill in ("askjpm", "astroturf_attack", "organic_storm", "mynypd_pictures"):
        assert drill in r.stderr
    assert "foretold simulate --list" in r.stderr
