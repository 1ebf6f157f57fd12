"""Tail a growing JSON-lines file, for teams that collect with other tools.

The cursor is ``"{inode}:{offset}"``: the byte after the last complete line read.
Only whole lines are read (a line still being written waits for its newline).
Rotation is followed: when the path names a new file (another inode), the rest of
the old file is read first and the new one from its start; when the file shrinks
(truncated in place), reading starts again at 0. Each line's shape is detected as
``foretold replay`` does, or forced with ``reader``.

>>> import os, tempfile, threading
>>> from foretold.ingest import IngestStats, Quarantine
>>> d = tempfile.mkdtemp(); path = os.path.join(d, "posts.jsonl")
>>> line = '{"id":"1","text":"hi","created_at":"2024-01-01T00:00:00Z","author_id":"7"}'
>>> from pathlib import Path
>>> _ = Path(path).write_text(line + '\\n{"id"')
>>> tail = FileTail("file:posts", path, IngestStats(), Quarantine(), follow=False)
>>> [(len(b.records), b.cursor.split(":")[1]) for b in tail.batches(None, threading.Event())]
[(1, '75')]
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import IO, Any

from foretold.formats import detect
from foretold.ingest import IngestStats, Quarantine
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
        ino, offset = _parse_cursor(self.cursor)
        pending = b""
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
                        ino, offset = new_ino, 0
                    f.seek(offset)
                    pending = b""
                    self.set_state("connected", self.path)
                data = f.read(CHUNK)
                if data:
                    pending += data
                    cut = pending.rfind(b"\n") + 1
                    if cut:
                        lines, pending = pending[:cut], pending[cut:]
                        offset += cut
                        self.cursor = f"{ino}:{offset}"
                        yield SourceBatch(self._records(lines), self.cursor)
                    continue
                moved = self._moved(ino, offset + len(pending))
                if moved == "rotated":
                    f.close()
                    f, ino, offset = None, 0, 0
                    continue
                if moved == "truncated":
                    offset, pending = 0, b""
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

    def _records(self, lines: bytes) -> list[Record]:
        out: list[Record] = []
        for line in lines.split(b"\n"):
            if not line.strip():
                continue
            obj = self._decode.loads(line)
            if obj is None:
                continue
            reader = self.reader or detect(obj)
            if reader is None:
                self._decode.refuse(line, "unrecognised record: no reader accepts it")
                continue
            self._decode.reader = reader
            out.extend(self._decode.records(obj, line.rstrip(b"\r")))
        return out


def _parse_cursor(cursor: str | None) -> tuple[int, int]:
    if not cursor:
        return 0, 0
    ino, _, offset = cursor.partition(":")
    try:
        return int(ino), int(offset)
    except ValueError:
        return 0, 0
