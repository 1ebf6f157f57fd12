"""Reading posts from files: lines, gzip, stdin, per-line format detection, quarantine.

``read_batches`` turns input paths into batches of records. A line that cannot
be read never stops the run: it goes to the :class:`Quarantine` with its source,
line number, the raw line and the reason, and :class:`IngestStats` counts it.
With ``strict=True`` the first bad line raises :class:`InputError` instead.

>>> import io
>>> stats = IngestStats()
>>> lines = [b'{"id": "1", "text": "hi", "created_at": "2013-11-13T21:04:00Z", "author_id": "7"}\\n',
...          b'{"id": "2", "text": \\n']
>>> q = Quarantine(io.BytesIO())
>>> [r.id for batch in read_lines(lines, "<doc>", stats, q) for r in batch]
['1']
>>> stats.posts, stats.quarantined, q.reasons
(1, 1, Counter({'not JSON': 1}))
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import sys
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from types import ModuleType
from typing import IO, Any

import orjson

from foretold.clock import Clock
from foretold.errors import FormatError, InputError
from foretold.formats import Record, detect, reader_named, x_v2
from foretold.formats.csv_rows import PRESET_NAMES, read_rows, text_lines
from foretold.formats.x_v2_decoder import decode_tweet
from foretold.post import Deletion, Post
from foretold.streamtime import StreamTime, StreamTimeConfig, Where

BATCH = 2000
#: The longest line read, in bytes (8 MiB): a raw X API page of 100 tweets with its
#: expansions is well under 1 MiB. A longer line is quarantined as :class:`Oversize`.
MAX_LINE = 8 << 20
#: How much of an oversize line the quarantine keeps (with its length and SHA-256).
OVERSIZE_HEAD = 4096


@dataclass
class IngestStats:
    """What reading saw. Every line is exactly one of: ``parsed`` (gave records),
    ``events_skipped`` (a non-post event), ``blank`` or ``quarantined``."""

    lines: int = 0
    parsed: int = 0
    posts: int = 0
    deletions: int = 0
    events_skipped: int = 0
    blank: int = 0
    quarantined: int = 0
    formats: Counter[str] = field(default_factory=Counter)
    damaged: list[str] = field(default_factory=list)  # "path: why" of each file cut short
    notes: list[str] = field(default_factory=list)  # what reading chose for the user


@dataclass(frozen=True)
class Oversize:
    """A line longer than ``limit``, read in chunks and never held whole: its first
    ``OVERSIZE_HEAD`` bytes, its length in bytes (without the newline) and SHA-256."""

    head: bytes
    length: int
    sha256: str
    limit: int

    @property
    def reason(self) -> str:
        """Why it was refused, for the quarantine."""
        return f"line too long: {self.length:,} bytes, over the {self.limit:,}-byte limit"

    def put(self, quarantine: Quarantine, source: str, line_no: int) -> None:
        """Quarantine this line: truncated, with its length and hash to find it again."""
        quarantine.put(
            source, line_no, self.head, self.reason,
            {"length": self.length, "sha256": self.sha256, "truncated": True},
        )  # fmt: skip


@dataclass(frozen=True)
class Cut:
    """Where a damaged gzip file breaks off: the part of its last line read before the
    break (empty when it broke between lines), and why. The lines before it are kept."""

    head: bytes
    reason: str

    def put(self, quarantine: Quarantine, source: str, line_no: int) -> None:
        """Quarantine what was read of the line, marked truncated."""
        quarantine.put(source, line_no, self.head, self.reason, {"truncated": True})


#: What :func:`bounded_lines` yields in place of a line it cannot hand on whole.
Unreadable = (Oversize, Cut)


class _Salvage(io.RawIOBase):
    """A gzip stream read up to where it breaks: a truncated file (a download cut short,
    a disk that filled up) or corrupt bytes end the stream there instead of raising, and
    ``damage`` says why. One decoding step a call (``read1``: it raises only when a step
    yields nothing, where ``read`` drops what its earlier steps decoded), so every whole
    line before the break is read."""

    def __init__(self, gz: gzip.GzipFile) -> None:
        self._gz = gz
        self.damage: str | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.damage is not None:
            return 0
        try:
            data = self._gz.read1(len(buffer))
        except EOFError:
            self.damage = "truncated gzip: the file ends before the end of its compressed data"
            return 0
        except (OSError, zlib.error) as e:  # gzip.BadGzipFile is an OSError
            self.damage = f"corrupt gzip: {e}"
            return 0
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._gz.close()
        super().close()


def open_gzip(raw: IO[bytes]) -> IO[bytes]:
    """A gzip stream over ``raw`` that ends where the file breaks (:func:`damage_of`)."""
    return io.BufferedReader(_Salvage(gzip.GzipFile(fileobj=raw, mode="rb")), 1 << 16)


def damage_of(stream: IO[bytes]) -> str | None:
    """Why a stream from :func:`open_gzip` ended early; None when it did not."""
    return getattr(getattr(stream, "raw", None), "damage", None)


def bounded_lines(stream: IO[bytes], limit: int = MAX_LINE) -> Iterator[bytes | Oversize | Cut]:
    """The lines of a binary stream, each with its newline; a line over ``limit`` bytes
    comes as an :class:`Oversize`, so memory stays bounded by ``limit``; a gzip stream
    that breaks off (:func:`open_gzip`) ends with a :class:`Cut`.

    >>> import io
    >>> [x if isinstance(x, bytes) else x.length for x in bounded_lines(
    ...     io.BytesIO(b"ok\\n" + b"x" * 10 + b"\\nend"), limit=5)]
    [b'ok\\n', 10, b'end']
    >>> whole = gzip.compress(b'{"a": 1}\\n{"b": 2}\\n' * 50)
    >>> lines = list(bounded_lines(open_gzip(io.BytesIO(whole[:-12]))))
    >>> all(x.endswith(b"\\n") for x in lines[:-1]), lines[-1].head in b'{"b": 2}'
    (True, True)
    >>> lines[-1].reason  # the end of the data and its end marker are cut off
    'truncated gzip: the file ends before the end of its compressed data'
    """
    readline = stream.readline
    while line := readline(limit + 1):
        if len(line) <= limit or line[-1:] == b"\n":
            if line[-1:] != b"\n" and (why := damage_of(stream)) is not None:
                yield Cut(line[:OVERSIZE_HEAD], why)
                return
            yield line
            continue
        digest = hashlib.sha256(line)
        length = len(line)
        head = line[:OVERSIZE_HEAD]
        del line
        while True:  # the rest of the line, a chunk at a time
            more = readline(1 << 20)
            if not more:
                break
            end = more[-1:] == b"\n"
            if end:
                more = more[:-1]
                if more[-1:] == b"\r":
                    more = more[:-1]
            digest.update(more)
            length += len(more)
            if end:
                break
        yield Oversize(head, length, digest.hexdigest(), limit)
    if (why := damage_of(stream)) is not None:
        yield Cut(b"", why)


class Quarantine:
    """Bad lines, one JSON object a line: ``source``, ``line``, ``reason``, ``raw``.

    ``raw`` is the line as text when it is UTF-8, else ``raw_base64`` holds its bytes,
    so a quarantined line can always be recovered exactly. A line over the size limit
    keeps only its head, with ``length``, ``sha256`` and ``truncated``.
    """

    def __init__(self, out: IO[bytes] | None = None, path: Path | None = None) -> None:
        self.path = path
        self._out = out
        self.reasons: Counter[str] = Counter()
        self.examples: dict[str, str] = {}  # the first whole reason of each kind

    def commonest(self, n: int) -> list[tuple[str, int]]:
        """The ``n`` commonest kinds of refusal, each as its first whole reason (the fix is
        often in its wording) and how many lines it refused."""
        return [(self.examples[kind], count) for kind, count in self.reasons.most_common(n)]

    def put(
        self,
        source: str,
        line_no: int,
        raw: bytes,
        reason: str,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Keep one bad line with why it was refused (``extra`` fields added as they are)."""
        kind = reason.split(":", 1)[0]
        self.reasons[kind] += 1
        self.examples.setdefault(kind, reason)
        if self._out is None:
            if self.path is None:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._out = self.path.open("ab")
        record: dict[str, Any] = {"source": source, "line": line_no, "reason": reason}
        raw = raw.rstrip(b"\r\n")
        try:
            record["raw"] = raw.decode("utf-8")
        except UnicodeDecodeError:
            import base64

            record["raw_base64"] = base64.b64encode(raw).decode("ascii")
        if extra:
            record.update(extra)
        self._out.write(orjson.dumps(record) + b"\n")

    def close(self) -> None:
        """Flush and close the file if one was opened."""
        if self._out is not None:
            self._out.flush()
            if self.path is not None:
                self._out.close()
                self._out = None


@contextmanager
def open_input(path: str) -> Iterator[IO[bytes]]:
    """A binary stream for a path, ``-`` for stdin; gzip is recognised by its magic bytes."""
    if path == "-":
        raw: IO[bytes] = sys.stdin.buffer
    else:
        try:
            raw = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as e:
            raise InputError(f"cannot open input {path!r}: {e.strerror}") from None
    try:
        head = raw.peek(2)[:2] if isinstance(raw, io.BufferedReader) else b""
        if head == b"\x1f\x8b":
            with open_gzip(raw) as gz:
                yield gz
        else:
            yield raw
    finally:
        if path != "-":
            raw.close()


def read_lines(
    lines: Iterable[bytes | Oversize | Cut],
    source: str,
    stats: IngestStats,
    quarantine: Quarantine,
    reader: ModuleType | None = None,
    strict: bool = False,
    batch_size: int = BATCH,
    gate: StreamTime | None = None,
) -> Iterator[list[Record]]:
    """Batches of records from JSON lines; ``reader`` None means detect per line; posts
    pass the stream-time ``gate`` when one is given (:func:`read_batches` gives one)."""
    return _line_batches(lines, source, stats, quarantine, reader, strict, batch_size, gate)


def _line_batches(
    lines: Iterable[bytes | Oversize | Cut],
    source: str,
    stats: IngestStats,
    quarantine: Quarantine,
    reader: ModuleType | None,
    strict: bool,
    size: int,
    gate: StreamTime | None,
) -> Iterator[list[Record]]:
    """Batches are filled here rather than by a generator per record: this loop runs
    once per line of a firehose, and the fast path's counts are added per batch."""
    loads = orjson.loads
    n = 0
    batch: list[Record] = []
    append = batch.append
    fast_posts = 0  # added to stats when a batch is handed on

    def refuse(line: bytes, reason: str) -> None:
        if strict:
            raise InputError(f"{source}:{n}: {reason}")
        stats.quarantined += 1
        quarantine.put(source, n, line, reason)

    fast = decode_tweet if reader is None or reader is x_v2 else None
    for n, line in enumerate(lines, 1):
        if isinstance(line, Unreadable):
            if strict:
                raise InputError(f"{source}:{n}: {line.reason}")
            stats.quarantined += 1
            line.put(quarantine, source, n)
            continue
        if fast is not None and (post := fast(line)) is not None:
            fast_posts += 1
            if gate is None:
                append(post)
            else:
                batch.extend(gate.admit(post, (source, n)))
            if len(batch) >= size:
                _count_fast(stats, fast_posts)
                fast_posts = 0
                yield batch
                batch = []
                append = batch.append
            continue
        if not line.strip():
            stats.blank += 1
            continue
        try:
            obj = loads(line)
        except orjson.JSONDecodeError as e:
            refuse(line, f"not JSON: {e}")
            continue
        r = reader or detect(obj)
        if r is not None and r is not x_v2:
            fast = None  # another platform's file: stop decoding each line twice
        if r is None:
            what = f"keys {sorted(obj)[:8]}" if isinstance(obj, dict) else type(obj).__name__
            refuse(line, f"unrecognised record: no reader accepts {what}")
            continue
        try:
            records = r.parse(obj, line.rstrip(b"\r\n"))
        except FormatError as e:
            refuse(line, f"{r.NAME}: {e.reason}")
            continue
        except Exception as e:  # a reader bug must not lose the line either
            refuse(line, f"{r.NAME}: reader failed: {type(e).__name__}: {e}")
            continue
        if not records:
            stats.events_skipped += 1
            continue
        stats.parsed += 1
        stats.formats[r.NAME] += 1
        for rec in records:
            if isinstance(rec, Deletion):
                stats.deletions += 1
                append(rec)
                continue
            stats.posts += 1
            if gate is None:
                append(rec)
            else:
                batch.extend(gate.admit(rec, (source, n)))
        if len(batch) >= size:
            _count_fast(stats, fast_posts)
            fast_posts = 0
            yield batch
            batch = []
            append = batch.append
    _count_fast(stats, fast_posts)
    stats.lines += n
    if batch:
        yield batch


def _count_fast(stats: IngestStats, posts: int) -> None:
    stats.parsed += posts
    stats.posts += posts
    if posts:
        stats.formats["x_v2"] += posts


def read_csv(
    stream: IO[bytes],
    source: str,
    stats: IngestStats,
    quarantine: Quarantine,
    mapping: dict[str, str] | None = None,
    platform: str = "csv",
    strict: bool = False,
    batch_size: int = BATCH,
    gate: StreamTime | None = None,
    raw: bool = False,
    encoding: str = "utf-8",
) -> Iterator[list[Record]]:
    """Batches of posts from a CSV file with a column mapping (through ``gate``, if any);
    ``raw``: cells as they are, not taken back from the export's formula neutralisation;
    ``encoding``: the file's text encoding (``cp1252`` for many Excel and R exports)."""
    rows = _csv_records(stream, source, stats, quarantine, mapping, platform, strict, raw, encoding)
    return _batched(_gated(rows, source, gate), batch_size)


def _gated(
    posts: Iterator[tuple[Post, int]], source: str, gate: StreamTime | None
) -> Iterator[Record]:
    for post, n in posts:
        if gate is None:
            yield post
        else:
            yield from gate.admit(post, (source, n))


def _csv_records(
    stream: IO[bytes],
    source: str,
    stats: IngestStats,
    quarantine: Quarantine,
    mapping: dict[str, str] | None,
    platform: str,
    strict: bool,
    raw: bool,
    encoding: str,
) -> Iterator[tuple[Post, int]]:
    rows = 0
    lines = text_lines(stream, encoding)

    def chose(preset: str) -> None:
        stats.notes.append(
            f"{source}: read as {PRESET_NAMES[preset]} (--csv-preset {preset}), from its header"
        )

    for line_no, item, row in read_rows(lines, mapping, platform, raw, chose):
        rows += 1
        if isinstance(item, FormatError):
            if strict:
                raise InputError(f"{source}:{line_no}: csv: {item.reason}")
            stats.quarantined += 1
            # json escapes the lone surrogates of undecodable bytes, so the row stays recoverable
            kept = json.dumps(row, ensure_ascii=True).encode("ascii")
            quarantine.put(source, line_no, kept, f"csv: {item.reason}")
            continue
        stats.posts += 1
        stats.parsed += 1
        stats.formats["csv"] += 1
        yield item, line_no
    stats.lines += rows


def _batched(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for rec in records:
        batch.append(rec)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def in_time_order(batches: Iterable[list[Record]], size: int = BATCH) -> Iterator[list[Record]]:
    """The records of ``batches`` with their posts in stream-time order, for the detector.

    An archive need not be written in time order: a twarc2 search is newest first, and
    PHEME's CSV goes thread by thread. The detector closes each minute once, so a post
    older than the open minute would be counted where it does not belong. The records are
    read whole (stats and quarantine as they come); if the posts are already in time
    order, the batches are given back as they were read, else the posts are sorted by
    ``created_at`` (stable: equal times keep their order), deletions after them, in
    batches of ``size``::

        file      10:05 10:01 10:09 10:02   (one thread, then another)
        played    10:01 10:02 10:05 10:09

    >>> from datetime import UTC, datetime
    >>> from foretold.post import Author
    >>> p = lambda i, m: Post("x", i, "", datetime(2024, 1, 1, 10, m, tzinfo=UTC), Author("a", "a"))
    >>> [r.id for b in in_time_order([[p("a", 5), p("b", 1)], [p("c", 9), p("d", 2)]]) for r in b]
    ['b', 'd', 'a', 'c']
    """
    read = list(batches)
    times = [r.created_at for b in read for r in b if isinstance(r, Post)]
    if all(a <= b for a, b in pairwise(times)):
        yield from read
        return
    posts = [r for b in read for r in b if isinstance(r, Post)]
    posts.sort(key=lambda p: p.created_at)
    records: list[Record] = [*posts, *(r for b in read for r in b if not isinstance(r, Post))]
    yield from _batched(iter(records), size)


def read_batches(
    paths: Sequence[str],
    stats: IngestStats,
    quarantine: Quarantine,
    fmt: str = "auto",
    strict: bool = False,
    csv_map: dict[str, str] | None = None,
    csv_platform: str = "csv",
    clock: Clock | None = None,
    stream_time: StreamTimeConfig | None = None,
    csv_raw: bool = False,
    csv_encoding: str = "utf-8",
) -> Iterator[list[Record]]:
    """Batches of records from every path in turn (``-`` is stdin); CSV files are read
    with ``csv_map`` (see :mod:`foretold.formats.csv_rows`; None: the header picks the
    preset, noted in ``stats.notes``) in ``csv_encoding``.

    Every post passes one :class:`~foretold.streamtime.StreamTime` gate across all the
    paths (``clock`` gives the wall clock it reads): posts from the future, and lone posts
    far ahead of the stream, are quarantined so they cannot move stream time.
    """

    def refuse(post: Post, where: Where, reason: str) -> None:
        if strict:
            raise InputError(f"{where[0]}:{where[1]}: {reason}")
        stats.quarantined += 1
        stats.posts -= 1
        stats.parsed -= 1
        quarantine.put(where[0], where[1], post.raw or orjson.dumps(post.to_dict()), reason)

    gate = StreamTime(clock, stream_time, refuse)
    for path in paths:
        is_csv = fmt == "csv" or (fmt == "auto" and _looks_csv(path))
        with open_input(path) as stream:
            if is_csv:
                yield from read_csv(
                    stream, path, stats, quarantine, csv_map, csv_platform, strict, gate=gate,
                    raw=csv_raw, encoding=csv_encoding,
                )  # fmt: skip
            else:
                reader = None if fmt == "auto" else reader_named(fmt)
                yield from read_lines(
                    bounded_lines(stream), path, stats, quarantine, reader, strict, gate=gate
                )
            if (why := damage_of(stream)) is not None:  # the lines before the break are read
                if is_csv:  # (JSON lines: bounded_lines quarantined the cut line already)
                    if strict:
                        raise InputError(f"{path}: {why}")
                    stats.quarantined += 1
                    quarantine.put(path, 0, b"", why, {"truncated": True})
                stats.damaged.append(f"{path}: {why}")
    if rest := gate.flush():
        yield list(rest)


def _looks_csv(path: str) -> bool:
    name = path.lower().removesuffix(".gz")
    return name.endswith((".csv", ".tsv"))
