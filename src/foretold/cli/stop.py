"""Ctrl-C and SIGTERM: a clean stop for every long-running command.

::

    signal 1 (SIGINT or SIGTERM) ──> ``event`` set: the run finishes the batch in hand,
                                     the writer flushes, the run record is finished,
                                     the summary printed; exit 130 (SIGINT) or 143 (SIGTERM)
    signal 2                     ──> :class:`Stopped` raised at once (still exit 130/143)

Commands without a graceful path (``serve``, ``benchmark``, ``train``...) get
:class:`Stopped` on the first signal (:func:`signals_raise`, also when the process
started with SIGINT ignored); ``foretold``'s command group turns it into
``foretold: stopped by SIGTERM`` and the exit code, never a traceback. A command
that has done part of its work says what in one line instead
(:func:`summary_on_stop`: ``foretold: eval: stopped by SIGINT after 3 of 10 scores``).

>>> import os, signal
>>> with StopSignals() as stop:
...     os.kill(os.getpid(), signal.SIGTERM)
...     stop.event.wait(5), stop.exit_code
(True, 143)
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType, TracebackType

__all__ = [
    "SIGNALS", "SignalsSeen", "StopSignals", "Stopped", "exit_code", "signals_raise",
    "summary_on_stop",
]  # fmt: skip

SIGNALS = (signal.SIGINT, signal.SIGTERM)


def exit_code(signum: int) -> int:
    """The shell's code for a run stopped by ``signum``: 130 for SIGINT, 143 for SIGTERM."""
    return 128 + signum


class Stopped(KeyboardInterrupt):
    """A signal asked the command to stop now; ``signum`` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class _Caught:
    """The signal that came (``signum``, None while none did), named and as an exit code."""

    signum: int | None

    @property
    def exit_code(self) -> int:
        """0 when no signal came, else 130 or 143."""
        return 0 if self.signum is None else exit_code(self.signum)

    @property
    def name(self) -> str | None:
        """``SIGINT``, ``SIGTERM``, or None."""
        return None if self.signum is None else signal.Signals(self.signum).name


class StopSignals(_Caught):
    """While active, the first SIGINT/SIGTERM sets ``event`` (``graceful``) or raises
    :class:`Stopped`; a second one always raises. Handlers can only be set on the main
    thread: elsewhere this does nothing but hold the event."""

    def __init__(self, graceful: bool = True) -> None:
        self.graceful = graceful
        self.event = threading.Event()
        self.signum: int | None = None
        self._old: dict[int, object] = {}

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        first = self.signum is None
        if first:
            self.signum = signum
        self.event.set()
        if not (first and self.graceful):
            raise Stopped(self.signum or signum)

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            self._old = {s: signal.signal(s, self._handle) for s in SIGNALS}
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        for s, old in self._old.items():
            signal.signal(s, old)  # type: ignore[arg-type]
        self._old = {}


class SignalsSeen(_Caught):
    """Which of SIGINT/SIGTERM came first while a library's own handlers are in charge.

    Quix Streams' ``Application.run`` sets handlers of its own that stop it cleanly
    (the message in hand processed, the checkpoint committed) and then returns as if
    it had just finished. To say *why* it returned, this reads Python's wakeup fd,
    to which the interpreter writes the number of every signal it catches, whatever
    handler then runs (only the main thread can set it: elsewhere this sees nothing).

    >>> import signal
    >>> with StopSignals(), SignalsSeen() as seen:
    ...     signal.raise_signal(signal.SIGTERM)
    >>> seen.name, seen.exit_code
    ('SIGTERM', 143)
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self._pair: tuple[socket.socket, socket.socket] | None = None
        self._old_fd = -1

    def __enter__(self) -> SignalsSeen:
        if threading.current_thread() is threading.main_thread():
            r, w = socket.socketpair()
            r.setblocking(False)
            w.setblocking(False)
            self._old_fd = signal.set_wakeup_fd(w.fileno(), warn_on_full_buffer=False)
            self._pair = (r, w)
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._pair is None:
            return
        signal.set_wakeup_fd(self._old_fd)
        r, w = self._pair
        self._pair = None
        try:
            seen = b""
            with contextlib.suppress(BlockingIOError):
                while chunk := r.recv(4096):
                    seen += chunk
        finally:
            r.close()
            w.close()
        first = next((n for n in seen if n in SIGNALS), None)
        if self.signum is None and first is not None:
            self.signum = first


@contextlib.contextmanager
def signals_raise() -> Iterator[None]:
    """While active, SIGINT and SIGTERM raise :class:`Stopped`, so ``finally`` blocks
    run and ``foretold``'s command group reports it; the previous handlers come back
    after (only the main thread can set handlers: elsewhere this does nothing).

    SIGINT gets a handler of its own rather than Python's default: a process started
    with SIGINT ignored (a job put in the background by a script, ``cmd &``) keeps it
    ignored, and a Ctrl-C or ``kill -INT`` to its group would then never stop it.

    >>> import os, signal
    >>> old = signal.signal(signal.SIGINT, signal.SIG_IGN)  # as a background job has it
    >>> try:
    ...     with signals_raise():
    ...         signal.raise_signal(signal.SIGINT)
    ... except Stopped as e:
    ...     e.signum == signal.SIGINT
    True
    >>> signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # given back
    True
    >>> _ = signal.signal(signal.SIGINT, old)
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Stopped(signum)

    old = {s: signal.signal(s, handler) for s in SIGNALS}
    try:
        yield
    finally:
        for s, previous in old.items():
            signal.signal(s, previous)


@contextlib.contextmanager
def summary_on_stop(command: str, summary: Callable[[], str]) -> Iterator[None]:
    """A signal (:class:`Stopped`, or Python's own KeyboardInterrupt) during the block
    ends the command with one line on stderr, ``foretold: COMMAND: stopped by SIGINT
    SUMMARY`` (``summary()`` says what was done, at that moment), and exit 130 or 143.

    >>> import signal
    >>> done = []
    >>> try:
    ...     with signals_raise(), summary_on_stop("drill", lambda: f"after {len(done)} steps"):
    ...         done.append(1)
    ...         signal.raise_signal(signal.SIGTERM)
    ... except SystemExit as e:
    ...     e.code
    143
    """
    try:
        yield
    except KeyboardInterrupt as e:
        signum = e.signum if isinstance(e, Stopped) else signal.SIGINT
        name = signal.Signals(signum).name
        print(f"foretold: {command}: stopped by {name} {summary()}", file=sys.stderr, flush=True)
        sys.exit(exit_code(signum))
