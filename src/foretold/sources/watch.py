"""Several live sources in one process, feeding one pipeline, with a clean shutdown.

Each source runs on its own thread and hands :class:`SourceBatch` es to a queue; the
main thread merges what is waiting into pipeline batches, and every pipeline batch
carries the last cursor of each source it holds, so the cursor is stored in the
same transaction as the posts before it: a restart resumes exactly after the last
stored post. Setting ``stop`` (Ctrl-C, SIGTERM) stops the reading; the batches
already read are processed and stored, the store writer is flushed, and the
status rows say ``stopped``.

::

    source thread ─┐
    source thread ─┼──> backlog ──> merge (cursors per source) ──> LivePipeline ──> store
    source thread ─┘                 └──> source_status rows (on change, every second)

The backlog between them holds at most ``BACKLOG_RECORDS`` records (plus one batch):
a watch slower than its sources (a busy machine, a burst) makes the source threads
wait, and the file or the socket keeps the rest, instead of this process holding it
in memory. (It used to hold 10,000 *batches*: a file source's batch is up to 1 MiB of
lines, so a watch behind its file grew by the size of its lag; docs/soak.md.)

>>> b = Backlog(3)
>>> b.put(("src", SourceBatch([1, 2], "c1")))
>>> b.qsize(), b.full()
(2, False)
>>> b.put(("src", SourceBatch([3, 4], "c2")))  # admitted below the bound: may pass it
>>> b.qsize(), b.full()
(4, True)
>>> b.put(("src", SourceBatch([5], "c3")), timeout=0.01)  # full: the source waits
Traceback (most recent call last):
...
queue.Full
>>> b.get()[1].cursor, b.qsize()
('c1', 2)
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from foretold.clock import Clock, SystemClock
from foretold.pipeline import Pipeline, RunResult
from foretold.records import Record
from foretold.sources.base import LiveSource, SourceBatch, SourceError, SourceStatus
from foretold.sources.status import StatusBoard
from foretold.store import Store

#: records the backlog between the source threads and the pipeline holds (10 s of a
#: source at 1,000 posts/s; about 16 MB of lines and decoded posts in the soak bench)
BACKLOG_RECORDS = 10_000


class Backlog(queue.Queue[tuple[LiveSource, object]]):
    """A queue of ``(source, SourceBatch or end)`` bounded by records, not by items: its
    size is the records it holds (an item of no records counts one), and ``put`` waits
    while that is at ``maxsize``."""

    def _init(self, maxsize: int) -> None:
        super()._init(maxsize)
        self._records = 0

    def _qsize(self) -> int:
        return self._records

    def _put(self, item: tuple[LiveSource, object]) -> None:
        self._records += _cost(item)
        super()._put(item)

    def _get(self) -> tuple[LiveSource, object]:
        item = super()._get()
        self._records -= _cost(item)
        return item


def _cost(item: tuple[LiveSource, object]) -> int:
    batch = item[1]
    return max(1, len(batch.records)) if isinstance(batch, SourceBatch) else 1


class LivePipeline(Pipeline):
    """A pipeline whose batches carry the cursors their source batches ended at.

    A live stream has no end: a watch that stops (Ctrl-C, or ``follow = false`` at the
    end of a file) leaves its last minute open in the stored detector state, and the
    next watch closes it with the posts that are still to come, as one run would."""

    input_ends: ClassVar[bool] = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cursors: dict[int, list[tuple[str, str, str]]] = {}

    def attach(self, records: list[Record], cursors: list[tuple[str, str, str]]) -> None:
        """Remember the cursors to store with this list of records."""
        self._cursors[id(records)] = cursors

    def cursors_of(self, records: list[Record]) -> list[tuple[str, str, str]]:
        """The cursors attached to this batch (stored in its transaction)."""
        return self._cursors.pop(id(records), [])

    def waiting(self) -> bool:
        """Whether a stage has work in flight that a later batch will carry out (pictures
        being fetched or read: their labels follow as updates, docs/media.md)."""
        for stage in self.stages:
            waiting = getattr(stage, "waiting", None)
            if waiting is not None and waiting():
                return True
        return False


@dataclass
class WatchResult:
    """What a watch did: the pipeline's totals and each source's last status."""

    run: RunResult
    statuses: dict[str, SourceStatus] = field(default_factory=dict)


_DONE = object()


class Watch:
    """Runs ``sources`` into ``pipeline`` until ``stop`` is set or every source ends.

    While no post comes and a stage is :meth:`LivePipeline.waiting`, an empty batch goes
    through the stages every ``tick_s`` seconds, so a picture read in a quiet minute
    still reaches the detector and the store as an update. When every source has ended
    on its own (a file read with ``follow = false``), those pictures are waited for, an
    empty batch every ``tick_s``, for at most ``drain_s`` seconds; on a stop (Ctrl-C,
    SIGTERM), for at most ``stop_wait_s`` seconds of ``clock`` (a second signal stops at
    once), so their updates are in the detectors' last snapshot (docs/media.md)."""

    def __init__(
        self,
        sources: Sequence[LiveSource],
        pipeline: LivePipeline,
        clock: Clock | None = None,
        max_batch: int = 2000,
        status_every_s: float = 1.0,
        join_timeout_s: float = 5.0,
        tick_s: float = 1.0,
        drain_s: float = 30.0,
        stop_wait_s: float = 10.0,
    ) -> None:
        self.sources = tuple(sources)
        self.pipeline = pipeline
        self.clock = clock or SystemClock()
        self.max_batch = max_batch
        self.status_every_s = status_every_s
        self.join_timeout_s = join_timeout_s
        self.tick_s = tick_s
        self.drain_s = drain_s
        self.stop_wait_s = stop_wait_s
        names = [s.name for s in self.sources]
        if len(set(names)) != len(names):
            from foretold.errors import ConfigError

            raise ConfigError(f"source names must be unique, got {names}")

    def run(self, stop: threading.Event) -> WatchResult:
        """Read every source, store every batch with its cursors; returns after ``stop``."""
        store: Store = self.pipeline.store
        cursors = {s.name: store.cursor(s.name) for s in self.sources}
        board = StatusBoard(store)
        q: queue.Queue[tuple[LiveSource, object]] = Backlog(BACKLOG_RECORDS)
        threads = [
            threading.Thread(
                target=_pump, args=(s, cursors[s.name], stop, q), name=f"source-{s.name}",
                daemon=True,
            )
            for s in self.sources
        ]  # fmt: skip
        for t in threads:
            t.start()
        try:
            result = self.pipeline.run(self._merged(q, stop, board))
        finally:
            stop.set()
            for s in self.sources:
                s.close()
            for t in threads:
                t.join(self.join_timeout_s)
            statuses = {s.name: s.status for s in self.sources}
            for st in statuses.values():
                board.put(st)
            board.close()
        return WatchResult(result, statuses)

    def _merged(
        self, q: queue.Queue[tuple[LiveSource, object]], stop: threading.Event, board: StatusBoard
    ) -> Iterator[list[Record]]:
        live = len(self.sources)
        written: dict[str, tuple[str, str, object]] = {}
        last_write = -1e18
        last_batch = self.clock.monotonic()
        while live:
            now = self.clock.monotonic()
            changed = any(_key(s.status) != written.get(s.name) for s in self.sources)
            if changed or now - last_write >= self.status_every_s:
                for s in self.sources:
                    st = s.status
                    board.put(st)
                    written[s.name] = _key(st)
                last_write = now
            try:
                src, item = q.get(timeout=0.1 if not stop.is_set() else 0.0)
            except queue.Empty:
                if stop.is_set():
                    yield from self._stopping()  # the pictures in flight, bounded
                    return
                if now - last_batch >= self.tick_s and self.pipeline.waiting():
                    last_batch = now
                    yield []  # pictures read meanwhile: their updates go out
                continue
            records: list[Record] = []
            ends: dict[str, str] = {}
            while True:
                if item is _DONE:
                    live -= 1
                elif isinstance(item, Exception):
                    raise SourceError(f"source {src.name!r} failed: {item}") from item
                else:
                    assert isinstance(item, SourceBatch)
                    records.extend(item.records)
                    if item.cursor is not None:
                        ends[src.name] = item.cursor
                if len(records) >= self.max_batch:
                    break
                try:
                    src, item = q.get_nowait()
                except queue.Empty:
                    break
            last_batch = self.clock.monotonic()
            stamp = self.clock.now().isoformat()
            self.pipeline.attach(records, [(n, c, stamp) for n, c in ends.items()])
            yield records
        # every source ended on its own: the pictures in flight go out as updates
        for _ in range(int(self.drain_s / self.tick_s) if self.tick_s > 0 else 0):
            if stop.is_set() or not self.pipeline.waiting():
                return
            stop.wait(self.tick_s)
            yield []

    def _stopping(self) -> Iterator[list[Record]]:
        """A stop: while pictures are being fetched or read, an empty batch every
        ``tick_s`` carries what is read meanwhile, for at most ``stop_wait_s``."""
        deadline = self.clock.monotonic() + self.stop_wait_s
        while self.pipeline.waiting():
            left = deadline - self.clock.monotonic()
            if left <= 0:
                return
            self.clock.sleep(min(max(self.tick_s, 0.01), left))
            yield []


def _key(st: SourceStatus) -> tuple[str, str, object]:
    return (st.state, st.detail, st.until)


def _pump(
    source: LiveSource,
    cursor: str | None,
    stop: threading.Event,
    q: queue.Queue[tuple[LiveSource, object]],
) -> None:
    end: object = _DONE
    try:
        for batch in source.batches(cursor, stop):
            while True:  # a full queue must not block shutdown
                try:
                    q.put((source, batch), timeout=0.2)
                    break
                except queue.Full:
                    if stop.is_set():
                        return
    except Exception as e:  # a bug in a source stops the watch with its error
        end = e
        stop.set()
    finally:
        with contextlib.suppress(queue.Full):
            q.put((source, end), timeout=1.0)
