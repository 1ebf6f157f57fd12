"""``campaign_minutes``: the dashboard's per-minute counts, kept by ``write_rows`` in the
transaction that stores the posts (one upsert per campaign and minute), always equal to
counting the posts again; old stores are migrated (and still read, unmigrated,
read-only)."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foretold import store_reads
from foretold.errors import StoreError
from foretold.post import Author, Post
from foretold.store import SCHEMA_VERSION, Store, post_row
from foretold.store_minutes import FILL_MINUTES, label_terms, sql_terms

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
    db.execute(FILL_MINUTES.replace("INTO campaign_minutes", "INTO temp.again"))
    rows = db.execute("SELECT * FROM temp.again ORDER BY 1, 2").fetchall()
    db.execute("DROP TABLE temp.again")
    return rows


def test_the_batches_keep_the_counts_of_every_kind_of_write() -> None:
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


_LABELS = st.one_of(
    st.none(),  # no labels in this write
    st.builds(
        lambda s, f: orjson.dumps({"sentiment": s, "flags": list(f)}),
        st.sampled_from((*SENTIMENTS, None)), st.sampled_from(FLAGS),
    ),
    st.sampled_from((b"[]", b'{"flags": "ironic"}', b'{"sentiment": 3}', b"null")),
)  # fmt: skip
_WRITE = st.tuples(
    st.lists(st.integers(0, 24), max_size=8),  # posts stored (maybe again, maybe twice)
    st.lists(st.tuples(st.sampled_from(("askjpm", "bank")), st.integers(0, 24)), max_size=8),
    st.lists(st.tuples(st.integers(0, 24), _LABELS), max_size=8),  # labels, maybe relabels
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_WRITE, min_size=1, max_size=6))
def test_the_counts_equal_a_recount_after_any_batches(
    writes: list[tuple[list[int], list[tuple[str, int]], list[tuple[int, bytes | None]]]],
) -> None:
    """Random batches of new and repeated posts, memberships before, with and after their
    posts, labels before and after them and relabels: the counts kept are always the
    counts made from the posts (post i is dated i * 50 s, 1969-12-31T23:59 on: three
    posts a minute, minutes on both sides of 1970)."""
    store = Store(":memory:")
    epoch = datetime(1969, 12, 31, 23, 59, tzinfo=UTC)
    for posts, members, labels in writes:
        rows = [post_row(_post(i, epoch + timedelta(seconds=50 * i))) for i in posts]
        store.write_rows(
            rows, (), [(c, "x", str(i)) for c, i in members],
            [("x", str(i), "fast", t) for i, t in labels if t is not None],
        )  # fmt: skip
        assert _kept(store) == _counted(store)


def test_labels_count_as_the_sql_recount_reads_them() -> None:
    cases = [b'{"sentiment": "positive"}', b'{"flags": ["hateful"]}', b'{"flags": "ironic"}',
             b'{"flags": {"ironic": 1}}', b'{"sentiment": ["negative"]}', b"[]", b"7"]  # fmt: skip
    db = sqlite3.connect(":memory:")
    sql = ", ".join(sql_terms("l.labels"))
    for labels in (*cases, None):
        terms = db.execute(f"SELECT {sql} FROM (SELECT ? AS labels) l", (labels,)).fetchone()
        assert label_terms(labels) == terms, labels


def test_labels_that_are_not_json_undo_the_batch() -> None:
    store = Store(":memory:")
    with pytest.raises(StoreError, match="not JSON"):
        store.write_batch([_post(1, T0)], (), [("askjpm", "x", "1")], [("x", "1", "fast", b"{")])
    assert store.count_posts() == 0 and _kept(store) == []
    store.write_batch([_post(1, T0)], (), [("askjpm", "x", "1")])  # the store still works
    assert _kept(store) == _counted(store)


def test_a_schema_5_store_drops_its_triggers_and_keeps_its_counts(tmp_path: Path) -> None:
    """Schema 5 kept the counts by triggers; 6 keeps them in write_rows: a migrated store
    must not count a post twice (here a stand-in trigger would add a second post)."""
    path = tmp_path / "five.db"
    posts = [_post(i, T0 + timedelta(seconds=13 * i)) for i in range(300)]
    with Store(path) as store:
        store.write_batch(posts, (), [("askjpm", "x", p.id) for p in posts])
        kept = _kept(store)
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TRIGGER campaign_minutes_join AFTER INSERT ON campaign_posts BEGIN"
        " UPDATE campaign_minutes SET posts = posts + 1 WHERE campaign = NEW.campaign; END"
    )
    db.execute("PRAGMA user_version = 5")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
        assert store.db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                                ).fetchone()[0] == 0  # fmt: skip
        assert _kept(store) == kept
        more = [_post(1000 + i, T0 + timedelta(seconds=i)) for i in range(40)]
        store.write_batch(more, (), [("askjpm", "x", p.id) for p in more])
        assert _kept(store) == _counted(store)
        assert store.campaign_extent("askjpm")[0] == 340
