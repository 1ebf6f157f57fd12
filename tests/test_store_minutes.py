"""``campaign_minutes``: the dashboard's per-minute counts, kept by triggers in the
transaction that stores the posts, always equal to counting the posts again; old stores
are migrated (and still read, unmigrated, read-only)."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from foretold import store_reads
from foretold.post import Author, Post
from foretold.store import _FILL_MINUTES, SCHEMA_VERSION, Store

T0 = datetime(2013, 11, 13, 20, 0, tzinfo=UTC)
SENTIMENTS = ("positive", "neutral", "negative")
FLAGS = ((), ("ironic",), ("offensive",), ("hateful", "ironic"))


def _post(i: int, at: datetime) -> Post:
    return Post(platform="x", id=str(i), text=f"#AskJPM {i}", created_at=at,
                author=Author(id=str(i % 7), handle=f"u{i % 7}"))  # fmt: skip


def _labels(rng: random.Random) -> bytes:
    return orjson.dumps({"sentiment": rng.choice(SENTIMENTS), "flags": list(rng.choice(FLAGS))})


def _kept(store: Store) -> list[tuple[object, ...]]:
    return store.db.execute("SELECT * FROM campaign_minutes ORDER BY 1, 2").fetchall()


def _counted(store: Store) -> list[tuple[object, ...]]:
    """The same counts made from scratch, as the migration makes them."""
    db = store.db
    db.execute("CREATE TEMP TABLE again AS SELECT * FROM campaign_minutes WHERE 0")
    db.execute(_FILL_MINUTES.replace("INTO campaign_minutes", "INTO temp.again"))
    rows = db.execute("SELECT * FROM temp.again ORDER BY 1, 2").fetchall()
    db.execute("DROP TABLE temp.again")
    return rows


def test_the_triggers_keep_the_counts_of_every_kind_of_write() -> None:
    """New posts with labels, labels that come later or change (a deeper tier, a picture
    read late), posts seen again, a second campaign joined later, times before 1970."""
    rng = random.Random(7)
    store = Store(":memory:")
    seen: list[Post] = []
    for batch in range(30):
        posts = [_post(batch * 50 + k, T0 + timedelta(seconds=rng.randrange(-600, 7200)))
                 for k in range(50)]  # fmt: skip
        if batch == 3:
            posts[0] = _post(999_999, datetime(1969, 12, 31, 23, 59, 30, tzinfo=UTC))
        again = rng.sample(seen, min(len(seen), 10))  # seen again, maybe relabelled
        members = [("askjpm", "x", p.id) for p in posts if rng.random() < 0.9]
        members += [("bank", "x", p.id) for p in rng.sample(seen, min(len(seen), 5))]
        labels = [("x", p.id, "fast", _labels(rng)) for p in posts + again if rng.random() < 0.8]
        store.write_batch(posts + again, (), members, labels)
        seen += posts
        assert _kept(store) == _counted(store), batch
    assert {r[0] for r in _kept(store)} == {"askjpm", "bank"}
    assert min(int(r[1]) for r in _kept(store)) == -1  # the minute before 1970 is floored


def test_the_dashboard_reads_the_same_from_the_minutes_as_from_the_posts() -> None:
    rng = random.Random(3)
    store = Store(":memory:")
    posts = [_post(i, T0 + timedelta(seconds=7 * i)) for i in range(3000)]
    store.write_batch(posts, (), [("askjpm", "x", p.id) for p in posts],
                      [("x", p.id, "fast", _labels(rng)) for p in posts[:2500]])  # fmt: skip
    fast = (store.dashboard_campaigns(), store.dashboard_mix("askjpm"),
            store.dashboard_mix("askjpm", 900), store.campaign_extent("askjpm"))  # fmt: skip
    store.__dict__["_has_minutes"] = False  # as a store of schema 4 read-only is read
    slow = (store.dashboard_campaigns(), store.dashboard_mix("askjpm"),
            store.dashboard_mix("askjpm", 900), store.campaign_extent("askjpm"))  # fmt: skip
    assert fast == slow
    assert fast[3] == (3000, int(posts[-1].created_at.timestamp()) * 1_000_000)


def test_the_latest_posts_are_found_also_when_the_campaign_is_quiet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = Store(":memory:")
    posts = [_post(i, T0 + timedelta(seconds=i)) for i in range(30)]
    noise = [_post(1000 + i, T0 + timedelta(hours=1, seconds=i)) for i in range(40)]
    store.write_batch(posts + noise, (), [("askjpm", "x", p.id) for p in posts]
                      + [("other", "x", p.id) for p in noise])  # fmt: skip
    latest = [p["id"] for p in store.dashboard_latest_posts("askjpm", 5)]
    assert latest == ["29", "28", "27", "26", "25"]
    monkeypatch.setattr(store_reads, "_RECENT_SEQS", 10)  # its posts are older than that
    assert [p["id"] for p in store.dashboard_latest_posts("askjpm", 5)] == latest


def _as_schema_4(path: Path) -> None:
    db = sqlite3.connect(path)
    for trigger in ("campaign_minutes_join", "campaign_minutes_label", "campaign_minutes_relabel"):
        db.execute(f"DROP TRIGGER {trigger}")
    db.execute("DROP TABLE campaign_minutes")
    db.execute("DROP TABLE campaign_names")
    db.execute("PRAGMA user_version = 4")
    db.commit()
    db.close()


def test_a_schema_4_store_is_read_as_it_is_and_migrated_when_opened_to_write(
    tmp_path: Path,
) -> None:
    rng = random.Random(5)
    path = tmp_path / "old.db"
    posts = [_post(i, T0 + timedelta(seconds=11 * i)) for i in range(500)]
    with Store(path) as store:
        store.write_batch(posts, (), [("askjpm", "x", p.id) for p in posts],
                          [("x", p.id, "fast", _labels(rng)) for p in posts])  # fmt: skip
        expected = (_kept(store), store.dashboard_campaigns(), store.dashboard_mix("askjpm"))
    _as_schema_4(path)
    with Store(path, readonly=True) as old:  # the dashboard on a store not yet migrated
        assert not old.has_minutes()
        assert (old.dashboard_campaigns(), old.dashboard_mix("askjpm")) == expected[1:]
    with Store(path) as store:  # any writing command migrates it, counts filled in
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert _kept(store) == expected[0]
        more = [_post(9000 + i, T0 + timedelta(seconds=i)) for i in range(20)]
        store.write_batch(more, (), [("askjpm", "x", p.id) for p in more])
        assert _kept(store) == _counted(store)
        assert store.campaign_extent("askjpm")[0] == 520
