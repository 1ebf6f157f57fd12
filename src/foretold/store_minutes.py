"""The store's per-minute counts (``campaign_minutes``), kept one batch at a time.

For each campaign and minute of ``created_at`` the store keeps the posts, the newest
post's time and the label mix (labelled, positive, neutral, negative, ironic,
offensive): what the dashboard's campaign list and mix read instead of every post. A
post counts in a campaign's minute once both the post and its membership are stored,
with the labels last stored for it; so the counts always equal counting the posts
again (:data:`FILL_MINUTES`, which also fills them in when an older store is migrated).

:func:`minute_deltas` reads what the store held of a batch's posts before it (their
``created_at``, labels and campaigns), works out in Python what the batch changes,
a new post, a late membership, a relabelled post, and returns one upsert row per
campaign and minute, written in the batch's transaction (``UPSERT``)::

    batch:   post 7 (12:00:10) + its membership + labels {negative}
             labels of post 3 (12:00:40, in the campaign since an earlier batch):
                 {neutral} -> {negative, ironic}
    upsert:  (askjpm, minute 12:00)  posts +1  labelled +1  neutral -1
                                     negative +2  ironic +1

>>> label_terms(b'{"sentiment": "negative", "flags": ["ironic", "question"]}')
(1, 0, 0, 1, 1, 0)
>>> label_terms(None)
(0, 0, 0, 0, 0, 0)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import orjson

from foretold.errors import StoreError

_MINUTE_US = 60_000_000
Terms = tuple[int, int, int, int, int, int]
_NOTHING: Terms = (0, 0, 0, 0, 0, 0)


def label_terms(labels: bytes | str | None) -> Terms:
    """What a post's labels JSON (None: no labels) adds to its minute's labelled,
    positive, neutral, negative, ironic and offensive counts (``hateful`` counts as
    offensive); the same as :data:`FILL_MINUTES`' SQL terms."""
    if labels is None:
        return _NOTHING
    try:
        found = orjson.loads(labels)
    except orjson.JSONDecodeError:
        raise StoreError(f"labels are not JSON: {labels[:80]!r}") from None
    if not isinstance(found, dict):
        return (1, 0, 0, 0, 0, 0)
    sentiment = found.get("sentiment")
    flags = found.get("flags")
    # as SQLite's instr() over json_extract(labels, '$.flags') reads it
    text = (
        flags if isinstance(flags, str)
        else orjson.dumps(flags).decode() if isinstance(flags, (list, dict)) else ""
    )  # fmt: skip
    return (
        1, int(sentiment == "positive"), int(sentiment == "neutral"),
        int(sentiment == "negative"), int('"ironic"' in text),
        int('"offensive"' in text or '"hateful"' in text),
    )  # fmt: skip


def sql_minute(t: str) -> str:
    """SQL: the minute since the epoch of ``t`` (microseconds), floored also before 1970."""
    return f"(({t}) - ((({t}) % 60000000) + 60000000) % 60000000) / 60000000"


def sql_terms(labels: str) -> list[str]:
    """SQL: :func:`label_terms` of a labels column (NULL: none)."""
    flags = f"json_extract({labels}, '$.flags')"
    return [
        f"({labels} IS NOT NULL)",
        *(f"coalesce(json_extract({labels}, '$.sentiment') = '{s}', 0)"
          for s in ("positive", "neutral", "negative")),
        f"coalesce(instr({flags}, '\"ironic\"') > 0, 0)",
        f"coalesce(instr({flags}, '\"offensive\"') > 0 OR instr({flags}, '\"hateful\"') > 0, 0)",
    ]  # fmt: skip


#: every campaign's per-minute counts counted from the posts (a migration; the tests)
FILL_MINUTES = f"""
INSERT INTO campaign_minutes
SELECT c.campaign, {sql_minute("p.created_at")}, count(*), max(p.created_at),
    {", ".join(f"sum({t})" for t in sql_terms("l.labels"))}
FROM campaign_posts c JOIN posts p ON p.platform = c.platform AND p.id = c.id
LEFT JOIN labels l ON l.platform = p.platform AND l.id = p.id GROUP BY 1, 2
"""

#: one row of :func:`minute_deltas` added to a campaign's minute (which may not exist yet)
UPSERT = (
    "INSERT INTO campaign_minutes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (campaign, minute) DO UPDATE SET posts = posts + excluded.posts,"
    " newest = max(newest, excluded.newest), labelled = labelled + excluded.labelled,"
    " positive = positive + excluded.positive, neutral = neutral + excluded.neutral,"
    " negative = negative + excluded.negative, ironic = ironic + excluded.ironic,"
    " offensive = offensive + excluded.offensive"
)

_CHUNK = 4000  # ids in one IN (...) list, well under SQLite's 32,766 bound parameters


def _by_key(
    db: sqlite3.Connection, sql: str, keys: Iterable[tuple[str, str]], *lead: Any
) -> Iterator[tuple[Any, ...]]:
    """Rows of ``sql`` (``... WHERE <lead> AND platform = ? AND id IN ({})``) for every
    key, in a few statements: one per platform and ``_CHUNK`` ids."""
    ids: dict[str, list[str]] = {}
    for platform, post_id in keys:
        ids.setdefault(platform, []).append(post_id)
    for platform, listed in ids.items():
        for i in range(0, len(listed), _CHUNK):
            chunk = listed[i : i + _CHUNK]
            yield from db.execute(sql.format(",".join("?" * len(chunk))), (*lead, platform, *chunk))


def minute_deltas(
    db: sqlite3.Connection,
    rows: Sequence[tuple[Any, ...]],
    memberships: Sequence[tuple[str, str, str]],
    labels: Sequence[tuple[str, str, str, bytes]],
    stored_up_to: int,
    all_new: bool,
) -> list[tuple[Any, ...]]:
    """What a batch (post ``rows`` in ``post_row`` order, ``(campaign, platform, id)``
    memberships, ``(platform, id, tier, labels)``) adds to ``campaign_minutes``, one
    :data:`UPSERT` row per campaign and minute.

    Call it in the batch's transaction once its posts are inserted and before its labels
    and memberships are: it reads what the store held before the batch. ``stored_up_to``
    is the last ``seq`` before the batch's posts (a post with a higher one is the
    batch's); ``all_new``: every post of ``rows`` was new (the insert's row count says
    so), so none of them needs looking up."""
    first_seen: dict[tuple[str, str], int] = {}
    for r in rows:
        first_seen.setdefault((r[0], r[1]), r[2])  # a post stored twice keeps the first
    labelled = {(p, i): text for p, i, _, text in labels}  # the last written wins
    joined: dict[tuple[str, str], set[str]] = {}
    for campaign, p, i in memberships:
        joined.setdefault((p, i), set()).add(campaign)
    keys = first_seen.keys() | labelled.keys() | joined.keys()
    if not keys:
        return []
    # the posts stored before the batch (created_at), its labels, its campaigns
    ask = keys - first_seen.keys() if all_new else keys
    stored: dict[tuple[str, str], int] = {
        (p, i): t
        for p, i, t in _by_key(
            db, "SELECT platform, id, created_at FROM posts WHERE seq <= ? AND platform = ?"
            " AND id IN ({})", ask, stored_up_to,
        )
    }  # fmt: skip
    ask = {k for k in keys if k in stored or k not in labelled}  # else the batch's labels count
    had_labels = {
        (p, i): text
        for p, i, text in _by_key(
            db, "SELECT platform, id, labels FROM labels WHERE platform = ? AND id IN ({})",
            ask,
        )
    }  # fmt: skip
    posted = {k for k in keys if k in stored or k in first_seen}
    member: dict[tuple[str, str], set[str]] = {}
    for (name,) in db.execute("SELECT name FROM campaign_names").fetchall():
        q = "SELECT platform, id FROM campaign_posts WHERE campaign = ? AND platform = ? AND id IN ({})"
        for p, i in _by_key(db, q, posted, name):
            member.setdefault((p, i), set()).add(name)
    out: dict[tuple[str, int], list[int]] = {}
    nothing: set[str] = set()
    for key in posted:
        was = stored.get(key)
        at = first_seen[key] if was is None else was
        had = member.get(key, nothing)
        after = had | joined[key] if key in joined else had
        if not after:
            continue
        before = nothing if was is None else had
        old = had_labels.get(key)
        new = labelled.get(key, old)
        if before == after and new == old:
            continue
        gone = label_terms(old) if before else _NOTHING
        came = label_terms(new)
        minute = at // _MINUTE_US
        for campaign in after:
            d = out.get((campaign, minute))
            if d is None:
                d = out[(campaign, minute)] = [0, at, 0, 0, 0, 0, 0, 0]
            elif at > d[1]:
                d[1] = at
            if campaign in before:  # counted already: its labels may have changed
                for j in range(6):
                    d[2 + j] += came[j] - gone[j]
            else:
                d[0] += 1
                for j in range(6):
                    d[2 + j] += came[j]
    return [(campaign, minute, *d) for (campaign, minute), d in out.items()]
