"""The per-campaign coordination state: summaries, and a restart that changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from foretold.coordination import Coordination
from foretold.post import Author, Post, Ref
from foretold.simulate.swarm import swarm_stream
from tests.conftest import SHARED_DATA

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
ANGRY = {"sentiment": "negative", "emotion": "anger", "flags": []}


def _posts() -> list[Post]:
    out = []
    swarm = [
        Author(id=f"s{i}", handle=f"maria{48213900 + i}", followers=3, following=800,
               posts=900, created_at=T0 - timedelta(days=5))
        for i in range(10)
    ]  # fmt: skip
    for wave in range(4):
        for i, a in enumerate(swarm):
            at = T0 + timedelta(minutes=10 * wave, seconds=2 * i)
            text = f"@brand you lied to us and you know it, shame on you {'!' * wave} #boycott"
            out.append(Post(platform="x", id=f"{wave}-{i}", text=text, created_at=at, author=a))
            out.append(Post(platform="x", id=f"rt{wave}-{i}", text="RT", author=a,
                            created_at=at + timedelta(seconds=5), kind="repost",
                            repost_of=Ref(f"seed{wave}")))  # fmt: skip
    for i in range(30):  # people, each in their own words, reposting one viral post
        a = Author(id=f"p{i}", handle=f"person_{i}", followers=400, description="Nurse.",
                   name=f"P {i}", created_at=T0 - timedelta(days=900))  # fmt: skip
        at = T0 + timedelta(seconds=37 * i)
        out.append(Post(platform="x", id=f"p{i}", text=f"my order {i} never came, day {i} of waiting",
                        created_at=at, author=a))  # fmt: skip
        out.append(Post(platform="x", id=f"v{i}", text="RT", created_at=at, author=a,
                        kind="repost", repost_of=Ref("viral")))  # fmt: skip
    return sorted(out, key=lambda p: p.created_at)


def test_the_swarm_is_named_and_the_people_are_not() -> None:
    co = Coordination()
    for p in _posts():
        co.update(p, ANGRY)
    s = co.summary(60)
    names = {co.handle(a) for a in s.coordinated_accounts}
    assert names == {f"maria{48213900 + i}" for i in range(10)}
    assert s.groups and len(s.groups[0]) == 10  # synchronised as well as near-copies
    assert s.coordinated_hostile == 40 and s.hostile == 70
    assert s.accounts[0].drivers[:2] == ("young", "high_rate")


def test_a_restored_state_summarises_like_an_uninterrupted_one() -> None:
    posts = _posts()
    whole = Coordination()
    for p in posts:
        whole.update(p, ANGRY)
    first = Coordination()
    for p in posts[:50]:
        first.update(p, ANGRY)
    resumed = Coordination()
    resumed.restore(first.snapshot())
    resumed.prepare(posts[50:])
    for p in posts[50:]:
        resumed.update(p, ANGRY)
    assert resumed.summary(60) == whole.summary(60)


needs_data = pytest.mark.skipif(
    not (SHARED_DATA / "tweeteval").is_dir(), reason="../shared/data is not here"
)


@needs_data
def test_a_restored_state_names_the_same_swarm_at_every_reading() -> None:
    """Snapshot and restore at several points of the drill: every later reading and
    every cluster returned is the uninterrupted state's."""
    posts, _ = swarm_stream("astroturf_attack", 2, SHARED_DATA)
    posts = posts[: len(posts) * 3 // 4]
    whole, cut = Coordination(), Coordination()
    for i in range(0, len(posts), 400):
        chunk = posts[i : i + 400]
        whole.prepare(chunk)
        cut.prepare(chunk)
        for p in chunk:
            assert cut.update(p, ANGRY) == whole.update(p, ANGRY)
        assert cut.summary(15) == whole.summary(15)
        assert cut.summary(60) == whole.summary(60)
        resumed = Coordination()
        resumed.restore(cut.snapshot())
        cut = resumed
    assert whole.summary(60).coordinated_accounts


@needs_data
def test_the_snapshot_is_compact() -> None:
    posts, _ = swarm_stream("astroturf_attack", 1, SHARED_DATA)
    co = Coordination()
    co.prepare(posts)
    for p in posts:
        co.update(p, ANGRY)
    assert len(co.snapshot()) < 200_000  # measured: 62 KiB; the whole pickle was 91 KiB


WORDS = (
    "order",
    "flight",
    "bag",
    "refund",
    "crew",
    "seat",
    "delay",
    "gate",
    "app",
    "card",
    "late",
    "lost",
    "never",
    "came",
    "nobody",
    "answers",
    "waiting",
    "again",
    "today",
    "week",
    "month",
    "call",
    "chat",
    "hold",
    "hours",
    "staff",
    "rude",
    "kind",
    "fix",
    "broken",
    "charged",
    "twice",
    "cancelled",
    "moved",
    "missed",
    "connection",
    "voucher",
    "points",
    "miles",
)


@pytest.mark.parametrize("shuffled", [False, True], ids=["in order", "out of order"])
def test_a_window_counts_the_posts_a_walk_back_would(shuffled: bool) -> None:
    """With no coordinated cluster, a summary counts its window by bisection over the kept
    posts while their times never go back, and by a walk back from the newest otherwise:
    both give what counting every kept post after the window's start gives, across sweeps
    (which forget posts) and a restore."""
    import random

    rng = random.Random(5)
    posts = []
    for i in range(12_000):  # three hours of people, every fifth post hostile
        a = Author(id=f"p{i % 400}", handle=f"person_{i % 400}", followers=400,
                   created_at=T0 - timedelta(days=900))  # fmt: skip
        at = T0 + timedelta(seconds=0.9 * i + (rng.uniform(-60, 60) if shuffled else 0))
        text = " ".join(rng.choice(WORDS) for _ in range(12))  # no two alike
        posts.append((Post(platform="x", id=str(i), text=text, created_at=at, author=a),
                      ANGRY if i % 5 == 0 else None))  # fmt: skip
    co = Coordination()
    for k, (post, labels) in enumerate(posts):
        co.update(post, labels)
        if k == 7_000:
            co.restore(co.snapshot())
        if k % 397 == 0 or k == len(posts) - 1:
            for minutes in (15, 60):
                s = co.summary(minutes)
                since = co.last_us - minutes * 60_000_000
                kept = list(co._posts)
                walk = [h for t, _, _, h in reversed(kept)]
                expected = 0
                for t, _, _, _ in reversed(kept):
                    if t <= since:
                        break
                    expected += 1
                assert s.posts == expected
                assert s.hostile == sum(walk[:expected])
                assert s.coordinated_posts == 0
    assert co._ordered is not shuffled
    assert len(co._posts) < 7_000  # the sweeps forgot the older posts
