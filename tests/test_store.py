"""The SQLite store: one post once, counts updated, deletions, a reader beside a writer."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foretold.errors import StoreError
from foretold.post import Author, Counts, Deletion, Post, Ref
from foretold.store import SCHEMA_VERSION, Store, join_list, split_list


def post(i: int, **kw: object) -> Post:
    base = Post(
        platform="x",
        id=str(i),
        text=f"post {i} #AskJPM",
        created_at=datetime(2013, 11, 13, 21, 4, i % 60, 123000, tzinfo=UTC),
        author=Author(
            id="7", handle="ann", followers=85, created_at=datetime(2010, 1, 1, tzinfo=UTC)
        ),
        counts=Counts(reposts=1, likes=2),
        hashtags=("askjpm",),
        urls=("https://reuters.com/a",),
        domains=("reuters.com",),
        reply_to=Ref("99", "18922723", "jpmorgan"),
        kind="reply",
        raw=b'{"id": "%d"}' % i,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def test_a_post_round_trips_through_the_store_unchanged(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.put_posts([post(1)])
        [back] = store.iter_posts()
    assert back == post(1)


def test_the_same_post_is_stored_once_and_its_counts_updated(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        assert store.put_posts([post(1)]) == (1, 0)
        later = post(
            1,
            counts=Counts(reposts=40, likes=90, replies=3),
            author=Author(id="7", handle="ann", followers=120),
        )
        assert store.put_posts([later, post(2)]) == (1, 1)
        first = next(store.iter_posts())
    assert store_count(tmp_path / "s.db") == 2
    assert first.counts == Counts(reposts=40, replies=3, likes=90, quotes=0)
    assert first.author.followers == 120


def test_a_broken_row_raises_instead_of_passing_for_a_duplicate(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        assert store.put_posts([post(1)]) == (1, 0)
        broken = replace(post(2), text=None)  # type: ignore[arg-type] - a reader bug
        with pytest.raises(StoreError, match="NOT NULL"):
            store.put_posts([post(3), broken])
        assert store.put_posts([post(1), post(3)]) == (1, 1)  # the failed batch left nothing


def test_older_counts_seen_later_do_not_lower_stored_counts(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.put_posts([post(1, counts=Counts(reposts=40))])
        store.put_posts([post(1, counts=Counts(reposts=3))])
        assert next(store.iter_posts()).counts.reposts == 40


def test_deletion_marks_a_post_whether_it_comes_before_or_after(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.write_batch([post(1)], [Deletion("x", "1"), Deletion("x", "2")], [])
        store.write_batch([post(2), post(3)], [], [])
        assert store.is_deleted("x", "1") and store.is_deleted("x", "2")
        assert not store.is_deleted("x", "3")
    db = sqlite3.connect(tmp_path / "s.db")
    assert db.execute("SELECT id FROM posts WHERE deleted ORDER BY id").fetchall() == [
        ("1",),
        ("2",),
    ]


def test_campaign_memberships_are_counted_once(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        m = [("askjpm", "x", "1")]
        assert store.write_batch([post(1)], [], m)[2] == 1
        assert store.write_batch([post(1)], [], m)[2] == 0
        assert [p.id for p in store.iter_posts("askjpm")] == ["1"]
        assert store.count_posts("askjpm") == 1 and store.campaigns() == ["askjpm"]


def test_the_file_uses_wal_and_records_its_schema_version(tmp_path: Path) -> None:
    Store(tmp_path / "s.db").close()
    db = sqlite3.connect(tmp_path / "s.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_store_from_a_newer_foretold_is_refused(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "s.db")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer than this foretold"):
        Store(tmp_path / "s.db")


def test_a_second_process_reads_while_this_one_writes(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as store:
        store.put_posts([post(i) for i in range(100)])
        store._db.execute("BEGIN IMMEDIATE")  # a write transaction held open
        store._db.executemany(
            "UPDATE posts SET likes = likes + 1 WHERE id = ?", [(str(i),) for i in range(50)]
        )
        reader = (
            "import sys; from foretold.store import Store; "
            "s = Store(sys.argv[1], readonly=True); print(s.count_posts())"
        )
        out = subprocess.run(
            [sys.executable, "-c", reader, str(path)], capture_output=True, text=True, timeout=60
        )
        store._db.execute("COMMIT")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "100"


def test_alerts_are_stored_once_by_id_in_stream_order(tmp_path: Path) -> None:
    a = {
        "id": "askjpm-2013-11-13T21:04:00Z-crisis",
        "campaign": "askjpm",
        "level": "crisis",
        "at": "2013-11-13T21:04:00Z",
        "raised_at": "2026-11-25T00:00:00Z",
        "signals": [],
        "summary": "s",
        "evidence": {},
    }
    b = {
        **a,
        "id": "askjpm-2013-11-13T20:00:00Z-watch",
        "level": "watch",
        "at": "2013-11-13T20:00:00Z",
    }
    with Store(tmp_path / "s.db") as store:
        store.put_alerts([a, b, a])
        assert [x["level"] for x in store.alerts()] == ["watch", "crisis"]


def store_count(path: Path) -> int:
    return int(sqlite3.connect(path).execute("SELECT count(*) FROM posts").fetchone()[0])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(max_size=8), max_size=5).map(tuple))
def test_list_columns_round_trip_any_text(items: tuple[str, ...]) -> None:
    assert split_list(join_list(items)) == items


def test_a_version_1_store_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Store(path) as store:
        store.put_posts([post(1)])
        store.db.execute("DROP TABLE deliveries")
        store.db.execute("DROP TABLE source_status")
        store.db.execute("PRAGMA user_version = 1")
    with Store(path) as store:
        assert store.count_posts() == 1
        store.db.execute("SELECT count(*) FROM deliveries").fetchone()
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
