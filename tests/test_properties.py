"""Property tests: nothing crashes a reader, nothing is lost, posts survive round trips."""

from __future__ import annotations

import contextlib
import copy
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foretold.errors import FormatError
from foretold.export import export_posts
from foretold.formats import READERS, x_v2
from foretold.formats.csv_rows import DEFAULT_MAP, read_rows, text_lines
from foretold.formats.x_v2_decoder import decode_tweet
from foretold.ingest import IngestStats, Quarantine, read_lines
from foretold.post import Author, Counts, Media, Post, Ref
from foretold.store import Store
from tests.conftest import JSON_FIXTURES

FIXTURE_OBJECTS = [
    orjson.loads(line) for p in JSON_FIXTURES.values() for line in p.read_bytes().splitlines()
]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=20,
)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _accounted(stats: IngestStats) -> int:
    return stats.parsed + stats.events_skipped + stats.blank + stats.quarantined


@SETTINGS
@given(st.lists(st.binary(max_size=200).map(lambda b: b.replace(b"\n", b" ") + b"\n"), max_size=30))
def test_random_bytes_never_stop_a_run_and_every_line_is_accounted_for(lines: list[bytes]) -> None:
    stats = IngestStats()
    out = io.BytesIO()
    list(read_lines(lines, "fuzz", stats, Quarantine(out)))
    assert stats.lines == len(lines) == _accounted(stats)
    assert len(out.getvalue().splitlines()) == stats.quarantined


@SETTINGS
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "id",
                "text",
                "data",
                "author_id",
                "author",
                "user",
                "created_at",
                "kind",
                "commit",
                "did",
                "account",
                "content",
                "platform",
                "includes",
                "delete",
            ]
        ),
        json_values,
        max_size=8,
    )
)
def test_random_json_objects_raise_only_format_errors(obj: dict[str, Any]) -> None:
    for reader in READERS:
        with contextlib.suppress(FormatError):
            reader.parse(obj, b"")


def _mutate(obj: Any, path: list[int], value: Any) -> Any:
    """Replace the value at a pseudo-random path (indexes into keys/items) with ``value``."""
    node = obj
    for step in path:
        if isinstance(node, dict) and node:
            key = list(node)[step % len(node)]
            if not isinstance(node[key], (dict, list)) or not node[key]:
                node[key] = value
                return obj
            node = node[key]
        elif isinstance(node, list) and node:
            i = step % len(node)
            if not isinstance(node[i], (dict, list)):
                node[i] = value
                return obj
            node = node[i]
    if isinstance(node, dict) and node:
        node[list(node)[path[0] % len(node)] if path else next(iter(node))] = value
    return obj


@SETTINGS
@given(
    st.integers(0, len(FIXTURE_OBJECTS) - 1),
    st.lists(st.integers(0, 50), min_size=1, max_size=6),
    json_values,
)
def test_mutated_real_records_raise_only_format_errors(i: int, path: list[int], value: Any) -> None:
    obj = _mutate(copy.deepcopy(FIXTURE_OBJECTS[i]), path, value)
    line = json.dumps(obj).encode() + b"\n"  # stdlib: also writes >64-bit integers
    stats = IngestStats()
    list(read_lines([line], "mutated", stats, Quarantine()))
    assert _accounted(stats) == 1
    # a reader bug would show as "reader failed" instead of a FormatError reason


texts = st.text(
    st.characters(blacklist_categories=("Cs",)), max_size=300
)  # emoji, RTL, controls, newlines; lone surrogates are not valid JSON text


@st.composite
def posts(draw: st.DrawFn) -> Post:
    ms = draw(st.integers(0, 2_000_000_000_000))
    refs = st.none() | st.builds(
        Ref,
        st.text("0123456789", min_size=1, max_size=19),
        st.text("0123456789", max_size=19),
        st.text("abc_", max_size=15),
    )
    words = st.text("abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=12)
    media = st.builds(
        Media,
        st.sampled_from(["photo", "video", "animated_gif", "image", "gifv", "unknown"]),
        st.none() | st.just("https://pbs.twimg.com/media/") | texts,
        st.none() | texts,
        st.none() | st.text("0123456789_abcdef", min_size=1, max_size=20),
    )
    return Post(
        platform=draw(st.sampled_from(["x", "bluesky", "mastodon", "csv"])),
        id=draw(st.text("0123456789abcdef:/.", min_size=1, max_size=40)),
        text=draw(texts),
        created_at=datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms),
        author=Author(
            id=draw(st.text("0123456789", min_size=1, max_size=19)),
            handle=draw(words),
            name=draw(texts),
            followers=draw(st.none() | st.integers(0, 10**9)),
        ),
        counts=Counts(*(draw(st.integers(0, 10**7)) for _ in range(4))),
        kind=draw(st.sampled_from(["original", "reply", "repost", "quote"])),
        reply_to=draw(refs),
        quote_of=draw(refs),
        repost_of=draw(refs),
        hashtags=tuple(dict.fromkeys(draw(st.lists(words, max_size=3)))),
        mentions=tuple(dict.fromkeys(draw(st.lists(words, max_size=3)))),
        lang=draw(st.none() | st.sampled_from(["en", "ar", "he", "und"])),
        media=tuple(draw(st.lists(media, max_size=4))),
    )


def _essentials(p: Post, with_ref_authors: bool = True) -> tuple[Any, ...]:
    def ref(r: Ref | None) -> Any:
        return (
            None
            if r is None
            else (r.id, r.author_id, r.author_handle)
            if with_ref_authors
            else r.id
        )

    return (
        p.platform,
        p.id,
        p.text,
        p.created_at,
        p.author.id,
        p.author.handle,
        p.author.followers,
        p.kind,
        ref(p.reply_to),
        ref(p.quote_of),
        ref(p.repost_of),
        p.hashtags,
        p.mentions,
        p.media,
    )


@SETTINGS
@given(st.lists(posts(), min_size=1, max_size=5, unique_by=lambda p: p.key))
def test_posts_survive_store_and_jsonl_export_and_read_back(batch: list[Post]) -> None:
    store = Store(":memory:")
    store.put_posts(batch)
    out = io.BytesIO()
    export_posts(store.iter_posts(), "jsonl", out)
    stats = IngestStats()
    back = [r for b in read_lines(out.getvalue().splitlines(), "x", stats, Quarantine()) for r in b]
    assert stats.quarantined == 0
    assert [_essentials(p) for p in back] == [_essentials(p) for p in batch]  # type: ignore[arg-type]


@SETTINGS
@given(st.lists(posts(), min_size=1, max_size=5, unique_by=lambda p: p.key))
def test_posts_survive_csv_export_and_read_back(batch: list[Post]) -> None:
    for raw in (False, True):  # formulas neutralised (the default), and --csv-raw
        out = io.BytesIO()
        export_posts(batch, "csv", out, csv_raw=raw)
        # read as `replay` reads a CSV file: text_lines escapes a bare CR (and the
        # private-use escape character itself), read_rows takes the escapes off
        text = text_lines(io.BytesIO(out.getvalue()))
        back = [item for _, item, _ in read_rows(text, DEFAULT_MAP, raw=raw)]
        assert all(isinstance(p, Post) for p in back), back
        # CSV keeps reference ids only; hashtags and mentions come from their columns
        assert [_essentials(p, with_ref_authors=False) for p in back] == [  # type: ignore[arg-type]
            _essentials(p, with_ref_authors=False) for p in batch
        ]


@pytest.mark.parametrize("name", sorted(JSON_FIXTURES))
def test_every_platform_fixture_round_trips_through_export(name: str, tmp_path: Path) -> None:
    stats = IngestStats()
    lines = JSON_FIXTURES[name].read_bytes().splitlines()
    original = [
        r for b in read_lines(lines, name, stats, Quarantine()) for r in b if isinstance(r, Post)
    ]
    store = Store(tmp_path / "s.db")
    store.put_posts(original)
    for fmt in ("jsonl", "csv"):
        out = io.BytesIO()
        export_posts(store.iter_posts(), fmt, out)
        if fmt == "jsonl":
            back = [
                r
                for b in read_lines(out.getvalue().splitlines(), "e", IngestStats(), Quarantine())
                for r in b
            ]
        else:
            rows = read_rows(text_lines(io.BytesIO(out.getvalue())), DEFAULT_MAP)
            back = [item for _, item, _ in rows]
        unique = list({p.key: p for p in original}.values())
        full = fmt == "jsonl"
        assert [_essentials(p, full) for p in back] == [_essentials(p, full) for p in unique]  # type: ignore[arg-type]


def _flattened_lines() -> list[bytes]:
    # the media lines too: the typed decoder reads attachments.media as the reader does
    return (
        JSON_FIXTURES["x_v2"].read_bytes().splitlines()
        + JSON_FIXTURES["x_v2_media"].read_bytes().splitlines()
    )


FLAT_OBJECTS = [orjson.loads(line) for line in _flattened_lines()]


def _slow(line: bytes) -> Post | None:
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(obj, dict) or "author_id" not in obj:
        return None
    try:
        records = x_v2.parse(obj, line.rstrip(b"\r\n"))
    except FormatError:
        return None
    return records[0] if isinstance(records[0], Post) else None


@SETTINGS
@given(
    st.integers(0, len(FLAT_OBJECTS) - 1),
    st.lists(st.integers(0, 50), min_size=1, max_size=6),
    json_values,
)
def test_typed_decoder_agrees_with_the_general_reader(i: int, path: list[int], value: Any) -> None:
    obj = _mutate(copy.deepcopy(FLAT_OBJECTS[i]), path, value)
    line = json.dumps(obj).encode()
    fast = decode_tweet(line)
    if fast is not None:  # where it answers, it answers what the general path answers
        assert fast == _slow(line)


def test_typed_decoder_answers_for_every_plain_fixture_tweet() -> None:
    for line in _flattened_lines():
        obj = orjson.loads(line)
        post = decode_tweet(line)
        if "note_tweet" in obj:
            assert post is None
        else:
            assert post is not None and post == _slow(line)


@pytest.mark.parametrize("count", [2**63, -(2**63) - 1])
def test_a_count_beyond_64_bits_is_quarantined_not_stored(count: int) -> None:
    obj = copy.deepcopy(FLAT_OBJECTS[0])
    obj["public_metrics"] = {"reply_count": count}
    line = json.dumps(obj).encode()
    assert decode_tweet(line) is None  # SQLite could not hold it: the general path decides
    out = io.BytesIO()
    stats, quarantine = IngestStats(), Quarantine(out)
    with Store(":memory:") as store:
        for batch in read_lines([line, _flattened_lines()[1]], "t", stats, quarantine):
            store.write_batch([r for r in batch if isinstance(r, Post)], (), ())
        assert store.db.execute("SELECT count(*) FROM posts").fetchone()[0] == 1
    assert stats.quarantined == 1
    assert "reply_count" in orjson.loads(out.getvalue())["reason"]
