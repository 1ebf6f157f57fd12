"""The embedded store: one SQLite database file (WAL) as the system of record.

Posts, campaign membership, labels, window metrics, phases, alerts, source
cursors and run summaries live in one file. WAL mode lets a second process (the
dashboard) read while the pipeline writes. The same post, ``(platform, id)``,
is stored once; seen again, its engagement counts and author figures are updated.

>>> from datetime import datetime, timedelta, timezone
>>> from foretold.post import Author, Post
>>> store = Store(":memory:")
>>> p = Post(platform="x", id="1", text="hi", created_at=datetime(2013, 11, 13, tzinfo=timezone.utc),
...          author=Author(id="7", handle="ann", followers=10))
>>> store.put_posts([p, p]), store.count_posts()
((1, 1), 1)
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from foretold.errors import StoreError
from foretold.media import ImageReading, ReadingRow
from foretold.post import (
    Author,
    Counts,
    Deletion,
    Post,
    Ref,
    media_from_json,
    media_json,
    parse_time,
)
from foretold.store_minutes import FILL_MINUTES, UPSERT, minute_deltas
from foretold.store_panels import PanelReads

#: The write-ahead log policy. Every writing connection checkpoints (PASSIVE: never
#: waits, copies what no reader still needs) once it has added WAL_PASSIVE bytes; the
#: batch writer runs those checkpoints on a thread of its own, and past WAL_LIMIT bytes
#: it runs a TRUNCATE checkpoint between two batches. A log that restarts is cut back
#: to WAL_LIMIT (``journal_size_limit``).
WAL_PASSIVE = 8 << 20
WAL_LIMIT = 64 << 20

SCHEMA_VERSION = 6  # 2: deliveries and source_status; 3: snapshots; 4: posts.media, image_readings;
# 5: campaign_minutes (the dashboard's per-minute counts), campaign_names; 6: those counts are
# kept by write_rows, one upsert per campaign and minute a batch (5 kept them by triggers)

#: the image_readings table (also a read-only old store's empty stand-in)
_READINGS_TABLE = """image_readings (  -- what was read in a post's pictures
    platform TEXT NOT NULL, id TEXT NOT NULL, idx INTEGER NOT NULL,  -- idx: place in media
    phash TEXT, text TEXT, cache_path TEXT,
    PRIMARY KEY (platform, id, idx)
) WITHOUT ROWID"""

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS posts (
    seq INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    id TEXT NOT NULL,
    created_at INTEGER NOT NULL,          -- microseconds since the epoch, UTC
    text TEXT NOT NULL,
    kind TEXT NOT NULL,
    author_id TEXT NOT NULL,
    author_handle TEXT NOT NULL,
    author_name TEXT NOT NULL,
    followers INTEGER,
    following INTEGER,
    author_posts INTEGER,
    verified INTEGER NOT NULL,
    author_description TEXT NOT NULL,
    author_created_at INTEGER,
    reposts INTEGER NOT NULL,
    replies INTEGER NOT NULL,
    likes INTEGER NOT NULL,
    quotes INTEGER NOT NULL,
    reply_to_id TEXT, reply_to_author_id TEXT, reply_to_author_handle TEXT,
    quote_of_id TEXT, quote_of_author_id TEXT, quote_of_author_handle TEXT,
    repost_of_id TEXT, repost_of_author_id TEXT, repost_of_author_handle TEXT,
    hashtags TEXT NOT NULL,               -- lists: items joined by newlines, or a JSON list
    mentions TEXT NOT NULL,
    urls TEXT NOT NULL,
    domains TEXT NOT NULL,
    lang TEXT,
    conversation_id TEXT,
    withheld INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    raw BLOB NOT NULL,
    media TEXT NOT NULL DEFAULT '',       -- a JSON list of {{type, url, alt_text, key}}, or ''
    UNIQUE (platform, id)
);
CREATE INDEX IF NOT EXISTS posts_created ON posts (created_at);
CREATE TABLE IF NOT EXISTS deletions (
    platform TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (platform, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS campaigns (
    name TEXT PRIMARY KEY, config TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS campaign_posts (
    campaign TEXT NOT NULL, platform TEXT NOT NULL, id TEXT NOT NULL,
    PRIMARY KEY (campaign, platform, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS labels (
    platform TEXT NOT NULL, id TEXT NOT NULL, tier TEXT NOT NULL, labels TEXT NOT NULL,
    PRIMARY KEY (platform, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS window_metrics (
    campaign TEXT NOT NULL, window_s INTEGER NOT NULL, end_at INTEGER NOT NULL,
    metrics TEXT NOT NULL, PRIMARY KEY (campaign, window_s, end_at)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS phases (
    campaign TEXT NOT NULL, started_at INTEGER NOT NULL, phase TEXT NOT NULL,  -- microseconds
    PRIMARY KEY (campaign, started_at)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS alerts (
    id TEXT PRIMARY KEY, campaign TEXT NOT NULL, level TEXT NOT NULL, at INTEGER NOT NULL,
    raised_at TEXT NOT NULL, alert TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cursors (
    source TEXT PRIMARY KEY, cursor TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (       -- one row per alert and sink: the outbox
    alert_id TEXT NOT NULL, sink TEXT NOT NULL,
    state TEXT NOT NULL,                      -- pending | delivered | failed
    attempts INTEGER NOT NULL DEFAULT 0, next_at TEXT, last_error TEXT, delivered_at TEXT,
    PRIMARY KEY (alert_id, sink)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS source_status (    -- what each live source is doing now
    source TEXT PRIMARY KEY, state TEXT NOT NULL, detail TEXT NOT NULL, until TEXT,
    posts_per_min REAL NOT NULL DEFAULT 0, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshots (        -- a stage's state, stored with the cursors
    name TEXT PRIMARY KEY, state BLOB NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS {_READINGS_TABLE};
CREATE INDEX IF NOT EXISTS image_readings_phash ON image_readings (phash);
CREATE TABLE IF NOT EXISTS runs (
    seq INTEGER PRIMARY KEY, command TEXT NOT NULL, started_at TEXT NOT NULL,
    finished_at TEXT, summary TEXT
);
CREATE TABLE IF NOT EXISTS campaign_names (name TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS campaign_minutes (  -- a campaign's posts per minute of created_at
    campaign TEXT NOT NULL, minute INTEGER NOT NULL,   -- minutes since the epoch
    posts INTEGER NOT NULL, newest INTEGER NOT NULL,   -- newest created_at, microseconds
    labelled INTEGER NOT NULL, positive INTEGER NOT NULL, neutral INTEGER NOT NULL,
    negative INTEGER NOT NULL, ironic INTEGER NOT NULL, offensive INTEGER NOT NULL,
    PRIMARY KEY (campaign, minute)
) WITHOUT ROWID;
"""

#: schema 5's triggers, dropped when a store is migrated to 6
_TRIGGERS = ("campaign_minutes_join", "campaign_minutes_label", "campaign_minutes_relabel")
_FILL_NAMES = "INSERT INTO campaign_names SELECT DISTINCT campaign FROM campaign_posts"

_POST_COLUMNS = (
    "platform, id, created_at, text, kind, author_id, author_handle, author_name, followers,"
    " following, author_posts, verified, author_description, author_created_at, reposts,"
    " replies, likes, quotes, reply_to_id, reply_to_author_id, reply_to_author_handle,"
    " quote_of_id, quote_of_author_id, quote_of_author_handle, repost_of_id,"
    " repost_of_author_id, repost_of_author_handle, hashtags, mentions, urls, domains, lang,"
    " conversation_id, withheld, raw, media"
)
# DO NOTHING covers the (platform, id) conflict only: any other broken row still raises
_INSERT = (
    f"INSERT INTO posts ({_POST_COLUMNS}) VALUES ({', '.join('?' * 36)})"
    " ON CONFLICT (platform, id) DO NOTHING"
)
# a post seen again: counts only grow, follower counts take the latest known value
_MERGE = (
    "UPDATE posts SET reposts = max(reposts, ?), replies = max(replies, ?),"
    " likes = max(likes, ?), quotes = max(quotes, ?), followers = coalesce(?, followers),"
    " following = coalesce(?, following), author_posts = coalesce(?, author_posts)"
    " WHERE platform = ? AND id = ?"
)
# the outbox (foretold.sinks.outbox): an alert already queued for a sink is not queued again
_ENQUEUE = (
    "INSERT OR IGNORE INTO deliveries (alert_id, sink, state, attempts, next_at)"
    " VALUES (?, ?, 'pending', 0, ?)"
)
_JOIN = "INSERT INTO campaign_posts VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
_LABEL = (
    "INSERT INTO labels VALUES (?, ?, ?, ?) ON CONFLICT (platform, id)"
    " DO UPDATE SET tier = excluded.tier, labels = excluded.labels"
)
_PUT_READING = "INSERT OR REPLACE INTO image_readings VALUES (?, ?, ?, ?, ?, ?)"
_MARK_DELETED = (
    "UPDATE posts SET deleted = 1 WHERE platform = ? AND id = ? AND deleted = 0"
    " AND EXISTS (SELECT 1 FROM deletions WHERE platform = ? AND id = ?)"
)


class Store(PanelReads):
    """One SQLite database file; ``":memory:"`` for tests.

    Writes happen in explicit transactions, one per batch, so a reader in another
    process sees whole batches and a crash loses at most the batch in flight.
    ``readonly=True`` never writes, and also reads a store on a read-only disk or
    mount (see :func:`open_readonly`); the dashboard's reads are in
    :class:`~foretold.store_reads.Reads` and :class:`~foretold.store_panels.PanelReads`.
    """

    def __init__(self, path: str | Path, readonly: bool = False) -> None:
        self.path = str(path)
        self._bound_at = 0  # see bound_wal
        if self.path != ":memory:" and not readonly:
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                why = (
                    "a folder on the path is a file"
                    if isinstance(e, (FileExistsError, NotADirectoryError))
                    else (e.strerror or str(e))
                )
                raise StoreError(f"cannot create store {self.path!r}: {why}") from None
        try:
            if readonly:
                self._db = open_readonly(Path(self.path))
            else:
                self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA busy_timeout = 10000")
            self._check_foretold(readonly)
            if readonly:
                self._read_old_schema()
            self._has_deletions = False
            if not readonly:
                if self._db.execute("PRAGMA page_count").fetchone()[0] == 0:
                    # new file: 64 KiB pages (rows carry ~1.3 KB of raw JSON; measured ~0.5
                    # point more replay throughput than 16 KiB over six alternating runs)
                    self._db.execute("PRAGMA page_size = 65536")
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = NORMAL")
                # the write-ahead log's bound (README, The store): a reset log is cut back to
                # WAL_LIMIT, and a connection checkpoints every WAL_PASSIVE bytes it adds
                self._db.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT}")
                self._db.execute(f"PRAGMA wal_autocheckpoint = {WAL_PASSIVE // 65536}")
                self._migrate()
                row = self._db.execute("SELECT 1 FROM deletions LIMIT 1").fetchone()
                self._has_deletions = row is not None
        except sqlite3.Error as e:
            if getattr(self, "_db", None) is not None:
                self._db.close()
            if type(e) is sqlite3.DatabaseError:  # "file is not a database"
                raise StoreError(
                    f"{self.path!r} is not a foretold store (not an SQLite database)"
                ) from None
            if not readonly and _on_readonly_disk(Path(self.path)):
                raise StoreError(
                    f"cannot write store {self.path!r}: it is on a read-only disk "
                    "(export, alerts, status and serve can still read it)"
                ) from None
            raise StoreError(f"cannot open store {self.path!r}: {e}") from None

    def _check_foretold(self, readonly: bool) -> None:
        """Refuse a file that is not a foretold store, before anything is written to it."""
        # not a database, locked, a read-only disk: sqlite3 raises, __init__ says which
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master")}
        if "posts" not in tables and (readonly or (version == 0 and tables)):
            self._db.close()
            raise StoreError(
                f"{self.path!r} is not a foretold store (an SQLite database without "
                "foretold's tables)"
            )

    def _read_old_schema(self) -> None:
        """Read a store of schema 1 to 3 as if it were migrated, without writing to it: a
        read-only open never migrates, so ``posts`` is shadowed by a temporary view with an
        empty ``media`` column and ``image_readings`` by an empty temporary table (the
        temporary schema lives in memory; the file is not touched)."""
        db = self._db
        columns = [r[1] for r in db.execute("PRAGMA main.table_info(posts)")]
        if not columns or "media" in columns:
            return
        listed = ", ".join(f'"{c}"' for c in columns)
        db.execute(f"CREATE TEMP VIEW posts AS SELECT {listed}, '' AS media FROM main.posts")
        tables = {r[0] for r in db.execute("SELECT name FROM main.sqlite_master")}
        if "image_readings" not in tables:
            db.execute(f"CREATE TEMP TABLE {_READINGS_TABLE}")

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"store {self.path!r} has schema {version}, newer than this foretold "
                f"({SCHEMA_VERSION}); upgrade foretold"
            )
        if version < SCHEMA_VERSION:
            columns = {r[1] for r in self._db.execute("PRAGMA table_info(posts)")}
            if columns and "media" not in columns:  # a store of schema 1 to 3
                self._db.execute("ALTER TABLE posts ADD COLUMN media TEXT NOT NULL DEFAULT ''")
            self._db.executescript(_SCHEMA)
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                # another process may have migrated it meanwhile
                found = db.execute("PRAGMA user_version").fetchone()[0]
                for trigger in _TRIGGERS:  # schema 5 kept the counts by triggers
                    db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
                if found < 5:
                    # a store of schema 1 to 4: its per-minute counts, from what it holds
                    db.execute("DELETE FROM campaign_names")
                    db.execute("DELETE FROM campaign_minutes")
                    db.execute(_FILL_NAMES)
                    db.execute(FILL_MINUTES)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    @property
    def db(self) -> sqlite3.Connection:
        """The connection, for subsystems that own tables of their own (the alert outbox,
        source status); posts, labels and alerts go through the methods here."""
        return self._db

    def close(self) -> None:
        """Close the connection (checkpointing the WAL when last)."""
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ----------------------------------------------------------

    def put_posts(self, posts: Sequence[Post]) -> tuple[int, int]:
        """Store posts; returns ``(new, duplicates)``. Duplicates update counts."""
        new, dup, _ = self.write_batch(posts, (), ())
        return new, dup

    def write_batch(
        self,
        posts: Sequence[Post],
        deletions: Sequence[Deletion],
        memberships: Iterable[tuple[str, str, str]],
        labels: Iterable[tuple[str, str, str, bytes]] = (),
    ) -> tuple[int, int, int]:
        """One transaction: posts, deletions, ``(campaign, platform, id)`` memberships and
        ``(platform, id, tier, labels JSON)``; returns ``(new posts, duplicates, new
        memberships)``."""
        return self.write_rows(
            [post_row(p) for p in posts], [(d.platform, d.id) for d in deletions],
            memberships, labels,
        )  # fmt: skip

    def write_rows(
        self,
        rows: Sequence[tuple[Any, ...]],
        deletions: Sequence[tuple[str, str]],
        memberships: Iterable[tuple[str, str, str]],
        labels: Iterable[tuple[str, str, str, bytes]] = (),
        alerts: Sequence[dict[str, Any]] = (),
        metrics: Iterable[tuple[str, int, int, bytes]] = (),
        phases: Iterable[tuple[str, int, str]] = (),
        cursors: Iterable[tuple[str, str, str]] = (),
        deliveries: Iterable[tuple[str, str, str]] = (),
        snapshots: Iterable[tuple[str, bytes, str]] = (),
        readings: Iterable[ReadingRow] = (),
    ) -> tuple[int, int, int]:
        """:meth:`write_batch` for posts already turned into rows by :func:`post_row`, with
        what the stages added: alerts, window ``metrics`` ``(campaign, window seconds,
        window end in microseconds, metrics JSON)`` and ``phases`` ``(campaign, start in
        microseconds, phase)``, a live source's ``cursors``, the outbox rows of the alerts
        (``deliveries``: ``(alert id, sink, due at)``, see :mod:`foretold.sinks.outbox`)
        stage ``snapshots`` ``(name, state, updated_at ISO)`` and image ``readings``
        (:meth:`foretold.media.ImageReading.row`), all in one transaction."""
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            memberships = list(memberships)
            labels = list(labels)
            names = {(m[0],) for m in memberships}
            last = db.execute("SELECT coalesce(max(seq), 0) FROM posts").fetchone()[0]
            new = max(db.executemany(_INSERT, rows).rowcount, 0)
            dup = len(rows) - new
            # what the batch adds to campaign_minutes, read before its labels and
            # memberships are written (its posts: by seq)
            deltas = minute_deltas(db, rows, memberships, labels, last, all_new=dup == 0)
            if dup:
                # which rows were already there is not known, so every row of the batch
                # is merged, in order: for a row just inserted the merge changes nothing
                db.executemany(_MERGE, [(*r[14:18], *r[8:11], r[0], r[1]) for r in rows])
            if deletions:
                db.executemany("INSERT OR IGNORE INTO deletions VALUES (?, ?)", deletions)
                db.executemany(_MARK_DELETED, [(p, i, p, i) for p, i in deletions])
                self._has_deletions = True
            if self._has_deletions and rows:
                # a post that arrives after its deletion notice is marked deleted too;
                # only this batch's posts are looked up, not the whole deletions table
                db.executemany(_MARK_DELETED, [(r[0], r[1], r[0], r[1]) for r in rows])
            db.executemany(_LABEL, labels)
            db.executemany("INSERT INTO campaign_names VALUES (?) ON CONFLICT DO NOTHING", names)
            cur = db.executemany(_JOIN, memberships)
            joined = max(cur.rowcount, 0)
            db.executemany(UPSERT, deltas)
            if alerts:
                self.put_alerts(alerts)
            db.executemany("INSERT OR REPLACE INTO window_metrics VALUES (?, ?, ?, ?)", metrics)
            db.executemany("INSERT OR REPLACE INTO phases VALUES (?, ?, ?)", phases)
            db.executemany("INSERT OR REPLACE INTO cursors VALUES (?, ?, ?)", cursors)
            db.executemany(_ENQUEUE, deliveries)
            db.executemany("INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?)", snapshots)
            db.executemany(_PUT_READING, readings)
            db.execute("COMMIT")
        except sqlite3.Error as e:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise StoreError(f"cannot write to store {self.path!r}: {e}") from None
        except BaseException:  # labels that are not JSON; an interrupt: the batch is undone
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        return new, dup, joined

    def put_image_readings(self, readings: Iterable[ImageReading]) -> None:
        """Store what was read in posts' pictures (one row per post and picture index; a
        picture read again replaces its row), in one transaction."""
        self.write_rows((), (), (), readings=[r.row() for r in readings])

    def cursor(self, source: str) -> str | None:
        """The last cursor stored for a live source (stored with its batch), or None."""
        row = self._db.execute("SELECT cursor FROM cursors WHERE source = ?", (source,)).fetchone()
        return None if row is None else str(row[0])

    def snapshot(self, name: str) -> bytes | None:
        """The state last stored for a stage under ``name`` (with its batch), or None."""
        row = self._db.execute("SELECT state FROM snapshots WHERE name = ?", (name,)).fetchone()
        return None if row is None else bytes(row[0])

    def checkpoint(self, mode: str = "PASSIVE") -> bool:
        """Copy the write-ahead log into the database file (``TRUNCATE`` also empties it);
        False when a reader or writer kept it from finishing (it is tried again later)."""
        busy = self._db.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()[0]
        return not busy

    def wal_bytes(self) -> int:
        """The size of the write-ahead log file (0 when there is none)."""
        try:
            return os.stat(self.path + "-wal").st_size
        except OSError:
            return 0

    def bound_wal(self) -> bool:
        """The WAL policy's hard bound, for the connection that writes batches: past
        ``WAL_LIMIT`` bytes, a ``TRUNCATE`` checkpoint between two batches. It waits for
        the readers of older snapshots to finish their statement: one second per
        ``WAL_LIMIT`` the log holds, at most ten, so the writer pauses a little when a
        long dashboard query is in the way and the log stays within a few limits. When
        a reader still holds on, the next try waits until the log has grown by another
        ``WAL_LIMIT``. True when the log was truncated."""
        if self.path == ":memory:":
            return False
        size = self.wal_bytes()
        if size < max(WAL_LIMIT, self._bound_at):
            return False
        wait_ms = 1000 * min(10, size // WAL_LIMIT)
        self._db.execute(f"PRAGMA busy_timeout = {wait_ms}")
        try:
            done = self.checkpoint("TRUNCATE")
        finally:
            self._db.execute("PRAGMA busy_timeout = 10000")
        self._bound_at = 0 if done else size + WAL_LIMIT
        return done

    def set_autocheckpoint(self, pages: int) -> None:
        """WAL pages between automatic checkpoints; 0 leaves checkpoints to the caller."""
        self._db.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")

    def put_campaigns(self, campaigns: Iterable[tuple[str, dict[str, Any]]]) -> None:
        """Record campaign definitions (name, config) for reports and the dashboard."""
        self._db.executemany(
            "INSERT OR REPLACE INTO campaigns VALUES (?, ?)",
            [(name, orjson.dumps(cfg).decode()) for name, cfg in campaigns],
        )

    def put_alerts(self, alerts: Iterable[dict[str, Any]]) -> None:
        """Store alerts in the PRODUCT.md shape; an alert id is stored once."""
        rows = [
            (a["id"], a["campaign"], a["level"], _us(parse_time(a["at"])), a["raised_at"],
             orjson.dumps(a).decode())
            for a in alerts
        ]  # fmt: skip
        self._db.executemany("INSERT OR IGNORE INTO alerts VALUES (?, ?, ?, ?, ?, ?)", rows)

    def alerts(self, campaign: str | None = None) -> list[dict[str, Any]]:
        """Stored alerts in stream order."""
        q = "SELECT alert FROM alerts" + (" WHERE campaign = ?" if campaign else "")
        rows = self._db.execute(q + " ORDER BY at, id", (campaign,) if campaign else ())
        return [orjson.loads(r[0]) for r in rows]

    def start_run(self, command: str, started_at: datetime) -> int:
        """Open a run record; returns its number."""
        cur = self._db.execute(
            "INSERT INTO runs (command, started_at) VALUES (?, ?)",
            (command, started_at.isoformat()),
        )
        return int(cur.lastrowid or 0)

    def finish_run(self, run: int, finished_at: datetime, summary: dict[str, Any]) -> None:
        """Close a run record with its summary."""
        self._db.execute(
            "UPDATE runs SET finished_at = ?, summary = ? WHERE seq = ?",
            (finished_at.isoformat(), orjson.dumps(summary).decode(), run),
        )

    # -- reading ----------------------------------------------------------

    def count_posts(self, campaign: str | None = None) -> int:
        """Posts stored, in all or in one campaign."""
        if campaign is None:
            return int(self._db.execute("SELECT count(*) FROM posts").fetchone()[0])
        q = "SELECT count(*) FROM campaign_posts WHERE campaign = ?"
        return int(self._db.execute(q, (campaign,)).fetchone()[0])

    def campaigns(self) -> list[str]:
        """Names of the campaigns the store knows, from definitions and memberships."""
        q = "SELECT name FROM campaigns UNION SELECT DISTINCT campaign FROM campaign_posts"
        return sorted(r[0] for r in self._db.execute(q))

    def iter_posts(self, campaign: str | None = None, batch: int = 5000) -> Iterator[Post]:
        """Posts in the order they were first stored, optionally of one campaign."""
        if campaign is None:
            q = f"SELECT seq, {_POST_COLUMNS}, deleted FROM posts WHERE seq > ? ORDER BY seq LIMIT ?"
            args: tuple[Any, ...] = ()
        else:
            q = (
                f"SELECT p.seq, {', '.join('p.' + c.strip() for c in _POST_COLUMNS.split(','))},"
                " p.deleted FROM posts p JOIN campaign_posts c"
                " ON c.platform = p.platform AND c.id = p.id"
                " WHERE c.campaign = ? AND p.seq > ? ORDER BY p.seq LIMIT ?"
            )
            args = (campaign,)
        last = 0
        while True:
            rows = self._db.execute(q, (*args, last, batch)).fetchall()
            if not rows:
                return
            for r in rows:
                yield _post(r[1:])
            last = rows[-1][0]

    def recent_posts(
        self, campaign: str, minutes: int, limit: int = 20_000
    ) -> list[tuple[Post, dict[str, Any] | None]]:
        """The campaign's posts in its last ``minutes`` of stream time (up to its latest
        post; at most the latest ``limit``), in time order, each with its labels."""
        end = self.campaign_extent(campaign)[1]
        if end is None:
            return []
        cols = ", ".join("p." + c.strip() for c in _POST_COLUMNS.split(","))
        # CROSS JOIN: the posts' created_at index drives, newest first, and the LIMIT ends
        # the walk (driven from the campaign's memberships, this read every post of it)
        rows = self._db.execute(
            f"SELECT {cols}, l.labels FROM posts p CROSS JOIN campaign_posts c"
            " LEFT JOIN labels l ON l.platform = p.platform AND l.id = p.id"
            " WHERE p.created_at > ? AND c.campaign = ? AND c.platform = p.platform"
            " AND c.id = p.id AND p.deleted = 0 ORDER BY p.created_at DESC, p.seq DESC LIMIT ?",
            (end - minutes * 60_000_000, campaign, limit),
        ).fetchall()
        return [(_post(r[:-1]), orjson.loads(r[-1]) if r[-1] else None) for r in reversed(rows)]

    def campaign_config(self, name: str) -> dict[str, Any] | None:
        """A campaign's definition as recorded (``put_campaigns``), or None."""
        row = self._db.execute("SELECT config FROM campaigns WHERE name = ?", (name,)).fetchone()
        return orjson.loads(row[0]) if row else None

    def labels_of(self, platform: str, post_id: str) -> dict[str, Any] | None:
        """The stored labels of one post, or None."""
        row = self._db.execute(
            "SELECT labels FROM labels WHERE platform = ? AND id = ?", (platform, post_id)
        ).fetchone()
        return orjson.loads(row[0]) if row else None

    def is_deleted(self, platform: str, post_id: str) -> bool:
        """Whether the platform reported this post deleted."""
        row = self._db.execute(
            "SELECT 1 FROM deletions WHERE platform = ? AND id = ?", (platform, post_id)
        ).fetchone()
        return row is not None

    def runs(self) -> list[dict[str, Any]]:
        """Run records, oldest first."""
        rows = self._db.execute("SELECT seq, command, started_at, finished_at, summary FROM runs")
        return [
            {"run": r[0], "command": r[1], "started_at": r[2], "finished_at": r[3],
             "summary": orjson.loads(r[4]) if r[4] else None}
            for r in rows
        ]  # fmt: skip


def _on_readonly_disk(path: Path) -> bool:
    folder = path.resolve().parent
    return path.exists() and not os.access(folder, os.W_OK)


def open_readonly(path: Path) -> sqlite3.Connection:
    """A connection that never writes, also on a read-only disk or mount.

    SQLite's ``mode=ro`` still needs the WAL index (``-shm``) next to the file, which a
    read-only folder cannot hold; there the file is opened ``immutable`` (nothing can
    change it anyway), unless a write-ahead log still holds pages that are not in the
    file: those would be silently missed, so that is an error instead.
    """
    resolved = path.resolve()
    if not resolved.is_file():
        raise StoreError(f"no store at {str(path)!r}")
    db = sqlite3.connect(
        f"file:{resolved}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
    )
    try:
        db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone()
        return db
    except sqlite3.OperationalError:
        db.close()
        if not _on_readonly_disk(resolved):
            raise
    wal = resolved.with_name(resolved.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise StoreError(
            f"store {str(path)!r} is on a read-only disk and its write-ahead log {wal.name} "
            f"holds {wal.stat().st_size} bytes not yet in the file; open it once where it "
            "can be written (any foretold command does), then read it here"
        )
    return sqlite3.connect(
        f"file:{resolved}?immutable=1", uri=True, isolation_level=None, check_same_thread=False
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _us(t: datetime) -> int:
    # exact: below 2**53 microseconds (year 2255) the float error stays under half a microsecond
    return round(t.timestamp() * 1_000_000)


def _from_us(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


def post_row(p: Post) -> tuple[Any, ...]:
    """A post as the values of one ``posts`` row, in ``_POST_COLUMNS`` order."""
    a, c = p.author, p.counts
    r, q, s = p.reply_to, p.quote_of, p.repost_of
    tags, mentions, urls, domains = p.hashtags, p.mentions, p.urls, p.domains
    # runs once per post of a firehose: empty lists (most of them) skip the call
    return (
        p.platform, p.id, _us(p.created_at), p.text, p.kind, a.id, a.handle, a.name,
        a.followers, a.following, a.posts, a.verified, a.description,
        _us(a.created_at) if a.created_at else None,
        c.reposts, c.replies, c.likes, c.quotes,
        r.id if r else None, r.author_id if r else None, r.author_handle if r else None,
        q.id if q else None, q.author_id if q else None, q.author_handle if q else None,
        s.id if s else None, s.author_id if s else None, s.author_handle if s else None,
        join_list(tags) if tags else "", join_list(mentions) if mentions else "",
        join_list(urls) if urls else "", join_list(domains) if domains else "",
        p.lang, p.conversation_id, p.withheld, p.raw, media_json(p.media) if p.media else "",
    )  # fmt: skip


def join_list(items: tuple[str, ...]) -> str:
    """A list column (hashtags, mentions, urls, domains): items joined by newlines (fast),
    or JSON when an item would be ambiguous."""
    if not items:
        return ""
    joined = "\n".join(items)
    if joined.count("\n") == len(items) - 1 and not joined.startswith("[") and all(items):
        return joined
    return orjson.dumps(items).decode()


def split_list(value: str) -> tuple[str, ...]:
    """A list column read back (what :func:`join_list` wrote): readers of the ``posts`` table
    outside the store (``reports.frame``) use this, not their own parsing.

    >>> split_list('["askjpm", "bank"]'), split_list("")
    (('askjpm', 'bank'), ())
    """
    if not value:
        return ()
    if value.startswith("["):
        return tuple(orjson.loads(value))
    return tuple(value.split("\n"))


def _ref(id_: str | None, author_id: str | None, handle: str | None) -> Ref | None:
    return Ref(id=id_, author_id=author_id or "", author_handle=handle or "") if id_ else None


def _post(r: Sequence[Any]) -> Post:
    return Post(
        platform=r[0], id=r[1], created_at=_from_us(r[2]), text=r[3], kind=r[4],
        author=Author(
            id=r[5], handle=r[6], name=r[7], followers=r[8], following=r[9], posts=r[10],
            verified=bool(r[11]), description=r[12],
            created_at=_from_us(r[13]) if r[13] is not None else None,
        ),
        counts=Counts(reposts=r[14], replies=r[15], likes=r[16], quotes=r[17]),
        reply_to=_ref(r[18], r[19], r[20]), quote_of=_ref(r[21], r[22], r[23]),
        repost_of=_ref(r[24], r[25], r[26]),
        hashtags=split_list(r[27]), mentions=split_list(r[28]), urls=split_list(r[29]),
        domains=split_list(r[30]), lang=r[31], conversation_id=r[32], withheld=bool(r[33]),
        raw=bytes(r[34]), media=media_from_json(r[35]) if r[35] else (),
    )  # fmt: skip
