"""The coordination state's size bound (``max_posts``): a long, busy watch keeps at most
that many posts for its summaries, and a summary within the kept posts reads the same."""

from __future__ import annotations

from datetime import timedelta

from foretold.coordination import Coordination
from foretold.coordination.config import CoordinationConfig
from foretold.post import Author, Post
from tests.coordination.test_state import ANGRY, T0, _posts


def _busy_hour() -> list[Post]:
    """600 people in their own words over the 40 minutes before the swarm."""
    return [
        Post(platform="x", id=f"b{i}", text=f"waited {i} minutes on the phone for order {i * 7}",
             created_at=T0 - timedelta(minutes=40) + timedelta(seconds=4 * i),
             author=Author(id=f"b{i}", handle=f"busy_{i}", followers=300,
                           created_at=T0 - timedelta(days=800)))
        for i in range(600)
    ]  # fmt: skip


def test_a_busy_stream_keeps_at_most_max_posts_and_summarises_the_same() -> None:
    bounded = Coordination(CoordinationConfig(max_posts=100))
    whole = Coordination()
    kept = 0
    for p in _busy_hour() + _posts():
        bounded.update(p, ANGRY)
        whole.update(p, ANGRY)
        kept = max(kept, bounded.kept_posts)
    assert kept <= 100 < whole.kept_posts
    a, b = bounded.summary(15), whole.summary(15)
    assert a.to_dict() == b.to_dict()  # the last 15 minutes were all kept
    assert {bounded.handle(x) for x in a.coordinated_accounts} == {
        f"maria{48213900 + i}" for i in range(10)
    }
