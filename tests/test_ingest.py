"""Reading lines: detection, gzip and stdin, quarantine, strict mode, no loss."""

from __future__ import annotations

import gzip
import io
import random
import zlib
from pathlib import Path

import orjson
import pytest

from foretold.errors import InputError
from foretold.ingest import IngestStats, Quarantine, open_input, read_batches, read_lines
from foretold.post import Deletion, Post
from tests.conftest import FIXTURES, JSON_FIXTURES

GOOD = JSON_FIXTURES["x_v2"].read_bytes().splitlines(keepends=True)


def _read(
    lines: list[bytes], strict: bool = False
) -> tuple[list[Post | Deletion], IngestStats, io.BytesIO]:
    out = io.BytesIO()
    stats = IngestStats()
    records = [
        r for b in read_lines(lines, "in.jsonl", stats, Quarantine(out), strict=strict) for r in b
    ]
    return records, stats, out


def test_every_platform_fixture_is_detected_and_read_without_quarantine() -> None:
    for name, path in JSON_FIXTURES.items():
        stats = IngestStats()
        q = Quarantine(io.BytesIO())
        records = [r for b in read_batches([str(path)], stats, q) for r in b]
        assert stats.quarantined == 0, (name, q.reasons)
        assert records, name


def test_mixed_platforms_in_one_file_are_detected_per_line(tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_bytes(b"".join(p.read_bytes() for p in JSON_FIXTURES.values()))
    stats = IngestStats()
    list(read_batches([str(mixed)], stats, Quarantine()))
    assert set(stats.formats) == {"x_v2", "x_v1", "bluesky", "mastodon"}


def test_bad_lines_are_quarantined_with_line_number_raw_and_reason() -> None:
    lines = [GOOD[0], b'{"id": "2", "text": \n', b"\xff\xfe junk\n", b"[1, 2]\n", GOOD[1]]
    records, stats, out = _read(lines)
    assert [r.id for r in records] == ["1631000000000000001", "1631000000000000002"]
    bad = [orjson.loads(line) for line in out.getvalue().splitlines()]
    assert [b["line"] for b in bad] == [2, 3, 4]
    assert bad[0]["raw"] == '{"id": "2", "text": '
    assert bad[0]["reason"].startswith("not JSON")
    assert "raw_base64" in bad[1]  # not UTF-8: kept as bytes
    assert bad[2]["reason"].startswith("unrecognised record")
    assert stats.quarantined == 3 and stats.posts == 2 and stats.lines == 5


def test_strict_mode_stops_at_the_first_bad_line_with_its_position() -> None:
    with pytest.raises(InputError, match=r"in.jsonl:2: not JSON"):
        _read([GOOD[0], b"{oops\n"], strict=True)


def test_blank_lines_are_counted_not_quarantined() -> None:
    _, stats, out = _read([GOOD[0], b"\n", b"   \n"])
    assert stats.blank == 2 and stats.quarantined == 0 and out.getvalue() == b""


def test_gzip_input_is_recognised_by_magic_bytes(tmp_path: Path) -> None:
    path = tmp_path / "tweets.data"  # no .gz suffix on purpose
    path.write_bytes(gzip.compress(b"".join(GOOD)))
    stats = IngestStats()
    records = [r for b in read_batches([str(path)], stats, Quarantine()) for r in b]
    assert len(records) == len(GOOD)


@pytest.mark.parametrize("damage", ["truncated", "corrupt"])
def test_a_damaged_gzip_keeps_every_whole_line_before_the_break(
    tmp_path: Path, damage: str
) -> None:
    whole = gzip.compress(b"".join(GOOD * 200))
    if damage == "truncated":  # a download cut short: no end marker, the last line cut
        data = whole[: len(whole) * 2 // 3]
    else:  # the checksum in the trailer does not match: every line read, then the error
        data = whole[:-8] + bytes(b ^ 0xFF for b in whole[-8:-4]) + whole[-4:]
    path = tmp_path / "tweets.jsonl.gz"
    path.write_bytes(data)
    stats, out = IngestStats(), io.BytesIO()
    records = [r for b in read_batches([str(path)], stats, Quarantine(out)) for r in b]
    readable = gzip.GzipFile(fileobj=io.BytesIO(data))
    before = b""
    with pytest.raises((EOFError, OSError, zlib.error)):
        while chunk := readable.read1(1 << 12):  # what decodes before the break
            before += chunk
    whole_lines = before[: before.rfind(b"\n") + 1]
    intact = tmp_path / "intact.jsonl"
    intact.write_bytes(whole_lines)
    expected = IngestStats()
    assert records == [r for b in read_batches([str(intact)], expected, Quarantine()) for r in b]
    assert stats.quarantined == 1 and stats.lines == expected.lines + 1
    [why] = stats.damaged
    assert why.startswith(f"{path}: {damage} gzip")
    record = orjson.loads(out.getvalue())
    assert record["line"] == whole_lines.count(b"\n") + 1 and record["truncated"] is True
    assert record["raw"].encode() == before[before.rfind(b"\n") + 1 :]
    with pytest.raises(InputError, match=rf"{damage} gzip"):
        list(read_batches([str(path)], IngestStats(), Quarantine(), strict=True))


def test_a_truncated_gzip_csv_keeps_its_rows_and_says_why(tmp_path: Path) -> None:
    rows = "".join(f"{i},2013-11-13T16:00:{i % 60:02d}Z,u{i},post number {i}\n" for i in range(500))
    data = gzip.compress(("id,created_at,author,text\n" + rows).encode())
    path = tmp_path / "posts.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    stats, out = IngestStats(), io.BytesIO()
    records = [r for b in read_batches([str(path)], stats, Quarantine(out)) for r in b]
    assert 0 < len(records) < 500 and stats.damaged
    reasons = [orjson.loads(line)["reason"] for line in out.getvalue().splitlines()]
    assert reasons[-1].startswith("truncated gzip")


def test_missing_file_is_an_input_error_naming_it() -> None:
    with (
        pytest.raises(InputError, match=r"cannot open input .nope\.jsonl."),
        open_input("nope.jsonl"),
    ):
        pass


def test_deletion_notices_are_records_not_quarantine() -> None:
    status = {"id": 1, "id_str": "1", "user_id": 2, "user_id_str": "2"}
    lines = [orjson.dumps({"delete": {"status": status, "timestamp_ms": "1384376640000"}}) + b"\n"]
    records, stats, _ = _read(lines)
    assert records == [Deletion("x", "1")] and stats.deletions == 1


def test_csv_files_are_read_by_extension_and_bad_rows_quarantined() -> None:
    stats = IngestStats()
    out = io.BytesIO()
    records = [
        r
        for b in read_batches([str(FIXTURES / "csv" / "posts.csv")], stats, Quarantine(out))
        for r in b
    ]
    assert [r.id for r in records] == ["1001", "1002"]
    bad = [orjson.loads(line) for line in out.getvalue().splitlines()]
    assert [b["line"] for b in bad] == [5, 6, 7]
    assert orjson.loads(bad[1]["raw"])["followers"] == "many"


def corrupt(lines: list[bytes], rate: float, seed: int) -> tuple[list[bytes], int]:
    """Corrupt about ``rate`` of the lines in the four ways real archives break."""
    rng = random.Random(seed)
    out, bad = [], 0
    for line in lines:
        if rng.random() >= rate:
            out.append(line)
            continue
        bad += 1
        obj = orjson.loads(line)
        how = bad % 4
        if how == 0:
            out.append(line[: len(line) // 2] + b"\n")  # truncated JSON
        elif how == 1:
            out.append(bytes(rng.randrange(256) for _ in range(40)).replace(b"\n", b"") + b"\n")
        elif how == 2:
            obj["created_at"] = 12345  # wrong type
            out.append(orjson.dumps(obj) + b"\n")
        else:
            obj.pop("id")  # missing id
            out.append(orjson.dumps(obj) + b"\n")
    return out, bad


def test_a_tenth_corrupted_lines_keeps_every_good_post_and_quarantines_every_bad_line() -> None:
    base = [orjson.loads(line) for line in GOOD]
    lines = []
    for i in range(2000):  # 2,000 distinct posts from the fixture shapes
        obj = dict(base[i % len(base)])
        obj["id"] = str(10**17 + i)
        lines.append(orjson.dumps(obj) + b"\n")
    damaged, bad = corrupt(lines, 0.10, seed=3)
    records, stats, out = _read(damaged)
    assert 150 < bad < 250
    assert stats.quarantined == bad
    assert len(out.getvalue().splitlines()) == bad
    assert len(records) == len({r.id for r in records}) == 2000 - bad
