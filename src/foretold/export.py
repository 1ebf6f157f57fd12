"""Writing stored posts back out in the normalised shape: JSONL, CSV or Parquet.

JSONL is :meth:`Post.to_dict` a line (the ``foretold`` reader takes it back);
CSV has the columns of :data:`foretold.formats.csv_rows.FIELDS` (the CSV reader's
default mapping takes it back), a post's ``media`` as one JSON cell; Parquet has the
same columns, lists as lists (``media`` as its JSON text).

CSV cells that a spreadsheet would run as a formula get a leading ``'``
(:func:`~foretold.formats.csv_rows.neutralise`; a reply starting with a plain
``@handle`` reads as written); the CSV reader takes it off again, so the export still
reads back exactly. ``csv_raw=True`` writes every cell as it is.

>>> from datetime import datetime, timezone
>>> from foretold.post import Author, Post
>>> p = Post(platform="x", id="1", text="=1+2", author=Author(id="7"),
...          created_at=datetime(2013, 11, 13, tzinfo=timezone.utc))
>>> csv_out = io.BytesIO()
>>> export_posts([p], "csv", csv_out)
1
>>> print(csv_out.getvalue().decode().splitlines()[1][:16])
"x","1","'=1+2",

>>> import io
>>> from foretold.store import Store
>>> out = io.BytesIO()
>>> export_posts(Store(":memory:").iter_posts(), "jsonl", out)
0
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import IO, Any

import orjson

from foretold.errors import ConfigError, MissingExtraError
from foretold.formats.csv_rows import FIELDS, neutralise
from foretold.post import Post, format_time, media_json

EXPORT_FORMATS = ("jsonl", "csv", "parquet")


def export_posts(posts: Iterable[Post], fmt: str, out: IO[bytes], csv_raw: bool = False) -> int:
    """Write posts to a binary stream; returns how many were written. CSV cells are
    neutralised against formulas unless ``csv_raw``."""
    if fmt == "jsonl":
        return _jsonl(posts, out)
    if fmt == "csv":
        return _csv(posts, out, csv_raw)
    if fmt == "parquet":
        return _parquet(posts, out)
    raise ConfigError(f"unknown export format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")


def csv_row(p: Post) -> dict[str, Any]:
    """One post as a row of :data:`FIELDS` (lists space-separated, as the CSV reader expects)."""
    a, c = p.author, p.counts
    return {
        "platform": p.platform, "id": p.id, "text": p.text,
        "created_at": format_time(p.created_at), "author_id": a.id,
        "author_handle": a.handle, "author_name": a.name, "followers": a.followers,
        "following": a.following, "author_posts": a.posts, "verified": a.verified,
        "reposts": c.reposts, "replies": c.replies, "likes": c.likes, "quotes": c.quotes,
        "kind": p.kind,
        "reply_to_id": p.reply_to.id if p.reply_to else "",
        "quote_of_id": p.quote_of.id if p.quote_of else "",
        "repost_of_id": p.repost_of.id if p.repost_of else "",
        "hashtags": " ".join(p.hashtags), "mentions": " ".join(p.mentions),
        "urls": " ".join(p.urls), "lang": p.lang or "", "conversation_id": p.conversation_id or "",
        "media": media_json(p.media),
        "reply_to_handle": p.reply_to.author_handle if p.reply_to else "",
    }  # fmt: skip


def _jsonl(posts: Iterable[Post], out: IO[bytes]) -> int:
    n = 0
    for p in posts:
        out.write(orjson.dumps(p.to_dict()) + b"\n")
        n += 1
    return n


def _csv(posts: Iterable[Post], out: IO[bytes], raw: bool) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    # QUOTE_NONNUMERIC keeps text with newlines, commas or formula-looking starts inside quotes
    writer = csv.DictWriter(text, fieldnames=FIELDS, quoting=csv.QUOTE_NONNUMERIC)
    writer.writeheader()
    n = 0
    for p in posts:
        row = csv_row(p)
        if not raw:
            row = {k: neutralise(v) if isinstance(v, str) else v for k, v in row.items()}
        writer.writerow(row)
        n += 1
    text.flush()
    text.detach()
    return n


def _parquet(posts: Iterable[Post], out: IO[bytes]) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingExtraError("pyarrow", "parquet") from None
    lists = ("hashtags", "mentions", "urls")
    columns: dict[str, list[Any]] = {f: [] for f in FIELDS}
    columns["domains"] = []
    for p in posts:
        row = csv_row(p)
        for f in FIELDS:
            columns[f].append(row[f])
        for f in lists:
            columns[f][-1] = list(getattr(p, f))
        columns["domains"].append(list(p.domains))
    table = pa.table(columns)
    pq.write_table(table, out)
    return int(table.num_rows)
