"""What every live source shares: batches with cursors, status, backoff and the retry loop.

A live source is an iterator of :class:`SourceBatch` (records and the cursor that
resumes right after them) plus a :class:`SourceStatus`. Subclasses of
:class:`LiveSource` only say how to read one connection (``connect``); the loop here
reconnects with exponential backoff and jitter, waits out rate limits until the
platform's reset time, and reconnects a stalled stream::

    connect ──> batches ... ──> Disconnected ──> backing_off (jittered) ──> connect
                          └──> Stalled ──────> stalled, then backing_off ──> connect
                          └──> RateLimited ──> rate_limited until reset ──> connect

Time is the injected :class:`~foretold.clock.Clock` and randomness an injected
``random.Random``, so tests move time by hand.

>>> import random
>>> b = Backoff(random.Random(7), base=1.0, cap=8.0)
>>> [round(b.next(), 2) for _ in range(5)]
[0.84, 1.85, 2.7, 7.71, 5.86]
>>> b.reset(); round(b.next(), 2)
0.82
"""

from __future__ import annotations

import random
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Literal, TypeVar

import orjson

from foretold.clock import Clock, SystemClock
from foretold.errors import ForetoldError, FormatError
from foretold.ingest import IngestStats, Quarantine
from foretold.post import Deletion, Post
from foretold.records import Record as Record  # the one definition; sources yield these
from foretold.streamtime import StreamTime, StreamTimeConfig

T = TypeVar("T")
State = Literal[
    "connecting", "connected", "backing_off", "stalled", "rate_limited", "waiting", "stopped"
]


class SourceError(ForetoldError):
    """A live source lost its connection or was refused (the retry loop handles these)."""


class Disconnected(SourceError):
    """The connection failed, dropped, or the server answered with an error."""


class Refused(Disconnected):
    """The platform refused the credentials (HTTP 401 or 403): the live loop retries, a
    one-shot search stops at once."""


class Stalled(SourceError):
    """No data and no keep-alive for longer than the source's stall timeout."""


class RateLimited(SourceError):
    """The platform said to wait (HTTP 429) until ``reset_at``."""

    def __init__(self, message: str, reset_at: datetime) -> None:
        super().__init__(message)
        self.reset_at = reset_at


@dataclass
class SourceBatch:
    """Records read from a source and the cursor that resumes right after them."""

    records: list[Record]
    cursor: str | None


@dataclass
class SearchResult:
    """What a one-shot search of a source read: its posts, the pages asked for, and notes
    on where it stopped short (the platform's window, ``max_posts``, a long rate limit)."""

    source: str
    posts: list[Post]
    pages: int
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SearchProgress:
    """Told to a search's ``on_progress``: posts read so far, and a rate-limit wait."""

    source: str
    posts: int
    pages: int
    waiting_until: datetime | None = None


@dataclass(frozen=True)
class SourceStatus:
    """What a source is doing now: the row the dashboard and ``foretold status`` show."""

    source: str
    state: State
    detail: str
    until: datetime | None
    posts_per_min: float
    updated_at: datetime


@dataclass
class SourceStats:
    """Counts over a source's life; ``rate_limit_waits`` holds, per 429, the reset time the
    platform sent, the time the source was told, and the seconds it waited."""

    connects: int = 0
    disconnects: int = 0
    stalls: int = 0
    rate_limits: int = 0
    duplicates_dropped: int = 0
    backoff_seconds: float = 0.0
    rate_limited_seconds: float = 0.0
    rate_limit_waits: list[tuple[datetime, datetime, float]] = field(default_factory=list)


class Backoff:
    """Exponential backoff with jitter: attempt ``n`` waits in ``[d*(1-jitter), d]``,
    ``d = min(cap, base * factor**n)``."""

    def __init__(
        self,
        rng: random.Random,
        base: float = 1.0,
        factor: float = 2.0,
        cap: float = 60.0,
        jitter: float = 0.5,
    ) -> None:
        self.rng = rng
        self.base = base
        self.factor = factor
        self.cap = cap
        self.jitter = jitter
        self._attempt = 0

    def next(self) -> float:
        """Seconds to wait before the next attempt."""
        d = min(self.cap, self.base * self.factor**self._attempt)
        self._attempt += 1
        return d * (1.0 - self.jitter * self.rng.random())

    def reset(self) -> None:
        """After a good connection: start again from ``base``."""
        self._attempt = 0


class Rate:
    """Posts per minute over the last minute of the clock."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._marks: deque[tuple[float, int]] = deque()
        self._lock = threading.Lock()  # the source's thread adds, the watch's thread reads

    def add(self, n: int) -> None:
        """Count ``n`` posts now."""
        if n:
            with self._lock:
                self._marks.append((self.clock.monotonic(), n))

    def per_minute(self) -> float:
        """Posts counted in the last 60 seconds."""
        cutoff = self.clock.monotonic() - 60.0
        with self._lock:
            while self._marks and self._marks[0][0] < cutoff:
                self._marks.popleft()
            return float(sum(n for _, n in self._marks))


class RecentKeys:
    """A bounded set of recently seen keys: de-duplicates what a resume sends again."""

    def __init__(self, size: int = 200_000) -> None:
        self.size = size
        self._order: deque[str] = deque()
        self._keys: set[str] = set()

    def add(self, key: str) -> bool:
        """True when ``key`` is new (and remember it), False when seen before."""
        if key in self._keys:
            return False
        self._keys.add(key)
        self._order.append(key)
        if len(self._order) > self.size:
            self._keys.discard(self._order.popleft())
        return True


class Decoder:
    """JSON payloads to records with a platform reader; bad ones go to the quarantine, and
    so do posts dated in the future (:mod:`foretold.streamtime`, the live rule)."""

    def __init__(
        self,
        source: str,
        reader: Any,
        quarantine: Quarantine,
        stats: IngestStats,
        stream_time: StreamTimeConfig | None = None,
    ) -> None:
        self.source = source
        self.reader = reader
        self.quarantine = quarantine
        self.stats = stats
        self._n = 0
        self._lock = threading.Lock()
        live = stream_time or StreamTimeConfig(hold=False)
        self._gate = StreamTime(SystemClock(), live, self._refuse_post)

    def loads(self, raw: bytes, line: int | None = None) -> Any:
        """The decoded payload, or None (quarantined) when it is not JSON; ``line`` is the
        payload's own line number where it has one (a file), else payloads are counted."""
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as e:
            self.refuse(raw, f"not JSON: {e}", line)
            return None

    def records(self, obj: Any, raw: bytes, line: int | None = None) -> list[Record]:
        """The records of one decoded payload (quarantined and empty when it breaks)."""
        with self._lock:
            self._n += 1
            self.stats.lines += 1
        if not isinstance(obj, dict):
            self.refuse(raw, f"{self.reader.NAME}: expected an object", line)
            return []
        try:
            out: list[Record] = self.reader.parse(obj, raw)
        except FormatError as e:
            self.refuse(raw, f"{self.reader.NAME}: {e.reason}", line)
            return []
        except Exception as e:  # a reader bug must not lose the payload either
            self.refuse(raw, f"{self.reader.NAME}: reader failed: {type(e).__name__}: {e}", line)
            return []
        if out:
            where = (self.source, self._n if line is None else line)
            out = [q for r in out for q in (self._gate.admit(r, where) if isinstance(r, Post)
                                            else (r,))]  # fmt: skip
            if not out:
                return out
        with self._lock:
            if out:
                self.stats.parsed += 1
                self.stats.formats[self.reader.NAME] += 1
                self.stats.posts += sum(isinstance(r, Post) for r in out)
                self.stats.deletions += sum(isinstance(r, Deletion) for r in out)
            else:
                self.stats.events_skipped += 1
        return out

    def _refuse_post(self, post: Post, where: tuple[str, int], reason: str) -> None:
        self.refuse(post.raw, reason, where[1])

    def refuse(self, raw: bytes, reason: str, line: int | None = None) -> None:
        """Quarantine one payload with why it was refused."""
        with self._lock:
            self.stats.quarantined += 1
            self.quarantine.put(self.source, self._n if line is None else line, raw, reason)


def reset_from_headers(headers: Any, now: datetime, default_s: float = 60.0) -> datetime:
    """When a 429 ends: ``x-rate-limit-reset`` (X, epoch seconds), ``x-ratelimit-reset``
    (Mastodon, ISO time), ``retry-after`` (seconds or an HTTP date); else ``default_s``.

    >>> now = datetime(2024, 1, 1, tzinfo=UTC)
    >>> reset_from_headers({"x-rate-limit-reset": "1704067290"}, now).isoformat()
    '2024-01-01T00:01:30+00:00'
    >>> reset_from_headers({"retry-after": "5"}, now).isoformat()
    '2024-01-01T00:00:05+00:00'
    """
    for key in ("x-rate-limit-reset", "x-ratelimit-reset", "retry-after"):
        value = headers.get(key)
        if not value:
            continue
        value = str(value).strip()
        try:
            number = float(value)
        except ValueError:
            try:
                return _aware(datetime.fromisoformat(value.replace("Z", "+00:00")))
            except ValueError:
                try:
                    return _aware(parsedate_to_datetime(value))
                except (TypeError, ValueError):
                    continue
        if key == "retry-after" or number < 1e9:  # seconds from now
            return now + timedelta(seconds=number)
        return datetime.fromtimestamp(number, UTC)
    return now + timedelta(seconds=default_s)


def rate_limit_note(e: RateLimited, max_wait_s: float, posts: int) -> str:
    """Why a one-shot search stopped at a 429 it did not wait out."""
    return (
        f"rate limited until {e.reset_at:%Y-%m-%d %H:%M:%S} UTC, more than {max_wait_s:g} s "
        f"away: stopped after {posts:,} posts"
    )


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)


class LiveSource(ABC):
    """The retry loop around one platform connection; subclasses implement ``connect``.

    ``connect(stop)`` opens one connection and yields batches until it ends or fails;
    it raises :class:`Disconnected`, :class:`Stalled` or :class:`RateLimited` and keeps
    ``self.cursor`` at the cursor of the last batch it yielded.
    """

    kind = "live"

    def __init__(
        self,
        name: str,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        backoff: Backoff | None = None,
        stall_seconds: float = 90.0,
        rate_limit_margin_s: float = 0.0,
    ) -> None:
        self.name = name
        self.clock = clock or SystemClock()
        self.backoff = backoff or Backoff(rng or random.Random())
        self.stall_seconds = stall_seconds
        self.rate_limit_margin_s = rate_limit_margin_s
        self.cursor: str | None = None
        self.stats = SourceStats()
        self.rate = Rate(self.clock)
        self._state: State = "connecting"
        self._detail = ""
        self._until: datetime | None = None
        self._lock = threading.Lock()
        self._close_hooks: list[Callable[[], None]] = []

    @abstractmethod
    def connect(self, stop: threading.Event) -> Iterator[SourceBatch]:
        """One connection's batches; raises a :class:`SourceError` when it ends."""

    @property
    def status(self) -> SourceStatus:
        """A snapshot of what the source is doing."""
        with self._lock:
            return SourceStatus(
                self.name, self._state, self._detail, self._until,
                self.rate.per_minute(), self.clock.now(),
            )  # fmt: skip

    def set_state(self, state: State, detail: str = "", until: datetime | None = None) -> None:
        """Record what the source does now (shown by the dashboard and ``foretold status``)."""
        with self._lock:
            self._state, self._detail, self._until = state, detail, until

    def batches(self, cursor: str | None, stop: threading.Event) -> Iterator[SourceBatch]:
        """Batches until ``stop`` is set, resuming after ``cursor``, through every fault."""
        self.cursor = cursor
        while not stop.is_set():
            self.set_state("connecting")
            try:
                self.stats.connects += 1
                for batch in self.connect(stop):
                    self.backoff.reset()
                    self.rate.add(sum(isinstance(r, Post) for r in batch.records))
                    yield batch
                    if stop.is_set():
                        break
                else:
                    if not stop.is_set():
                        raise Disconnected("the server ended the stream")
            except RateLimited as e:
                self._wait_rate_limit(e, stop)
            except Stalled as e:
                self.stats.stalls += 1
                self.set_state("stalled", str(e))
                self._back_off(f"stalled: {e}", stop)
            except SourceError as e:
                self.stats.disconnects += 1
                self._back_off(str(e), stop)
        self.set_state("stopped")

    def close(self) -> None:
        """Abort the open connection (from another thread, at shutdown)."""
        for hook in list(self._close_hooks):
            try:
                hook()
            except Exception:
                continue

    def wait_out(
        self,
        call: Callable[[], T],
        max_wait_s: float,
        on_wait: Callable[[RateLimited], None] | None = None,
        tries: int = 5,
    ) -> T:
        """``call()``; after a 429, wait on the clock until the reset the platform sent and
        call again. A reset more than ``max_wait_s`` away, or ``tries`` refusals in a row,
        raise the :class:`RateLimited` (a one-shot search stops and says so)."""
        for attempt in range(tries):
            try:
                return call()
            except RateLimited as e:
                left = (e.reset_at - self.clock.now()).total_seconds()
                if left > max_wait_s or attempt == tries - 1:
                    raise
                if on_wait is not None:
                    on_wait(e)
                self._wait_rate_limit(e, threading.Event())
        raise AssertionError("unreachable")  # pragma: no cover

    @contextmanager
    def failing_clearly(
        self, what: str, network: type[BaseException], credentials: str
    ) -> Iterator[None]:
        """For one-shot requests: errors that name the source, what failed and why; a
        refusal says which ``credentials`` to check."""
        try:
            yield
        except Refused as e:
            raise Refused(
                f"{self.name}: {what} refused the credentials ({credentials}): {e}"
            ) from None
        except Disconnected as e:
            raise Disconnected(f"{self.name}: {e}") from None
        except network as e:
            raise Disconnected(f"{self.name}: {what} failed: {type(e).__name__}: {e}") from None

    def _wait_rate_limit(self, e: RateLimited, stop: threading.Event) -> None:
        self.stats.rate_limits += 1
        told = self.clock.now()
        wait = max(0.0, (e.reset_at - told).total_seconds()) + self.rate_limit_margin_s
        until = told + timedelta(seconds=wait)
        self.set_state("rate_limited", str(e), until)
        slept = self.sleep(wait, stop)
        self.stats.rate_limited_seconds += slept
        self.stats.rate_limit_waits.append((e.reset_at, told, slept))

    def _back_off(self, why: str, stop: threading.Event) -> None:
        delay = self.backoff.next()
        self.set_state("backing_off", why, self.clock.now() + timedelta(seconds=delay))
        self.stats.backoff_seconds += self.sleep(delay, stop)

    def sleep(self, seconds: float, stop: threading.Event, step: float = 0.2) -> float:
        """Sleep on the clock in short steps, waking early when ``stop`` is set."""
        left = seconds
        while left > 1e-9 and not stop.is_set():
            d = min(step, left)
            self.clock.sleep(d)
            left -= d
        return seconds - max(left, 0.0)
