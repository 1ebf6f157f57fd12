"""Stream time that one outlier cannot move: the future limit and the jump rule.

Windows and detectors run on stream time, the ``created_at`` of the posts they see
(:mod:`foretold.windows`). A single post dated 9999-12-31 would close every window
up to that date and silence every alert after it, so every post passes a
:class:`StreamTime` gate before any stage sees it:

- **The future limit.** A post dated more than ``future_s`` (1 hour) after the wall
  clock cannot be real: it is quarantined as ``from the future``. Live sources
  (``watch``) apply only this rule: their stream's clock is the wall clock. So a
  watch's gate holds no post and keeps no state that a decision depends on, and a
  restarted watch (even after ``kill -9``) decides as an uninterrupted one would:
  nothing of the gate needs to be in its snapshot with the cursors and the detector
  (``tests/sources/test_watch_run.py`` kills a watch on a stream with outliers).
- **The jump rule** (archives: ``replay``, ``replay --kafka``, the benchmark). The
  stream's clock is the latest ``created_at`` let through (a watermark). A post more
  than ``jump_s`` (6 hours) past it is *held*, not let through. When ``confirm`` (5)
  held posts lie within ``jump_s`` of each other the stream really moved on (a quiet
  night, the next file of a multi-file replay): they are let through, in their order.
  When ``patience`` (50) posts arrive inside the clock first, the held posts were
  outliers: they are quarantined (``far ahead of the stream``). Held posts still
  waiting at the end of the input are let through then, in their order: nothing
  comes after them for them to silence, and a small sparse file (a few posts over
  months) loses nothing. The first ``confirm`` posts set the clock by their median,
  so a lone outlier in first place cannot set it either.
- **Late posts** (dated before the clock) are let through: the windows count a
  late post in the current minute and never rewrite the past, so no bounded
  lateness drops them, and a far-past post (1970) moves nothing.

::

    clock ──────────────●────────────────────────────────────────>  stream time
                        wm            wm + jump_s
    in range:    ...  ●  ●  ●  |                          let through, wm moves
    late:          ●           |                          let through, wm stays
    far ahead:                 |          ○ ○             held; 5 close together: let
                               |                            through; 50 in range first:
                               |                            quarantined
    future:                    |                    wall clock + future_s |  ✕ quarantined

Posts keep their arrival order among those let through, so a stream without
outliers gives exactly the batches it gave before.

>>> from datetime import datetime, timezone
>>> from foretold.clock import ManualClock
>>> from foretold.post import Author, Post
>>> def post(i, y, m=11, d=13, h=12):
...     return Post(platform="x", id=str(i), text="hi", author=Author(id="7"),
...                 created_at=datetime(y, m, d, h, tzinfo=timezone.utc))
>>> refused = []
>>> wall = ManualClock(datetime(2026, 1, 1, tzinfo=timezone.utc))
>>> gate = StreamTime(wall, StreamTimeConfig(confirm=3, patience=2),
...                   refuse=lambda p, where, why: refused.append((p.id, why.split(":")[0])))
>>> posts = [post(1, 2013), post(2, 2013), post(3, 9999), post(4, 2013), post(5, 2020),
...          post(6, 2013), post(7, 2013)]
>>> [q.id for p in posts for q in gate.admit(p)] + [q.id for q in gate.flush()]
['1', '2', '4', '6', '7']
>>> refused
[('3', 'from the future'), ('5', 'far ahead of the stream')]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median_low

from foretold.clock import Clock, SystemClock
from foretold.errors import ConfigError
from foretold.post import Post


@dataclass(frozen=True)
class StreamTimeConfig:
    """The thresholds of the gate; ``hold=False`` applies the future limit only (live)."""

    future_s: float = 3600.0
    jump_s: float = 6 * 3600.0
    confirm: int = 5
    patience: int = 50
    hold: bool = True

    def __post_init__(self) -> None:
        if self.future_s < 0 or self.jump_s <= 0:
            raise ConfigError(
                f"stream time: future_s must be >= 0 and jump_s > 0, got {self.future_s}, "
                f"{self.jump_s}"
            )
        if self.confirm < 1 or self.patience < 1:
            raise ConfigError(
                f"stream time: confirm and patience must be >= 1, got {self.confirm}, "
                f"{self.patience}"
            )


#: The gate for input no detector reads in file order: an archive sorted before it is
#: played, or read by no detector (a precheck, a replay without campaigns). The future limit
#: alone: the jump rule guards a detector fed in file order, and in an archive written thread
#: by thread it takes a thread that starts hours after the others for an outlier (PHEME's
#: Germanwings file lost 376 of its 4,489 posts to it).
UNORDERED = StreamTimeConfig(hold=False)

#: Where a post was read: ``(source, line number)``, handed back when it is refused.
Where = tuple[str, int]
Refuse = Callable[[Post, Where, str], None]


class StreamTime:
    """The gate: ``admit(post)`` returns the posts to pass on now (none, this one, or
    held ones it confirmed); ``flush()`` at the end of the input. Refused posts go to
    ``refuse(post, where, reason)`` with the ``where`` they were admitted with."""

    def __init__(
        self,
        clock: Clock | None = None,
        config: StreamTimeConfig | None = None,
        refuse: Refuse | None = None,
    ) -> None:
        self.clock = clock or SystemClock()
        self.config = config or StreamTimeConfig()
        self.refuse = refuse
        self._future = timedelta(seconds=self.config.future_s)
        self._jump = timedelta(seconds=self.config.jump_s)
        self._wall = self.clock.now() + self._future  # only ever too early: re-read before use
        self._start: list[tuple[Post, Where]] | None = [] if self.config.hold else None
        self._held: list[tuple[Post, Where]] = []
        self._outvotes = 0
        self._wm: datetime | None = None
        # posts up to here pass without more ado: the watermark + jump, capped by the wall
        self._fast: datetime | None = None if self.config.hold else self._wall

    @property
    def watermark(self) -> datetime | None:
        """The stream's clock: the latest ``created_at`` let through (None before any)."""
        return self._wm

    def admit(self, post: Post, where: Where = ("", 0)) -> list[Post]:
        """The posts to pass on now, in arrival order."""
        t = post.created_at
        fast = self._fast
        if fast is not None and t <= fast and not self._held:
            if self._wm is None or t > self._wm:
                self._advance(t)
            return [post]
        if t > self._wall:
            self._wall = self.clock.now() + self._future
            if not self.config.hold:
                self._fast = self._wall
            if t > self._wall:
                self._refuse(post, where, f"from the future: dated {t:%Y-%m-%d %H:%M:%S}, more than "
                             f"{self.config.future_s:g} s after the wall clock")  # fmt: skip
                return []
        if not self.config.hold:
            return [post]
        if self._start is not None:
            self._start.append((post, where))
            return self._started() if len(self._start) >= self.config.confirm else []
        assert self._wm is not None
        if t <= self._wm + self._jump:
            if t > self._wm:
                self._advance(t)
            if self._held:
                self._outvotes += 1
                if self._outvotes >= self.config.patience:
                    self._drop_held(f"not confirmed before {self._outvotes} posts in range")
            return [post]
        self._held.append((post, where))
        return self._confirmed()

    def flush(self) -> list[Post]:
        """At the end of the input: the first posts if fewer than ``confirm`` came, then
        the held posts (nothing comes after them for them to silence)."""
        out = self._started() if self._start is not None and self._start else []
        out.extend(p for p, _ in self._held)
        self._held, self._outvotes = [], 0
        return out

    def _advance(self, t: datetime) -> None:
        self._wm = t
        self._fast = min(t + self._jump, self._wall) if self.config.hold else self._wall

    def _started(self) -> list[Post]:
        """The first posts set the clock by their median; the far-ahead ones are held."""
        first, self._start = self._start or [], None
        mid = median_low(p.created_at for p, _ in first)
        horizon = mid + self._jump
        out = [p for p, _ in first if p.created_at <= horizon]
        self._advance(max(p.created_at for p in out))
        self._held = [h for h in first if h[0].created_at > horizon]
        return out

    def _confirmed(self) -> list[Post]:
        """Let through the held posts close to the earliest held, once enough are."""
        start = min(p.created_at for p, _ in self._held)
        close = [p for p, _ in self._held if p.created_at <= start + self._jump]
        if len(close) < self.config.confirm:
            return []
        self._held = [h for h in self._held if h[0].created_at > start + self._jump]
        self._outvotes = 0
        self._advance(max(p.created_at for p in close))
        return close

    def _drop_held(self, why: str) -> None:
        assert self._wm is not None
        for p, where in self._held:
            ahead = (p.created_at - self._wm).total_seconds()
            self._refuse(p, where, f"far ahead of the stream: dated {p.created_at:%Y-%m-%d %H:%M:%S}, "
                         f"{ahead:,.0f} s past its clock; {why}")  # fmt: skip
        self._held = []
        self._outvotes = 0

    def _refuse(self, post: Post, where: Where, reason: str) -> None:
        if self.refuse is not None:
            self.refuse(post, where, reason)
