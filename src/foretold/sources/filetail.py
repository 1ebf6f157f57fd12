"""Tail a growing JSON-lines file, for teams that collect with other tools.

The cursor is ``"{inode}:{offset}:{line}"``: the byte after the last complete line read
and that line's number, so quarantined lines carry the file's own line numbers across
restarts (a cursor without the line number, from an older foretold, still resumes).
Only whole lines are read (a line still being written waits for its newline); a line
over ``MAX_LINE`` bytes is read in chunks and quarantined with its length and hash,
never held whole.
Rotation is followed: when the path names a new file (another inode), the rest of
the old file is read first and the new one from its start; when the file shrinks
(truncated in place), reading starts again at 0. Each line's shape is detected as
``foretold replay`` does, or forced with ``reader``.

>>> import os, tempfile, threading
>>> from foretold.ingest import MAX_LINE, OVERSIZE_HEAD, IngestStats, Oversize, Quarantine
>>> d = tempfile.mkdtemp(); path = os.path.join(d, "posts.jsonl")
>>> line = '{"id":"1","text":"hi","created_at":"2024-01-01T00:00:00Z","author_id":"7"}'
>>> from pathlib import Path
>>> _ = Path(path).write_text(line + '\\n{"id"')
>>> tail = FileTail("file:posts", path, IngestStats(), Quarantine(), follow=False)
>>> [(len(b.records), b.cursor.split(":")[1]) for b in tail.batches(None, threading.Event())]
[(1, '75')]
>>> tail.cursor.split(":")[2]
'1'
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from typing import IO, Any

from foretold.formats import detect
from foretold.ingest import MAX_LINE, OVERSIZE_HEAD, IngestStats, Oversize, Quarantine
from foretold.sources.base import Decoder, LiveSource, Record, SourceBatch

CHUNK = 1 << 20


class FileTail(LiveSource):
    """A growing JSONL file; ``follow=False`` stops at the end of the file (tests, backfill)."""

    kind = "file"

    def __init__(
        self,
        name: str,
        path: str,
        stats: IngestStats,
        quarantine: Quarantine,
        reader: Any = None,
        poll_s: float = 0.5,
        follow: bool = True,
        **kw: Any,
    ) -> None:
        super().__init__(name, **kw)
        self.path = path
        self.reader = reader
        self.poll_s = poll_s
        self.follow = follow
        self.max_line = MAX_LINE
        self._quarantine = quarantine
        self._decode = Decoder(name, reader, quarantine, stats)

    def batches(self, cursor: str | None, stop: threading.Event) -> Iterator[SourceBatch]:
        """Batches of whole lines until ``stop`` (or the end of the file without ``follow``)."""
        self.cursor = cursor
        self.stats.connects += 1
        for batch in self.connect(stop):
            self.rate.add(len(batch.records))
            yield batch
        self.set_state("stopped")

    def connect(self, stop: threading.Event) -> Iterator[SourceBatch]:
        """Read, follow rotation and truncation, and poll on the clock when idle."""
        f: IO[bytes] | None = None
        ino, offset, line_no = _parse_cursor(self.cursor)
        pending = b""
        long: _Long | None = None  # a line over the limit, being skipped
        try:
            while not stop.is_set():
                if f is None:
                    f, new_ino = self._open()
                    if f is None:
                        self.set_state("waiting", f"no file at {self.path} yet")
                        if not self.follow:
                            return
                        self.sleep(self.poll_s, stop)
                        continue
                    if new_ino != ino:  # another file than the cursor's: start at 0
                        ino, offset, line_no = new_ino, 0, 0
                    f.seek(offset)
                    pending, long = b"", None
                    self.set_state("connected", self.path)
                data = f.read(CHUNK)
                if data:
                    if long is not None:
                        end = data.find(b"\n")
                        long.add(data if end < 0 else data[:end])
                        if end < 0:
                            offset += len(data)
                            continue
                        offset += end + 1
                        line_no += 1
                        self._decode.stats.quarantined += 1
                        long.done(self.max_line).put(self._quarantine, self.name, line_no)
                        long, data = None, data[end + 1 :]
                        self.cursor = f"{ino}:{offset}:{line_no}"
                    pending += data
                    cut = pending.rfind(b"\n") + 1
                    if cut:
                        lines, pending = pending[:cut], pending[cut:]
                        offset += cut
                        first = line_no + 1
                        line_no += lines.count(b"\n")
                        self.cursor = f"{ino}:{offset}:{line_no}"
                        yield SourceBatch(self._records(lines, first), self.cursor)
                    if len(pending) > self.max_line:  # no newline in sight: skip it
                        long = _Long(pending)
                        offset += len(pending)
                        pending = b""
                    continue
                moved = self._moved(ino, offset + len(pending))
                if moved == "rotated":
                    f.close()
                    f, ino, offset, line_no = None, 0, 0, 0
                    continue
                if moved == "truncated":
                    offset, line_no, pending, long = 0, 0, b"", None
                    f.seek(0)
                    continue
                if not self.follow:
                    return
                self.sleep(self.poll_s, stop)
        finally:
            if f is not None:
                f.close()

    def _open(self) -> tuple[IO[bytes] | None, int]:
        try:
            f = open(self.path, "rb")  # noqa: SIM115 - closed by connect
        except FileNotFoundError:
            return None, 0
        return f, os.fstat(f.fileno()).st_ino

    def _moved(self, ino: int, read_to: int) -> str:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return ""  # rotated away and not yet recreated: keep the old file
        if st.st_ino != ino:
            return "rotated"
        if st.st_size < read_to:
            return "truncated"
        return ""

    def _records(self, lines: bytes, first: int) -> list[Record]:
        """The records of whole lines; ``first`` is the file's line number of the first."""
        out: list[Record] = []
        decode = self._decode
        for n, line in enumerate(lines.split(b"\n"), first):
            if not line.strip():
                continue
            if len(line) > self.max_line:  # came whole within one read: refused all the same
                decode.stats.quarantined += 1
                _Long(line).done(self.max_line).put(self._quarantine, self.name, n)
                continue
            obj = decode.loads(line, n)
            if obj is None:
                continue
            reader = self.reader or detect(obj)
            if reader is None:
                decode.refuse(line, "unrecognised record: no reader accepts it", n)
                continue
            decode.reader = reader
            out.extend(decode.records(obj, line.rstrip(b"\r"), n))
        return out


class _Long:
    """A line over the limit, hashed and measured a chunk at a time."""

    def __init__(self, head: bytes) -> None:
        self.head = head[:OVERSIZE_HEAD]
        self.length = 0
        self.digest = hashlib.sha256()
        self.add(head)

    def add(self, data: bytes) -> None:
        self.digest.update(data)
        self.length += len(data)

    def done(self, limit: int) -> Oversize:
        return Oversize(self.head, self.length, self.digest.hexdigest(), limit)


def _parse_cursor(cursor: str | None) -> tuple[int, int, int]:
    """``(inode, offset, line)``; an older two-part cursor resumes with line numbers from 0."""
    if not cursor:
        return 0, 0, 0
    parts = cursor.split(":")
    try:
        ino, offset = int(parts[0]), int(parts[1])
        line = int(parts[2]) if len(parts) > 2 else 0
    except (ValueError, IndexError):
        return 0, 0, 0
    return ino, offset, line
