"""Sliding windows on stream time, with add/expire statistics.

Time is cut into steps (a minute by default). Each step owns a :class:`Bucket`: a
fixed vector of sums (counts, reach, ...) and a small ``notes`` list for evidence.
:class:`SlidingWindows` keeps one running sum per window length; when a step
closes, its bucket is *added* to every window, and buckets that fall out of a
window are *subtracted* from it. Per post the work is one bucket update; per step
it is a few vector additions, whatever the traffic.

Empty steps cost nothing: only buckets that saw something are kept, and windows
that become empty are reset to exact zeros (so float sums cannot drift).

::

    step        0    1    2    3    4    5
    posts       2    .    1    .    3    .
    1-min sum                          3      (step 4 only)
    3-min sum                          4      (steps 2..4)

>>> w = SlidingWindows(width=1, step_seconds=60, lengths=(1, 3))
>>> for minute, n in [(0, 2), (2, 1), (4, 3)]:
...     w.bucket(minute).sums[0] += n
>>> w.advance(5)
>>> w.sums(1), w.sums(3), w.end
([3.0], [4.0], 5)
>>> w.advance(8)
>>> w.sums(1), w.sums(3), w.empty
([0.0], [0.0], True)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from typing import Any


class Bucket:
    """What one step of stream time saw: ``sums`` (a fixed-width vector) and ``notes``."""

    __slots__ = ("index", "notes", "sums")

    def __init__(self, index: int, width: int) -> None:
        self.index = index
        self.sums = [0.0] * width
        self.notes: list[Any] = []

    def __getstate__(self) -> tuple[int, list[float], list[Any]]:
        return (self.index, self.sums, self.notes)

    def __setstate__(self, state: tuple[int, list[float], list[Any]]) -> None:
        self.index, self.sums, self.notes = state


class SlidingWindows:
    """Running sums over the last ``lengths`` steps (each a number of steps).

    :meth:`bucket` returns the open bucket for a step index (closing earlier ones);
    :meth:`advance` closes every step before ``end``. ``sums(length)`` is then the
    sum over steps ``end - length .. end - 1``. Indexes must not go backwards:
    :meth:`bucket` with an index before the open step puts the data in the open
    step (a late post counts in the current minute, never rewrites the past).
    :meth:`retract` takes an amount back from a step still inside the windows (a post
    labelled again: its labelled counts move to the open step); the steps already
    evaluated keep what they were evaluated with.
    """

    def __init__(
        self, width: int, step_seconds: int = 60, lengths: Sequence[int] = (1, 5, 15, 60)
    ) -> None:
        if not lengths or min(lengths) < 1:
            raise ValueError(f"window lengths must be at least one step, got {lengths}")
        self.width = width
        self.step_seconds = step_seconds
        self.lengths = tuple(sorted(lengths))
        self._closed: deque[Bucket] = deque()
        self._sums = {n: [0.0] * width for n in self.lengths}
        self._first = dict.fromkeys(self.lengths, 0)  # position in _closed of each window's oldest
        self._open: Bucket | None = None
        self.end = 0  # index of the first step not yet closed

    def bucket(self, index: int) -> Bucket:
        """The open bucket for step ``index``; closes the open one if it is older."""
        b = self._open
        if b is not None:
            if index <= b.index:
                return b
            self.advance(index)
        elif index < self.end:
            index = self.end
        b = self._open = Bucket(index, self.width)
        return b

    def advance(self, end: int) -> None:
        """Close every step before ``end`` and expire what left each window."""
        if end <= self.end:
            return
        b = self._open
        if b is not None and b.index < end:
            self._open = None
            self._closed.append(b)
            for s in self._sums.values():
                add = b.sums
                for i in range(self.width):
                    s[i] += add[i]
        self.end = end
        self._expire()

    def _expire(self) -> None:
        closed = self._closed
        for n in self.lengths:
            first = self._first[n]
            s = self._sums[n]
            while first < len(closed) and closed[first].index < self.end - n:
                sub = closed[first].sums
                for i in range(self.width):
                    s[i] -= sub[i]
                first += 1
            if first == len(closed):
                s[:] = [0.0] * self.width
            self._first[n] = first
        drop = min(self._first.values())
        for _ in range(drop):
            closed.popleft()
        for n in self.lengths:
            self._first[n] -= drop

    def retract(self, index: int, parts: Sequence[tuple[int, float]]) -> bool:
        """Take ``parts`` (``(field, amount)``) back from step ``index``'s bucket and from
        every window that holds it; False (nothing taken) when no bucket of that index is
        kept: it saw nothing, or it left the longest window.

        >>> w = SlidingWindows(width=1, step_seconds=60, lengths=(1, 3))
        >>> w.bucket(0).sums[0] += 2
        >>> w.bucket(1).sums[0] += 1
        >>> w.advance(2)
        >>> w.retract(0, [(0, 1.0)]), w.sums(1), w.sums(3)
        (True, [1.0], [2.0])
        >>> w.retract(5, [(0, 1.0)])
        False
        """
        found = self._find(index)
        if found is None:
            return False
        pos, b = found
        for i, x in parts:
            b.sums[i] -= x
        for n in self.lengths:
            if pos >= 0 and self._first[n] <= pos:  # the open bucket (-1) is in no window yet
                s = self._sums[n]
                for i, x in parts:
                    s[i] -= x
        return True

    def at(self, index: int) -> Bucket | None:
        """The kept bucket of step ``index`` (open, or closed inside the longest window)."""
        found = self._find(index)
        return found[1] if found is not None else None

    def _find(self, index: int) -> tuple[int, Bucket] | None:
        b = self._open
        if b is not None and b.index == index:
            return -1, b
        closed = self._closed
        pos = len(closed) - 1
        while pos >= 0 and closed[pos].index > index:  # an update is recent: look back
            pos -= 1
        if pos < 0 or closed[pos].index != index:
            return None
        return pos, closed[pos]

    def sums(self, length: int) -> list[float]:
        """The sums over the last ``length`` closed steps (a copy)."""
        return list(self._sums[length])

    def buckets(self, length: int) -> Iterator[Bucket]:
        """The non-empty closed buckets inside the last ``length`` steps, oldest first."""
        closed = self._closed
        for i in range(self._first[length], len(closed)):
            yield closed[i]

    @property
    def empty(self) -> bool:
        """True when no window holds anything (and no step is open)."""
        return self._open is None and not self._closed

    @property
    def open_index(self) -> int | None:
        """The index of the open step, or None."""
        return None if self._open is None else self._open.index
