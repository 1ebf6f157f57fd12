"""Stream time against outliers (issue 13, item 2): one post dated 9999-12-31 used to
close every window up to that date and silence every alert after it."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from foretold.cli import main
from foretold.clock import ManualClock
from foretold.ingest import IngestStats, Quarantine, read_batches, read_lines
from foretold.sources.filetail import FileTail
from foretold.streamtime import StreamTime, StreamTimeConfig
from tests.sources.servers import FastClock

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2013, 11, 13, 12, tzinfo=UTC)
WALL = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))


def _line(i: int, at: datetime) -> bytes:
    return json.dumps({"id": str(i), "text": f"q {i} #AskBrand", "author_id": "7",
                       "created_at": at.isoformat().replace("+00:00", "Z")}).encode() + b"\n"  # fmt: skip


def _stream(*offsets_min: float) -> list[bytes]:
    return [_line(i, T0 + timedelta(minutes=m)) for i, m in enumerate(offsets_min)]


def _read(lines: list[bytes], **config: object) -> tuple[list[str], list[dict[str, object]]]:
    out = io.BytesIO()
    q = Quarantine(out)
    stats = IngestStats()
    gate = StreamTime(WALL, StreamTimeConfig(**config),  # type: ignore[arg-type]
                      lambda p, w, why: q.put(w[0], w[1], p.raw, why))  # fmt: skip
    ids = [r.id for b in read_lines(lines, "in.jsonl", stats, q, gate=gate) for r in b]
    ids += [p.id for p in gate.flush()]
    return ids, [orjson.loads(x) for x in out.getvalue().splitlines()]


def test_a_post_from_the_future_is_quarantined_with_its_line() -> None:
    lines = _stream(*range(10))
    lines.insert(4, _line(99, datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)))
    ids, bad = _read(lines)
    assert ids == [str(i) for i in range(10)]
    assert [(b["line"], str(b["reason"]).split(":")[0]) for b in bad] == [(5, "from the future")]


def test_a_lone_post_far_ahead_of_the_stream_is_outvoted_and_quarantined() -> None:
    lines = _stream(*range(100))
    lines.insert(30, _line(99, datetime(2020, 6, 1, tzinfo=UTC)))  # before the wall clock
    ids, bad = _read(lines)
    assert ids == [str(i) for i in range(100)]
    assert [b["line"] for b in bad] == [31]
    assert str(bad[0]["reason"]).startswith("far ahead of the stream")


def test_a_lone_outlier_in_first_place_cannot_set_the_clock() -> None:
    lines = [_line(99, datetime(2020, 6, 1, tzinfo=UTC)), *_stream(*range(100))]
    ids, bad = _read(lines)
    assert ids == [str(i) for i in range(100)]
    assert [b["line"] for b in bad] == [1]


def test_far_past_posts_pass_and_do_not_move_the_clock() -> None:
    lines = _stream(*range(20))
    lines.insert(10, _line(99, datetime(1970, 1, 1, tzinfo=UTC)))
    gate = StreamTime(WALL)
    ids = [r.id for b in read_lines(lines, "x", IngestStats(), Quarantine(), gate=gate) for r in b]
    assert ids == [*map(str, range(10)), "99", *map(str, range(10, 20))]
    assert gate.watermark == T0 + timedelta(minutes=19)


def test_unordered_posts_pass_in_their_arrival_order() -> None:
    offsets = [0, 5, 3, 9, 1, 8, 2, 30, 7, 6, 29, 4]  # minutes, shuffled within the hour
    ids, bad = _read(_stream(*offsets))
    assert ids == [str(i) for i in range(len(offsets))] and bad == []


def test_a_real_gap_is_confirmed_by_the_posts_after_it_and_nothing_is_lost() -> None:
    # a quiet two days, then the stream goes on: the first posts after the gap are held
    # until five of them agree, then let through in order
    ids, bad = _read(_stream(*range(10), *(2 * 24 * 60 + m for m in range(10))))
    assert ids == [str(i) for i in range(20)] and bad == []


def test_a_multi_file_replay_of_two_periods_loses_nothing(tmp_path: Path) -> None:
    a, b = tmp_path / "2013.jsonl", tmp_path / "2015.jsonl"
    a.write_bytes(b"".join(_stream(*range(10))))
    b.write_bytes(b"".join(_line(100 + i, datetime(2015, 3, 24, tzinfo=UTC)) for i in range(3)))
    stats = IngestStats()
    ids = [r.id for x in read_batches([str(a), str(b)], stats, Quarantine(), clock=WALL) for r in x]
    assert ids == [*map(str, range(10)), "100", "101", "102"]  # the last three at the end
    assert stats.quarantined == 0 and stats.posts == 13


def test_watch_quarantines_a_post_from_the_future(tmp_path: Path) -> None:
    path, out = tmp_path / "posts.jsonl", tmp_path / "q.jsonl"
    now = datetime.now(UTC)
    path.write_bytes(_line(1, now) + _line(2, datetime(9999, 12, 31, tzinfo=UTC)) + _line(3, now))
    q = Quarantine(path=out)
    stats = IngestStats()
    tail = FileTail("file", str(path), stats, q, follow=False, clock=FastClock())
    ids = [r.id for b in tail.batches(None, threading.Event()) for r in b.records]
    q.close()
    [bad] = [orjson.loads(x) for x in out.read_bytes().splitlines()]
    assert ids == ["1", "3"] and stats.quarantined == 1 and stats.posts == 2
    assert bad["line"] == 2 and str(bad["reason"]).startswith("from the future")


def _ready() -> str | None:
    if not (ROOT.parent / "shared" / "data").is_dir():
        return "the simulator's text pools (../shared/data) are not here"
    if not (ROOT / "src" / "foretold" / "understand" / "models" / "fast.npz").exists():
        return "the fast classifier model is not built"
    return None


@pytest.mark.skipif(_ready() is not None, reason=str(_ready()))
def test_the_askjpm_replay_with_one_post_dated_9999_still_raises_its_alerts(
    tmp_path: Path,
) -> None:
    stream = tmp_path / "askjpm.jsonl"
    subprocess.run(
        [str(Path(sys.executable).parent / "foretold"), "simulate", "askjpm", "--seed", "1",
         "--out", str(stream)],
        check=True, capture_output=True, cwd=ROOT,
    )  # fmt: skip

    def alerts_of(path: Path) -> tuple[list[tuple[str, str]], str]:
        out = path.with_suffix(".alerts")
        result = CliRunner().invoke(
            main,
            ["replay", str(path), "--store", str(path.with_suffix(".db")), "--track", "#AskJPM",
             "--track", "@jpmorgan", "--alerts", str(out), "--no-progress"],
            catch_exceptions=False,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        got = [(a["level"], a["at"]) for a in map(orjson.loads, out.read_bytes().splitlines())]
        return got, result.stdout

    lines = stream.read_bytes().splitlines(keepends=True)
    copied = orjson.loads(lines[100])
    copied["id"], copied["created_at"] = "1" + copied["id"][1:], "9999-12-31T23:59:59.000Z"
    attacked = tmp_path / "attacked.jsonl"
    attacked.write_bytes(b"".join([*lines[:100], orjson.dumps(copied) + b"\n", *lines[100:]]))
    expected, _ = alerts_of(stream)
    got, summary = alerts_of(attacked)
    assert "crisis" in {level for level, _ in expected}  # the storm is there to be silenced
    assert got == expected
    assert "quarantined 1 lines" in summary
