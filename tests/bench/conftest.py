"""Hand-made streams for the benchmark tests: posts at given minutes, one campaign."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from foretold.post import Author, Post
from foretold.records import Batch

T0 = datetime(2020, 1, 6, tzinfo=UTC)  # a Monday, 00:00 UTC
_IDS = itertools.count(1)
DATA = Path(
    os.environ.get("FORETOLD_DATA") or Path(__file__).resolve().parents[3] / "shared" / "data"
)


def at(minutes: float) -> datetime:
    """Stream time ``minutes`` after :data:`T0`."""
    return T0 + timedelta(minutes=minutes)


def post(minutes: float, text: str = "hello", pid: str | None = None) -> Post:
    """A post at ``minutes`` after :data:`T0`, with a fresh id unless given."""
    return Post(platform="x", id=pid or str(next(_IDS)), text=text, author=Author(id="1"),
                created_at=at(minutes))  # fmt: skip


def every(start_min: float, end_min: float, per_hour: float, text: str = "hello") -> list[Post]:
    """Evenly spaced posts from ``start_min`` (inclusive) to ``end_min`` (exclusive)."""
    step = 60.0 / per_hour
    n = round((end_min - start_min) / step)
    return [post(start_min + i * step, text) for i in range(n)]


def batch_of(posts: Iterable[Post], campaign: str = "brew") -> Batch:
    """One batch in time order, every post a member of ``campaign``."""
    ps = sorted(posts, key=lambda p: p.created_at)
    return Batch(posts=ps, memberships=[(campaign, p.platform, p.id) for p in ps])
