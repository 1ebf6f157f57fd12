"""One stream of a benchmark suite: its records, what to track, the truth, its figures.

A :class:`Case` hands out fresh batches of records for each detector's run (a
simulated file read back by the real readers, or a real archive), the tracking
stage that fills campaign memberships, the :class:`~foretold.bench.scoring.Expectation`
it is scored against, and the realism figures the report prints beside CASES.md.

>>> from datetime import UTC, datetime, timedelta
>>> from foretold.post import Author, Post
>>> t0 = datetime(2013, 2, 15, 3, tzinfo=UTC)
>>> posts = [Post(platform="x", id=str(i), text="", author=Author(id=""),
...               created_at=t0 + timedelta(minutes=20 * i)) for i in range(7)]
>>> per_hour(posts)
[3, 3, 1]
>>> from foretold.records import Batch
>>> batch = Batch(posts=posts[:2])
>>> Collected("meteor").process(batch)
>>> batch.memberships
[('meteor', 'x', '0'), ('meteor', 'x', '1')]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from foretold.bench.scoring import Expectation
from foretold.campaigns import Campaign, Track
from foretold.post import Post
from foretold.records import Batch, Record, Stage
from foretold.simulate.hawkes import hill_tail_exponent

#: The realism figures the report shows, in order, with their column titles.
FIGURES: tuple[tuple[str, str], ...] = (
    ("posts_total", "posts"),
    ("peak_per_min", "peak/min"),
    ("peak_per_hour", "peak/h"),
    ("baseline_per_hour", "baseline/h"),
    ("repost_share", "reposts"),
    ("followers_median", "followers median"),
    ("followers_ge_10k", ">=10k"),
    ("followers_ge_100k", ">=100k"),
    ("follower_tail_alpha", "tail alpha"),
    ("negative_share_storm", "negative"),
)


class Collected:
    """Every post belongs to one campaign: a collection already filtered by its keywords."""

    name = "collected"

    def __init__(self, campaign: str) -> None:
        self.campaign = campaign

    def process(self, batch: Batch) -> None:
        """Add ``(campaign, platform, id)`` for every post."""
        batch.memberships.extend((self.campaign, p.platform, p.id) for p in batch.posts)


@dataclass
class Case:
    """A stream to run every detector over.

    ``records`` returns fresh batches each call; ``collected`` names the campaign
    when every post belongs to it (no campaign terms to match, e.g. text-less posts);
    ``has_text`` is False for volume-only streams, where label-based detectors do
    not apply. ``negative_source`` says where the negative share comes from.
    """

    name: str
    source: str
    expectation: Expectation
    campaigns: tuple[Campaign, ...]
    records: Callable[[], Iterable[list[Record]]]
    has_text: bool = True
    collected: str | None = None
    figures: dict[str, float] = field(default_factory=dict)
    reference: dict[str, str] = field(default_factory=dict)
    hourly: list[int] = field(default_factory=list)
    negative_source: str = ""
    note: str = ""

    def tracking(self) -> Stage:
        """The stage that fills memberships: :class:`Track`, or :class:`Collected`."""
        if self.collected is not None:
            return Collected(self.collected)
        return Track(self.campaigns)


def per_hour(posts: Sequence[Post]) -> list[int]:
    """Posts per hour from the first post's hour to the last's."""
    if not posts:
        return []
    t = np.array([p.created_at.timestamp() for p in posts]) // 3600
    return [int(x) for x in np.bincount((t - t.min()).astype(np.int64))]


def per_minute(posts: Sequence[Post]) -> list[int]:
    """Posts per minute from the first post's minute to the last's."""
    t = np.array([p.created_at.timestamp() for p in posts]) // 60
    return [int(x) for x in np.bincount((t - t.min()).astype(np.int64))] if len(t) else []


def post_figures(
    posts: Sequence[Post], onset: datetime | None, negative: Callable[[str], bool] | None
) -> dict[str, float]:
    """The realism figures of a real stream, measured on its posts.

    The baseline is the median hour before ``onset`` (all hours when the stream
    starts after it); followers are those of distinct authors, where the stream
    has them; the negative share is ``negative`` over every post (NaN without one).
    """
    nan = float("nan")
    hourly = per_hour(posts)
    first = min(p.created_at for p in posts) if posts else None
    before = hourly
    if onset is not None and first is not None and onset > first:
        before = hourly[: max(int((onset - first).total_seconds() // 3600), 1)]
    base = float(np.median(before)) if before else nan
    followers: dict[str, int] = {}
    for p in posts:
        if p.author.followers is not None:
            followers[p.author.id or p.author.handle] = p.author.followers
    fol = np.array(list(followers.values()), dtype=np.int64)
    n = len(posts)
    return {
        "posts_total": float(n),
        "peak_per_min": float(max(per_minute(posts))) if n else nan,
        "peak_per_hour": float(max(hourly)) if hourly else nan,
        "baseline_per_hour": base,
        "repost_share": sum(p.kind == "repost" for p in posts) / n if n else nan,
        "followers_median": float(np.median(fol)) if len(fol) else nan,
        "followers_ge_10k": float((fol >= 10_000).mean()) if len(fol) else nan,
        "followers_ge_100k": float((fol >= 100_000).mean()) if len(fol) else nan,
        "follower_tail_alpha": hill_tail_exponent(fol, 1_000.0) if len(fol) else nan,
        "negative_share_storm": (
            sum(negative(p.text) for p in posts) / n if negative is not None and n else nan
        ),
    }


def finite(figures: dict[str, float]) -> dict[str, float | None]:
    """Figures with NaN as None (JSON has no NaN)."""
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in figures.items()}
