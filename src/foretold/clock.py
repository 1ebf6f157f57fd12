"""Time is injected: nothing in foretold reads the wall clock except a Clock.

>>> clock = ManualClock(datetime(2013, 11, 13, tzinfo=UTC))
>>> clock.sleep(90)
>>> clock.now().isoformat()
'2013-11-13T00:01:30+00:00'
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Wall time, a monotonic counter for durations, and sleeping."""

    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """Wall time, UTC."""
        return datetime.now(UTC)

    def monotonic(self) -> float:
        """Seconds on a monotonic counter."""
        return time.perf_counter()

    def sleep(self, seconds: float) -> None:
        """Block for ``seconds``."""
        if seconds > 0:
            time.sleep(seconds)


class ManualClock:
    """A clock tests move by hand; ``sleep`` advances it instantly."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._mono = 0.0
        self.slept = 0.0

    def now(self) -> datetime:
        """The current manual time."""
        return self._now

    def monotonic(self) -> float:
        """Seconds since the clock was made."""
        return self._mono

    def sleep(self, seconds: float) -> None:
        """Advance by ``seconds`` without waiting."""
        self.advance(seconds)
        self.slept += max(seconds, 0.0)

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self._mono += seconds
        self._now += timedelta(seconds=seconds)
