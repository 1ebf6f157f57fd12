"""Source status rows: what each live source is doing, for the dashboard and ``foretold status``.

The watch writes one ``source_status`` row per source whenever a state changes and at
most every ``every_s`` seconds otherwise. A file store gets its own connection (the
pipeline's writer owns the other one; WAL lets both write, one at a time).

>>> from datetime import datetime, UTC
>>> from foretold.store import Store
>>> store = Store(":memory:")
>>> board = StatusBoard(store)
>>> t = datetime(2024, 1, 1, tzinfo=UTC)
>>> board.put(SourceStatus("x", "rate_limited", "HTTP 429", t, 12.0, t))
>>> [(r["source"], r["state"], r["until"]) for r in read_statuses(store)]
[('x', 'rate_limited', '2024-01-01T00:00:00+00:00')]
"""

from __future__ import annotations

import sqlite3
from typing import Any

from foretold.errors import StoreError
from foretold.sources.base import SourceStatus
from foretold.store import Store

_UPSERT = (
    "INSERT OR REPLACE INTO source_status"
    " (source, state, detail, until, posts_per_min, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
)


class StatusBoard:
    """Writes ``source_status`` rows for a store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._own: sqlite3.Connection | None = None
        if store.path != ":memory:":
            try:
                self._own = sqlite3.connect(store.path, isolation_level=None, timeout=10.0)
            except sqlite3.Error as e:
                raise StoreError(f"cannot open store {store.path!r} for status: {e}") from None

    def put(self, status: SourceStatus) -> None:
        """Write (or replace) one source's row."""
        db = self._own if self._own is not None else self.store.db
        row = (
            status.source, status.state, status.detail,
            status.until.isoformat() if status.until else None,
            round(status.posts_per_min, 1), status.updated_at.isoformat(),
        )  # fmt: skip
        try:
            db.execute(_UPSERT, row)
        except sqlite3.Error as e:
            raise StoreError(f"cannot write the status of source {status.source!r}: {e}") from None

    def close(self) -> None:
        """Close the board's own connection, if it has one."""
        if self._own is not None:
            self._own.close()
            self._own = None


def read_statuses(store: Store) -> list[dict[str, Any]]:
    """Every source's status row, with its stored cursor, ordered by source name."""
    rows = store.db.execute(
        "SELECT s.source, s.state, s.detail, s.until, s.posts_per_min, s.updated_at, c.cursor"
        " FROM source_status s LEFT JOIN cursors c ON c.source = s.source ORDER BY s.source"
    ).fetchall()
    keys = ("source", "state", "detail", "until", "posts_per_min", "updated_at", "cursor")
    return [dict(zip(keys, r, strict=True)) for r in rows]
