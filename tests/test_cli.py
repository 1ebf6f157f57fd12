"""The command line: exact summaries, exports, clear errors, every command documented."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from foretold.cli import main
from foretold.store import Store
from tests.conftest import FIXTURES, JSON_FIXTURES, threads_csv

README = Path(__file__).resolve().parents[1] / "README.md"


def _run(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _summary(stdout: str) -> list[str]:
    """The summary without its timing figures."""
    return [re.sub(r" in [\d.]+ s.*", "", line) for line in stdout.splitlines()]


def test_replay_prints_a_summary_of_every_line(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    code, out, _ = _run(
        "replay", str(JSON_FIXTURES["x_v2"]), str(JSON_FIXTURES["x_v2_pages"]),
        "--store", str(db), "--track", "#AskJPM", "--track", "@jpmorgan", "--no-progress",
    )  # fmt: skip
    assert code == 0
    assert _summary(out) == [
        "read      11 posts from 12 lines",
        "formats   x_v2 10",
        "stored    8 new, 3 duplicates (counts updated)",
        "deletions 0; non-post events skipped 2",
        "campaigns 7 campaign posts; alerts 0",
        "quarantined 0 lines",
    ]


def test_replay_reads_stdin_and_quarantines_beside_the_store(tmp_path: Path) -> None:
    db = tmp_path / "brand.db"
    data = JSON_FIXTURES["x_v2"].read_bytes() + b"not json\n"
    code, out, _ = _run("replay", "-", "--store", str(db), input=data)
    assert code == 0
    quarantine = tmp_path / "brand.quarantine.jsonl"
    [bad] = [orjson.loads(line) for line in quarantine.read_bytes().splitlines()]
    assert bad["line"] == 9 and bad["raw"] == "not json" and bad["source"] == "-"
    assert f"quarantined 1 lines -> {quarantine}" in out


def test_replay_of_a_truncated_gzip_stores_the_posts_before_the_break(tmp_path: Path) -> None:
    whole = gzip.compress(JSON_FIXTURES["x_v2"].read_bytes())  # 8 lines, 7 distinct posts
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole[: len(whole) - 30])  # a download cut short
    db = tmp_path / "s.db"
    code, out, err = _run("replay", str(cut), "--store", str(db), "--no-progress")
    assert code == 0
    lines = _summary(out)
    assert lines[0].startswith("read      ") and lines[-2].startswith("quarantined 1 lines")
    assert lines[-1].startswith("  1 like: truncated gzip")  # the reason, said at once
    read = int(lines[0].split()[1])
    assert 0 < read < 8
    with Store(db) as store:
        assert store.count_posts() == read - int(lines[2].split()[3])  # less its duplicates
    assert f"foretold: warning: {cut}: truncated gzip" in err


def test_replay_reads_an_r_export_with_its_preset_and_encoding(tmp_path: Path) -> None:
    r_export = FIXTURES / "csv" / "twitter_r.csv"
    db = tmp_path / "s.db"
    args = ["replay", str(r_export), "--store", str(db), "--csv-preset", "twitter_r",
            "--encoding", "cp1252", "--platform", "x", "--track", "@JetBlue", "--no-progress"]  # fmt: skip
    code, out, _ = _run(*args)
    assert code == 0
    assert _summary(out)[0] == "read      3 posts from 3 lines"
    assert "quarantined 0 lines" in out
    as_utf8 = [a for a in args if a not in ("--encoding", "cp1252")]  # the cp1252 row refused
    code, out, _ = _run(*as_utf8, "--store", str(tmp_path / "utf8.db"))
    assert code == 0 and "quarantined 1 lines" in out


def test_replay_picks_the_csv_preset_from_the_header_and_says_so(tmp_path: Path) -> None:
    r_export = FIXTURES / "csv" / "twitter_r.csv"
    code, out, err = _run("replay", str(r_export), "--store", str(tmp_path / "s.db"),
                          "--encoding", "cp1252", "--no-progress")  # fmt: skip
    assert code == 0
    assert _summary(out)[0] == "read      3 posts from 3 lines"
    assert f"foretold: note: {r_export}: read as R's twitteR export (--csv-preset twitter_r)" in err


def test_replay_of_an_archive_by_thread_loses_no_thread_that_starts_later(
    tmp_path: Path,
) -> None:
    """PHEME's files go thread by thread: a short thread that starts hours after the ones
    before it is no outlier once the archive is sorted for the detector (it lost 376 of
    Germanwings' 4,489 posts); played in file order the gate still holds it out."""
    archive = threads_csv(tmp_path / "threads.csv", "#AskX")
    code, out, _ = _run("replay", str(archive), "--store", str(tmp_path / "s.db"),
                        "--track", "#AskX", "--no-progress")  # fmt: skip
    assert code == 0 and "stored    122 new" in out and "quarantined 0 lines" in out
    code, out, _ = _run("replay", str(archive), "--store", str(tmp_path / "f.db"),
                        "--track", "#AskX", "--file-order", "--no-progress")  # fmt: skip
    assert code == 0 and "stored    120 new" in out and "quarantined 2 lines" in out


def test_classify_reads_a_csv_by_its_rows_and_text_column(tmp_path: Path) -> None:
    """Each row comes back as an object of its columns with its labels (the header is no
    post); R's emoji escapes are read back; a cp1252 row is refused with the hint."""
    r_export = FIXTURES / "csv" / "twitter_r.csv"
    code, out, err = _run("classify", str(r_export))
    rows = [orjson.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["screenName"] for r in rows] == ["ann_flies", "bob"]
    assert all("labels" in r and r["text"] for r in rows)
    assert "1 lines refused (1 like: row is not UTF-8 text" in err and "cp1252" in err
    code, out, _ = _run("classify", str(r_export), "--encoding", "cp1252")
    assert code == 0 and len(out.splitlines()) == 3
    emoji = tmp_path / "r.csv"
    emoji.write_text('"","text","id"\n"1","Boarding <U+2708><U+FE0F>","7"\n')
    _, out, _ = _run("classify", str(emoji))
    assert orjson.loads(out)["text"] == "Boarding ✈️"
    wide = tmp_path / "wide.csv"  # refused as replay's CSV reader refuses it
    wide.write_text("id,text\n1,hello there,extra\n2,fine\n")
    code, out, err = _run("classify", str(wide))
    assert code == 0 and len(out.splitlines()) == 1
    assert "1 lines refused (1 like: row has more cells than the header)" in err
    bare = tmp_path / "bare.csv"
    bare.write_text("id,body\n1,hello\n")
    code, _, err = _run("classify", str(bare))
    assert code == 2 and "a CSV needs a column named text" in err


def test_strict_replay_exits_2_with_the_position_of_the_bad_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(JSON_FIXTURES["x_v2"].read_bytes() + b'{"id": 1}\n')
    code, _, err = _run("replay", str(bad), "--store", str(tmp_path / "s.db"), "--strict")
    assert code == 2
    assert err.strip() == (
        f"foretold: error: {bad}:9: unrecognised record: no reader accepts keys ['id']"
    )


def test_replay_of_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = _run("replay", "nope.jsonl", "--store", str(tmp_path / "s.db"))
    assert code == 2 and "cannot open input 'nope.jsonl'" in err


def test_csv_replay_with_the_pheme_preset(tmp_path: Path) -> None:
    code, out, _ = _run(
        "replay", str(FIXTURES / "csv" / "pheme_like.csv"), "--csv-preset", "pheme",
        "--platform", "x", "--store", str(tmp_path / "s.db"), "--track", "Germanwings",
    )  # fmt: skip
    assert code == 0
    assert "stored    2 new" in out and "campaigns 2 campaign posts" in out


def test_export_writes_jsonl_that_replays_to_the_same_posts(tmp_path: Path) -> None:
    db, again = tmp_path / "s.db", tmp_path / "again.db"
    _run("replay", str(JSON_FIXTURES["mastodon"]), "--store", str(db))
    code, out, err = _run("export", "--store", str(db), "--format", "jsonl")
    assert code == 0 and err.strip().startswith("exported ")
    first = [orjson.loads(line) for line in out.splitlines()]
    _run("replay", "-", "--store", str(again), input=out.encode())
    _, out2, _ = _run("export", "--store", str(again))
    assert [orjson.loads(line) for line in out2.splitlines()] == first


def test_export_of_one_campaign_and_to_parquet(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    db = tmp_path / "s.db"
    _run("replay", str(JSON_FIXTURES["x_v2"]), "--store", str(db), "--track", "#AskJPM")
    target = tmp_path / "p.parquet"
    code, _, _ = _run("export", "--store", str(db), "--format", "parquet",
                      "--campaign", "askjpm", "--out", str(target))  # fmt: skip
    assert code == 0
    table = pq.read_table(target)
    assert table.num_rows == 7 and "followers" in table.column_names


def test_export_of_an_unknown_campaign_names_the_known_ones(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    _run("replay", str(JSON_FIXTURES["x_v2"]), "--store", str(db), "--track", "#AskJPM")
    code, _, err = _run("export", "--store", str(db), "--campaign", "nope")
    assert code == 2 and "no campaign 'nope'" in err and "known: askjpm" in err


def test_chronicle_of_a_store_of_one_campaign_needs_no_campaign_name(tmp_path: Path) -> None:
    db, out = tmp_path / "s.db", tmp_path / "c.html"
    _run("replay", str(JSON_FIXTURES["x_v2"]), "--store", str(db), "--track", "#AskJPM")
    code, _, err = _run("chronicle", "--store", str(db), "--out", str(out))
    assert code == 0 and "posts of 'askjpm'" in err and out.stat().st_size > 0
    _run("replay", str(JSON_FIXTURES["x_v2"]), "--store", str(db), "--track", "@jpmorgan")
    code, _, err = _run("chronicle", "--store", str(db), "--out", str(out))
    assert code == 2 and "give --campaign NAME; it holds askjpm, jpmorgan" in err


def test_a_chronicle_of_a_stream_without_follower_counts_shows_none(tmp_path: Path) -> None:
    """An R export gives no follower counts: no '@ann (0 followers)', no 'owner (0 ...)'."""
    db, out = tmp_path / "s.db", tmp_path / "c.html"
    _run("replay", str(FIXTURES / "csv" / "twitter_r.csv"), "--store", str(db),
         "--encoding", "cp1252", "--track", "@JetBlue", "--no-progress")  # fmt: skip
    code, _, _ = _run("chronicle", "--store", str(db), "--out", str(out))
    html = out.read_text()
    assert code == 0 and "owner @jetblue" in html.lower()
    assert "followers)" not in html


def test_alerts_of_a_store_without_alerts_says_so(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    _run("replay", str(JSON_FIXTURES["x_v2"]), "--store", str(db), "--track", "#AskJPM")
    code, out, err = _run("alerts", "--store", str(db))
    assert code == 0 and out == ""
    assert f"alerts: none stored in {db} (campaigns: askjpm)" in err


def _commands() -> list[str]:
    return sorted(main.commands)


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help_with_examples(name: str) -> None:
    code, out, _ = _run(name, "--help")
    assert code == 0 and "Examples:" in out


@pytest.mark.parametrize("name", _commands())
def test_every_command_is_documented_in_the_readme(name: str) -> None:
    assert f"foretold {name}" in README.read_text(encoding="utf-8")
