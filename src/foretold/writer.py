"""Writing batches to the store off the pipeline's thread.

SQLite does most of its work with the GIL released, but a writer *thread* in
the same process still waits for the GIL after every row, so it barely overlaps
the parsing thread. :class:`ProcessWriter` therefore gives the write connection
to a child process: the pipeline turns posts into rows (cheap), sends them
through a pipe, and goes on parsing while the child inserts. In the child a
second thread runs WAL checkpoints, which copy pages and fsync without the GIL,
so neither the parser nor the inserter waits for the disk.

:class:`InlineWriter` writes on the caller's thread: used for ``:memory:``
stores, tests, and where a second process is not wanted.

Both keep batch order, commit each batch in one transaction, count new and
duplicate posts, and re-raise the writer's error in the pipeline.
"""

from __future__ import annotations

import contextlib
import marshal
import multiprocessing as mp
import signal
import threading
from multiprocessing.connection import Connection
from typing import Any, Protocol

from foretold.errors import StoreError
from foretold.media import ReadingRow
from foretold.records import Batch
from foretold.store import WAL_PASSIVE, Store, post_row

Labels = list[tuple[str, str, str, bytes]]
Memberships = list[tuple[str, str, str]]
# rows, deletions, memberships, labels, alerts, window metrics, phases, cursors,
# outbox deliveries, snapshots, image readings: the arguments of Store.write_rows
Message = tuple[
    list[tuple[Any, ...]],
    list[tuple[str, str]],
    Memberships,
    Labels,
    list[dict[str, Any]],
    list[tuple[str, int, int, bytes]],
    list[tuple[str, int, str]],
    list[tuple[str, str, str]],
    list[tuple[str, str, str]],
    list[tuple[str, bytes, str]],
    list[ReadingRow],
]

_STOP = b"stop"  # not a marshal payload of a batch
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class BatchWriter(Protocol):
    """Takes batches in order; ``close`` returns ``(new, duplicates, memberships)`` totals."""

    def put(self, message: Message) -> None: ...

    def close(self) -> tuple[int, int, int]: ...


def message(batch: Batch) -> Message:
    """A batch as plain rows and tuples, ready to cross a process boundary: the one
    row-building function of every runner (``store.write_rows(*message(batch))``)."""
    return (
        [post_row(p) for p in batch.posts], [(d.platform, d.id) for d in batch.deletions],
        batch.memberships, batch.labels, batch.alerts, batch.metrics, batch.phases,
        batch.cursors, batch.deliveries, batch.snapshots, batch.readings,
    )  # fmt: skip


class InlineWriter:
    """Writes each batch at once on the caller's thread."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.totals = (0, 0, 0)

    def put(self, message: Message) -> None:
        self.totals = _add(self.totals, self.store.write_rows(*message))
        self.store.bound_wal()  # between PASSIVE autocheckpoints, the hard bound

    def close(self) -> tuple[int, int, int]:
        return self.totals


class ProcessWriter:
    """Writes batches in a child process that owns the store's write connection."""

    def __init__(self, path: str) -> None:
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(
            target=_serve, args=(path, child), name="foretold-store", daemon=True
        )
        # Ctrl-C reaches the whole process group: the child must not die of it (nor print
        # a traceback); it ignores SIGINT and SIGTERM and stops when the parent says so.
        # Blocked while it starts, so no signal lands before it ignores them.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        try:
            self._proc.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        child.close()
        self._unacked = 0

    def put(self, message: Message) -> None:
        # at most a few batches in flight: memory stays flat and errors surface early
        while self._unacked >= 4:
            self._ack()
        self._conn.send_bytes(
            marshal.dumps(message)
        )  # marshal: faster than pickle for plain tuples
        self._unacked += 1

    def _ack(self) -> None:
        try:
            reply = self._conn.recv()
        except EOFError:
            raise StoreError("the store writer process died") from None
        if isinstance(reply, BaseException):
            raise reply
        self._unacked -= 1

    def close(self) -> tuple[int, int, int]:
        while self._unacked:
            self._ack()
        self._conn.send_bytes(_STOP)
        try:
            reply = self._conn.recv()
        except EOFError:
            raise StoreError("the store writer process died") from None
        self._proc.join()
        if isinstance(reply, BaseException):
            raise reply
        return reply  # type: ignore[no-any-return]

    def kill(self) -> None:
        """Stop the child without waiting (after an error in the pipeline)."""
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join()


def _serve(path: str, conn: Connection) -> None:
    """The child: insert batches, acknowledge each; a thread checkpoints the WAL."""
    for sig in _STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    store = Store(path)
    store.set_autocheckpoint(0)
    checkpointer = _Checkpointer(path)
    totals = (0, 0, 0)
    failed: BaseException | None = None
    while (data := _receive(conn)) != _STOP:
        if failed is None:
            try:
                message = marshal.loads(data)
                totals = _add(totals, store.write_rows(*message))
                if not store.bound_wal():
                    checkpointer.written(store.wal_bytes())
                conn.send(True)
                continue
            except BaseException as e:  # sent to the pipeline, which raises it
                failed = e
        with contextlib.suppress(OSError):  # the parent is gone: nobody to tell
            conn.send(failed)
    checkpointer.stop()
    store.checkpoint("TRUNCATE")
    store.close()
    with contextlib.suppress(OSError):
        conn.send(failed if failed is not None else totals)


def _receive(conn: Connection) -> bytes:
    """The next message; the parent gone (killed) reads as a stop: what came is committed."""
    try:
        return conn.recv_bytes()
    except (EOFError, OSError):
        return _STOP


def _add(a: tuple[int, int, int], b: tuple[int, int, int]) -> tuple[int, int, int]:
    return a[0] + b[0], a[1] + b[1], a[2] + b[2]


class _Checkpointer:
    """Runs PASSIVE checkpoints on its own connection once the WAL has grown by
    ``WAL_PASSIVE`` bytes since the last one (or is that big: a log that restarted keeps
    its file size, so a checkpoint after each batch then, which costs little)."""

    def __init__(self, path: str) -> None:
        self._store = Store(path)
        self._last = 0
        self._wake = threading.Event()
        self._done = False
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def written(self, wal_bytes: int) -> None:
        if wal_bytes >= WAL_PASSIVE or wal_bytes - self._last >= WAL_PASSIVE:
            self._last = wal_bytes
            self._wake.set()

    def stop(self) -> None:
        self._done = True
        self._wake.set()
        self._thread.join()
        self._store.close()

    def _loop(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._done:
                return
            self._store.checkpoint("PASSIVE")
