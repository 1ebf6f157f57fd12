"""The dashboard's panels read a bounded window of the campaign's newest posts
(``PanelWindow``): the same answers as the whole campaign when it fits in the window,
only the window's posts when it does not, and work that does not grow with the store."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from foretold.post import Author, Counts, Post
from foretold.store import Store
from foretold.store_reads import PANELS, PanelWindow

T0 = datetime(2013, 11, 13, 20, 0, tzinfo=UTC)


def _post(i: int, at: datetime, rng: random.Random) -> Post:
    url = (f"https://news{rng.randrange(5)}.example/{rng.randrange(9)}",)
    urls = url if rng.random() < 0.3 else ()
    return Post(
        platform="x", id=str(i), text=f"#AskJPM {i}", created_at=at,
        kind=rng.choice(("post", "reply", "repost")),
        author=Author(id=str(i % 37), handle=f"u{i % 37}", followers=rng.randrange(10**5)),
        counts=Counts(likes=rng.randrange(50), reposts=rng.randrange(9)),
        urls=urls, domains=tuple(u.split("/")[2] for u in urls), lang=rng.choice(("en", "fr")),
    )  # fmt: skip


def _store(posts: int, spacing_s: float, seed: int = 1, other_every: int = 0) -> Store:
    """``posts`` posts of #askjpm, ``spacing_s`` seconds apart, labelled; every
    ``other_every``-th post (0: none) is another campaign's, interleaved."""
    rng = random.Random(seed)
    store = Store(":memory:")
    made = [_post(i, T0 + timedelta(seconds=spacing_s * i), rng) for i in range(posts)]
    members = [("other" if other_every and i % other_every == 0 else "askjpm", "x", p.id)
               for i, p in enumerate(made)]  # fmt: skip
    labels = [("x", p.id, "fast", orjson.dumps({"sentiment": "negative", "lang": p.lang}))
              for p in made]  # fmt: skip
    store.write_batch(made, (), members, labels)
    return store


def _panels(store: Store, window: PanelWindow | None) -> tuple[Any, ...]:
    return (
        store.dashboard_top_posts("askjpm", 10, window),
        store.dashboard_amplifiers("askjpm", 10, window),
        store.dashboard_links("askjpm", 10, window),
        store.dashboard_languages("askjpm", window=window),
    )


def test_a_campaign_inside_the_window_reads_as_the_whole_campaign() -> None:
    store = _store(600, 30.0, other_every=4)  # five hours, a quarter of it another campaign's
    assert _panels(store, PANELS) == _panels(store, None)
    assert store.recent_pictures("askjpm") == store.repeated_images("askjpm", near=6)


def test_the_window_keeps_the_campaigns_newest_posts_within_its_hours() -> None:
    """Posts 0..299, one a minute, every third one another campaign's:

    stream time  0 ........................... 299 min (the newest)
    hours=2                           [<-- 120 min ->]   posts 180..299
    posts=50                                  [<- 50 ->] askjpm's newest 50
    """
    store = _store(300, 60.0, other_every=3)
    mine = {str(i) for i in range(300) if i % 3}
    sub, args = store.panel_seqs("askjpm", PanelWindow(hours=2.0, posts=10_000))
    seqs = [r[0] for r in store.db.execute(sub, args)]
    ids = {store.db.execute("SELECT id FROM posts WHERE seq = ?", (s,)).fetchone()[0] for s in seqs}
    assert ids == {i for i in mine if int(i) > 179}
    sub, args = store.panel_seqs("askjpm", PanelWindow(hours=24.0, posts=50))
    ids = {store.db.execute("SELECT id FROM posts WHERE seq = ?", (s,)).fetchone()[0]
           for (s,) in store.db.execute(sub, args)}  # fmt: skip
    assert ids == set(sorted(mine, key=int)[-50:])
    # the panels count within the window only
    window = PanelWindow(hours=24.0, posts=50)
    assert sum(a["posts"] for a in store.dashboard_amplifiers("askjpm", 100, window)) == 50
    assert store.dashboard_languages("askjpm", window=window)["posts"] == 50
    top = store.dashboard_top_posts("askjpm", 100, window)
    assert top and {p["id"] for p in top} <= set(sorted(mine, key=int)[-50:])
    assert store.dashboard_top_posts("nobody", 10) == []
    assert store.dashboard_amplifiers("nobody", 10) == []


def test_an_old_post_outside_the_window_leaves_the_top_posts() -> None:
    store = _store(200, 60.0)
    old = Post(platform="x", id="old", text="the viral one", created_at=T0 - timedelta(days=10),
               author=Author(id="v", handle="viral"), counts=Counts(likes=10**6))  # fmt: skip
    store.write_batch([old], (), [("askjpm", "x", "old")])
    assert store.dashboard_top_posts("askjpm", 1, None)[0]["id"] == "old"
    assert store.dashboard_top_posts("askjpm", 1)[0]["id"] != "old"


def _steps(store: Store, read: Callable[[Store], object]) -> int:
    """SQLite virtual-machine steps a read takes (in thousands): work, not time."""
    steps = [0]

    def tick() -> int:
        steps[0] += 1
        return 0

    store.db.set_progress_handler(tick, 1000)
    try:
        read(store)
    finally:
        store.db.set_progress_handler(None, 1000)
    return steps[0]


def test_a_panel_read_does_not_grow_with_the_campaign() -> None:
    """The window's walk stops at its ``posts``: a campaign twenty times bigger costs
    about the same (a whole-campaign read costs twenty times as much)."""
    window = PanelWindow(hours=24.0, posts=200)
    small, big = _store(1_000, 1.0), _store(20_000, 1.0)
    reads: list[Callable[[Store], object]] = [
        lambda s: s.dashboard_top_posts("askjpm", 10, window),
        lambda s: s.dashboard_amplifiers("askjpm", 10, window),
        lambda s: s.dashboard_links("askjpm", 10, window),
        lambda s: s.dashboard_languages("askjpm", window=window),
        lambda s: s.recent_pictures("askjpm", window=window),
        lambda s: s.recent_posts("askjpm", 60, 200),
    ]
    for read in reads:
        a, b = _steps(small, read), _steps(big, read)
        assert b <= 1.5 * a + 5, (read, a, b)
    whole = [_steps(s, lambda s: s.dashboard_amplifiers("askjpm", 10, None)) for s in (small, big)]
    assert whole[1] > 10 * whole[0]


def test_without_follower_counts_the_amplifiers_are_the_busiest_accounts() -> None:
    """An R export gives no follower counts: the panel says so (None, shown as '–') and
    lists the most active accounts first, not the handles in alphabetical order."""
    store = Store(":memory:")
    made = [
        Post(platform="x", id=str(i), text=f"@JetBlue {i}", created_at=T0 + timedelta(minutes=i),
             author=Author(id=h, handle=h, followers=None))
        for i, h in enumerate(["zed", "zed", "zed", "amy", "bob", "bob"])
    ]  # fmt: skip
    store.write_batch(made, (), [("jetblue", "x", p.id) for p in made], [])
    rows = store.dashboard_amplifiers("jetblue", 10, None)
    assert [(r["author"], r["followers"], r["posts"]) for r in rows] == [
        ("zed", None, 3), ("bob", None, 2), ("amy", None, 1)
    ]  # fmt: skip
