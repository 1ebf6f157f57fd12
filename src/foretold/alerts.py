"""Alert levels with hysteresis and one alert per level per episode; the Alert record.

:class:`LevelPolicy` turns a risk per step into level changes worth telling a human:

- a level is *entered* when risk reaches its threshold (``watch`` 0.35, ``warning``
  0.6, ``crisis`` 0.8 by default) and *left* only when risk falls below the threshold
  minus ``exit_margin`` and the level has been held ``hold_steps`` (hysteresis);
- a caller may hold the level below a ``ceiling`` for a step (the detector does, so
  that ``crisis`` is entered only while the storm is happening now); a level already
  held is kept;
- an *episode* runs from the first alert to ``all_clear``; within it each level is
  alerted at most once, and only on the way up: stepping down is silent, coming back
  up to a level already raised is silent, and a lower level is never raised after a
  higher one. One continuous storm gives at most watch, warning, crisis, all_clear;
- ``all_clear`` is raised once risk has stayed below ``watch`` for ``all_clear_steps``;
  it ends the episode, and only then can a level be raised again.

::

    step   0    1    2    3    4    5 ...   40 ...  90 ...  170
    risk  .1   .4   .7   .55  .9   .3       .1       .9       .1
    level  -  watch warn warn crisis crisis  ...    crisis    none
    alert    watch warning    crisis           (silent)      all_clear

>>> p = LevelPolicy(hold_steps=30, all_clear_steps=120)
>>> [p.update(r, step) for step, r in enumerate([0.1, 0.4, 0.7, 0.55, 0.9, 0.3])]
[None, 'watch', 'warning', None, 'crisis', None]
>>> [p.update(0.1, step) for step in range(6, 200)].count("all_clear")
1
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

Level = Literal["watch", "warning", "crisis", "all_clear"]
LEVELS: tuple[str, ...] = ("none", "watch", "warning", "crisis")
_RANK = {name: i for i, name in enumerate(LEVELS)}


class LevelPolicy:
    """Risk to alert levels; ``update`` returns the level to alert, or None."""

    def __init__(
        self,
        thresholds: tuple[float, float, float] = (0.35, 0.6, 0.8),
        exit_margin: float = 0.1,
        hold_steps: int = 30,
        all_clear_steps: int = 120,
    ) -> None:
        self.thresholds = thresholds
        self.exit_margin = exit_margin
        self.hold_steps = hold_steps
        self.all_clear_steps = all_clear_steps
        self._level = 0
        self._since = 0  # step the current level was entered
        self._calm_since: int | None = None
        self._episode_max = 0  # highest level alerted in this episode (0: no episode)

    @property
    def level(self) -> str:
        """The current level: none, watch, warning or crisis."""
        return LEVELS[self._level]

    @property
    def in_episode(self) -> bool:
        """True from the first alert until all_clear."""
        return self._episode_max > 0

    def update(self, risk: float, step: int, ceiling: int = 3) -> Level | None:
        """Feed one step's risk; the alert level to raise now, if any.

        ``ceiling`` (0-3: none to crisis) is the highest level that may be *entered*
        at this step; a higher level already held is kept (hysteresis still applies).
        """
        target = sum(1 for t in self.thresholds if risk >= t)
        if target > self._level:
            target = max(min(target, ceiling), self._level)
        rising = target > self._level
        if rising:
            self._level, self._since = target, step
        elif target < self._level and step - self._since >= self.hold_steps:
            floor = sum(1 for t in self.thresholds if risk >= t - self.exit_margin)
            if floor < self._level:
                self._level, self._since = max(floor, target), step
        if self._level > 0:
            self._calm_since = None
            if self._level > self._episode_max:
                self._episode_max = self._level
                return LEVELS[self._level]  # type: ignore[return-value]
            return None
        if self._episode_max == 0:
            return None
        if self._calm_since is None:
            self._calm_since = step
        if step - self._calm_since >= self.all_clear_steps:
            self._episode_max = 0
            self._calm_since = None
            return "all_clear"
        return None


@dataclass(frozen=True)
class Alert:
    """One alert in the PRODUCT.md shape (see :meth:`to_dict`)."""

    campaign: str
    level: Level
    at: datetime
    raised_at: datetime
    signals: tuple[str, ...]
    summary: str
    posts: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    metrics: dict[str, float | int | None] = field(default_factory=dict)
    # clusters of near-copies and synchronised accounts, when any are seen (docs/coordination.md)
    coordination: dict[str, Any] | None = None
    # more evidence by name (the forecast, the adjusted composition): docs/early-warning.md
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """``campaign-at-level``: the same input gives the same id."""
        return f"{self.campaign}-{iso_seconds(self.at)}-{self.level}"

    def to_dict(self) -> dict[str, Any]:
        """The alert as one JSON object of PRODUCT.md."""
        return {
            "id": self.id,
            "campaign": self.campaign,
            "level": self.level,
            "at": iso_seconds(self.at),
            "raised_at": iso_seconds(self.raised_at),
            "signals": list(self.signals),
            "summary": self.summary,
            "evidence": {
                "posts": list(self.posts),
                "authors": list(self.authors),
                "links": list(self.links),
                "metrics": dict(self.metrics),
                **self.extra,
            }
            | ({"coordination": self.coordination} if self.coordination is not None else {}),
        }


def iso_seconds(t: datetime) -> str:
    """``2013-11-13T21:04:00Z``.

    >>> iso_seconds(datetime(2013, 11, 13, 21, 4, 7, 999, tzinfo=UTC))
    '2013-11-13T21:04:07Z'
    """
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def followers_text(n: int) -> str:
    """Follower counts as people say them.

    >>> followers_text(192_000), followers_text(1_900_000), followers_text(850)
    ('192k', '1.9M', '850')
    """
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M".replace(".0M", "M")
    if n >= 10_000:
        return f"{round(n / 1000)}k"
    if n >= 1000:
        return f"{n / 1000:.1f}k".replace(".0k", "k")
    return str(n)


def percent(x: float) -> str:
    """``0.714`` -> ``71%``."""
    return f"{round(100 * x)}%"
