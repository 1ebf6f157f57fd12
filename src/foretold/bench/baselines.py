"""The market's alarms, as pipeline stages: what commercial listening tools alert on.

CASES.md: commercial tools "alert on volume: e.g. the last hour against the
previous 12 hours (cross-checked against the previous day and week), or a 24-hour
mean above the 7-day mean by k standard deviations, checked hourly, with a
cool-down"; and dashboards offer a negative-share threshold over a word-list
sentiment. Three stages reproduce them, per campaign, on stream time:

==================== =========================================================== ==========
name                 fires when                                                  checked
==================== =========================================================== ==========
market_volume_12h    posts of the last hour >= ``ratio`` x the hourly mean of the every 15 min
                     12 hours before, and >= ``ratio`` x the same hour a day and
                     a week before (where the stream reaches back that far)
market_24h_7d        posts of the last 24 h > mean + ``k`` sd of the 24-hour      hourly
                     volumes of the 7 days before (sampled hourly; needs one
                     full day of reference, so two days of stream)
market_negative_vader VADER-negative share (compound <= -0.05) of the last 30     every post
                     minutes >= ``threshold``
==================== =========================================================== ==========

Each needs ``min_posts`` in its window and then keeps quiet for ``cooldown_h``.
They only ever say "alert": every alert is emitted at level ``warning`` and its
``signals`` name the baseline. A check on a clock boundary is stamped with the
boundary (``at``), the moment the tool would have run it; the negative-share
check is stamped with the post that tipped it.

>>> from datetime import UTC, datetime, timedelta
>>> from foretold.clock import ManualClock
>>> from foretold.records import Batch
>>> from foretold.post import Author, Post
>>> t0 = datetime(2020, 1, 1, tzinfo=UTC)
>>> def post(i: int, minute: float) -> Post:
...     return Post(platform="x", id=str(i), text="hi", author=Author(id="1"),
...                 created_at=t0 + timedelta(minutes=minute))
>>> quiet = [post(i, 60.0 * i) for i in range(14)]            # 00:00-13:00, one an hour
>>> burst = [post(100 + i, 14 * 60 + i) for i in range(40)]   # 14:00-14:39, one a minute
>>> posts = quiet + burst
>>> stage = VolumeSpike(ManualClock(t0))
>>> batch = Batch(posts=posts, memberships=[("brew", p.platform, p.id) for p in posts])
>>> stage.process(batch)
>>> [(a["level"], a["at"], a["evidence"]["metrics"]["posts_last_hour"]) for a in batch.alerts]
[('warning', '2020-01-01T14:30:00.000Z', 30.0)]
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from foretold.clock import Clock
from foretold.errors import ConfigError
from foretold.post import Post, format_time
from foretold.records import Batch

LEVEL = "warning"  # the market's single "alert", scored as warning
_EVIDENCE_POSTS = 5
_WEEK_MIN = 7 * 24 * 60


def _at(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, tz=UTC)


def market_alert(
    detector: str,
    campaign: str,
    at: datetime,
    clock: Clock,
    summary: str,
    metrics: dict[str, float],
    posts: list[str],
) -> dict[str, Any]:
    """A baseline's alert in the PRODUCT.md shape (level ``warning``, one signal)."""
    stamp = format_time(at)
    return {
        "id": f"{campaign}-{stamp}-{LEVEL}-{detector}",
        "campaign": campaign,
        "level": LEVEL,
        "at": stamp,
        "raised_at": format_time(clock.now()),
        "signals": [detector],
        "summary": summary,
        "evidence": {"posts": posts, "authors": [], "links": [], "metrics": metrics},
        "detector": detector,
    }


def campaign_posts(batch: Batch) -> Iterator[tuple[str, Post]]:
    """``(campaign, post)`` for every membership of the batch, in stream order."""
    if not batch.memberships:
        return
    by_key = {p.key: p for p in batch.posts}
    for campaign, platform, post_id in batch.memberships:
        post = by_key.get((platform, post_id))
        if post is not None:
            yield campaign, post


class _Tally:
    """Posts per minute of one campaign, the first minute seen and the last check."""

    def __init__(self, minute: int, step: int) -> None:
        self.minutes: dict[int, int] = {}
        self.first = minute
        self.checked = minute - minute % step  # the last boundary already evaluated
        self.quiet_until = -math.inf  # cool-down end, in minutes
        self.recent: deque[str] = deque(maxlen=_EVIDENCE_POSTS)

    def add(self, minute: int, post_id: str) -> None:
        self.minutes[minute] = self.minutes.get(minute, 0) + 1
        self.recent.append(post_id)

    def count(self, lo: int, hi: int) -> int:
        """Posts in minutes ``[lo, hi)``."""
        get = self.minutes.get
        return sum(get(m, 0) for m in range(max(lo, self.first), hi))

    def prune(self, before: int) -> None:
        for m in [m for m in self.minutes if m < before]:
            del self.minutes[m]

    def boundaries(self, minute: int, step: int) -> Iterator[int]:
        """The check boundaries now in the past (``<= minute``), each once."""
        while self.checked + step <= minute:
            self.checked += step
            yield self.checked


class VolumeSpike:
    """Last hour against the previous 12 hours, cross-checked a day and a week before.

    Checked every ``every_min`` minutes of stream time. The 12-hour mean is taken
    over the part of the 12 hours the stream covers (at least one hour); the day
    and week cross-checks apply only where the stream reaches back that far.
    """

    name = "market_volume_12h"

    def __init__(
        self,
        clock: Clock,
        ratio: float = 3.0,
        min_posts: int = 30,
        every_min: int = 15,
        cooldown_h: float = 6.0,
    ) -> None:
        self.clock = clock
        self.ratio = ratio
        self.min_posts = min_posts
        self.every_min = every_min
        self.cooldown_h = cooldown_h
        self._tallies: dict[str, _Tally] = {}

    def process(self, batch: Batch) -> None:
        """Count the batch's campaign posts; run every check whose boundary has passed."""
        for campaign, post in campaign_posts(batch):
            minute = int(post.created_at.timestamp() // 60)
            tally = self._tallies.get(campaign)
            if tally is None:
                tally = self._tallies[campaign] = _Tally(minute, self.every_min)
            for b in tally.boundaries(minute, self.every_min):
                self._check(campaign, tally, b, batch)
            tally.add(minute, post.id)

    def _check(self, campaign: str, tally: _Tally, b: int, batch: Batch) -> None:
        if b < tally.quiet_until:
            return
        last = tally.count(b - 60, b)
        if last < self.min_posts:
            return
        history = b - 60 - max(b - 780, tally.first)
        if history < 60:
            return  # not an hour of history yet
        mean12 = tally.count(b - 780, b - 60) * 60.0 / history
        metrics = {"posts_last_hour": float(last), "mean_prev_12h": round(mean12, 2)}
        if last < self.ratio * mean12:
            return
        for label, back in (("same_hour_yesterday", 1440), ("same_hour_last_week", _WEEK_MIN)):
            if b - 60 - back >= tally.first:
                before = tally.count(b - 60 - back, b - back)
                metrics[label] = float(before)
                if last < self.ratio * before:
                    return
        tally.quiet_until = b + self.cooldown_h * 60
        tally.prune(b - _WEEK_MIN - 120)
        summary = (
            f"{last} posts in the last hour, {last / max(mean12, 1e-9):.1f}x the hourly mean "
            f"of the 12 hours before ({mean12:.1f})"
            if mean12 > 0
            else f"{last} posts in the last hour, none in the hours before"
        )
        batch.alerts.append(
            market_alert(self.name, campaign, _at(b), self.clock, summary, metrics,
                         list(tally.recent))
        )  # fmt: skip


class DailySpike:
    """The last 24 hours' volume above the 7 days before by ``k`` standard deviations.

    Checked hourly: the reference is the 24-hour volume sampled at every hour of
    the 7 days before the current day (windows inside the stream only); the
    standard deviation is floored at the square root of the mean (Poisson noise),
    so a flat history does not make every post a spike.
    """

    name = "market_24h_7d"

    def __init__(
        self, clock: Clock, k: float = 3.0, min_posts: int = 50, cooldown_h: float = 24.0
    ) -> None:
        self.clock = clock
        self.k = k
        self.min_posts = min_posts
        self.cooldown_h = cooldown_h
        self._tallies: dict[str, _Tally] = {}

    def process(self, batch: Batch) -> None:
        """Count the batch's campaign posts; run every hourly check that has passed."""
        for campaign, post in campaign_posts(batch):
            minute = int(post.created_at.timestamp() // 60)
            tally = self._tallies.get(campaign)
            if tally is None:
                tally = self._tallies[campaign] = _Tally(minute - minute % 60, 60)
            for b in tally.boundaries(minute, 60):
                self._check(campaign, tally, b, batch)
            tally.add(minute, post.id)

    def _check(self, campaign: str, tally: _Tally, b: int, batch: Batch) -> None:
        if b < tally.quiet_until or b - tally.first < 48 * 60:
            return
        start = max(b - 8 * 1440, tally.first)
        hours = [tally.count(m, m + 60) for m in range(start, b, 60)]
        sums = [0]
        for c in hours:
            sums.append(sums[-1] + c)
        day = sums[-1] - sums[-25]
        # 24-hour windows ending at each hour from 7 days to 1 day before b
        ref = [sums[e] - sums[e - 24] for e in range(24, len(hours) - 23) if len(hours) - e <= 168]
        if day < self.min_posts or not ref:
            return
        mean = sum(ref) / len(ref)
        sd = max(math.sqrt(sum((x - mean) ** 2 for x in ref) / len(ref)), math.sqrt(mean), 1.0)
        if day <= mean + self.k * sd:
            return
        tally.quiet_until = b + self.cooldown_h * 60
        tally.prune(b - 9 * 1440)
        metrics = {
            "posts_last_24h": float(day),
            "mean_24h_prev_7d": round(mean, 2),
            "sd_24h_prev_7d": round(sd, 2),
            "z": round((day - mean) / sd, 2),
        }
        summary = (
            f"{day} posts in the last 24 h, {metrics['z']:.1f} sd above the 24-hour volume "
            f"of the days before (mean {mean:.0f})"
        )
        batch.alerts.append(
            market_alert(self.name, campaign, _at(b), self.clock, summary, metrics,
                         list(tally.recent))
        )  # fmt: skip


class NegativeShare:
    """The share of VADER-negative posts in the last ``window_min`` minutes above a threshold.

    VADER (``vaderSentiment``) is this baseline's own sentiment, as dashboards use a
    word list: a post is negative when its compound score is <= -0.05 (VADER's
    documented cut-off). Checked at every post.
    """

    name = "market_negative_vader"

    def __init__(
        self,
        clock: Clock,
        threshold: float = 0.4,
        window_min: float = 30.0,
        min_posts: int = 20,
        cooldown_h: float = 6.0,
    ) -> None:
        self.clock = clock
        self.threshold = threshold
        self.window_min = window_min
        self.min_posts = min_posts
        self.cooldown_h = cooldown_h
        self._vader: Any = None
        self._windows: dict[str, deque[tuple[float, bool, str]]] = {}
        self._negatives: dict[str, int] = {}
        self._quiet_until: dict[str, float] = {}

    def negative(self, text: str) -> bool:
        """VADER's verdict on one text.

        >>> from foretold.clock import SystemClock
        >>> s = NegativeShare(SystemClock())
        >>> s.negative("worst bank ever, thieves"), s.negative("what a lovely day")
        (True, False)
        """
        if self._vader is None:
            self._vader = vader()
        return bool(self._vader.polarity_scores(text)["compound"] <= -0.05)

    def process(self, batch: Batch) -> None:
        """Score each campaign post; alert when the window's negative share crosses."""
        span = self.window_min * 60.0
        for campaign, post in campaign_posts(batch):
            t = post.created_at.timestamp()
            win = self._windows.setdefault(campaign, deque())
            neg = self.negative(post.text)
            win.append((t, neg, post.id))
            count = self._negatives.get(campaign, 0) + neg
            while win[0][0] <= t - span:
                count -= win.popleft()[1]
            self._negatives[campaign] = count
            if len(win) < self.min_posts or t < self._quiet_until.get(campaign, -math.inf):
                continue
            share = count / len(win)
            if share < self.threshold:
                continue
            self._quiet_until[campaign] = t + self.cooldown_h * 3600.0
            metrics = {"negative_share": round(share, 3), "posts_window": float(len(win))}
            posts = [pid for _, n, pid in win if n][-_EVIDENCE_POSTS:]
            summary = (
                f"{share:.0%} of the last {self.window_min:.0f} min's {len(win)} posts "
                f"are negative (VADER), threshold {self.threshold:.0%}"
            )
            batch.alerts.append(
                market_alert(self.name, campaign, post.created_at, self.clock, summary, metrics,
                             posts)
            )  # fmt: skip


def vader() -> Any:
    """VADER's analyser, or a ConfigError with the install hint when it is missing."""
    try:
        from vaderSentiment.vaderSentiment import (  # type: ignore[import-untyped]
            SentimentIntensityAnalyzer,
        )
    except ImportError as e:
        raise ConfigError(
            "market_negative_vader needs the vaderSentiment package: pip install vaderSentiment"
        ) from e
    return SentimentIntensityAnalyzer()
