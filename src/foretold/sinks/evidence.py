"""An alert's evidence posts quoted for people: who wrote them, what they say, and what
their pictures say, as the dashboard shows them.

An alert names its evidence posts by id (``evidence.posts``) and carries what the
pictures of those that are pictures say (``evidence.images``, see
:mod:`foretold.media.evidence`). The outbox's :class:`~foretold.sinks.outbox.Dispatcher`
looks the posts up in the store (:func:`evidence_posts`) for the sinks that quote
them (``quotes_posts = True``: Slack, e-mail) and hands them the alert with
``evidence_posts`` added, the dashboard API's shape; :func:`quoted_posts` makes the
lines. Post text and image text are untrusted: each is quoted on one line, control
characters and runs of spaces made one space, cut at a word (the sink escapes the
rest for its format).

>>> alert = {"evidence": {"posts": ["7", "8", "9"],
...                       "images": {"7": "NYPD BRUTALITY SHAME ON YOU", "9": "BOYCOTT"}},
...          "evidence_posts": [{"id": "7", "author": "amy", "text": "my #myNYPD\\nphoto"},
...                             {"id": "8", "author": "bob", "text": "so proud"}]}
>>> for line in quoted_posts(alert):
...     print(line)
@amy: "my #myNYPD photo", a meme reading 'NYPD BRUTALITY SHAME ON YOU'
@bob: "so proud"
post 9, a meme reading 'BOYCOTT'
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from foretold.media.evidence import quote
from foretold.sinks.base import Alert

__all__ = ["POST_CHARS", "evidence_posts", "quoted_posts", "with_posts"]

#: the longest post text a sink quotes (a tweet's 280 characters fit)
POST_CHARS = 280


def evidence_posts(db: sqlite3.Connection, alert: Alert, limit: int = 5) -> list[dict[str, Any]]:
    """The alert's first ``limit`` evidence posts found in the store, in its order, as
    ``{"id", "author", "text"}`` (the dashboard's ``evidence_posts``); a post the store
    does not have is left out."""
    ids = [str(i) for i in ((alert.get("evidence") or {}).get("posts") or [])[:limit]]
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = db.execute(f"SELECT id, author_handle, text FROM posts WHERE id IN ({marks})", ids)
    found = {r[0]: {"id": r[0], "author": r[1], "text": r[2]} for r in rows}
    return [found[i] for i in ids if i in found]


def with_posts(db: sqlite3.Connection, alert: Alert) -> Alert:
    """A copy of ``alert`` with ``evidence_posts`` (the stored alert is not changed)."""
    return {**alert, "evidence_posts": evidence_posts(db, alert)}


def quoted_posts(alert: Alert, limit: int = 5) -> list[str]:
    """One line per evidence post (the first ``limit``): ``@author: "text"``, and, when
    its pictures were read, ``, a meme reading '...'``; a post not in
    ``evidence_posts`` is named by its id."""
    evidence = alert.get("evidence") or {}
    ids: Sequence[Any] = evidence.get("posts") or []
    images: dict[str, Any] = evidence.get("images") or {}
    known = {str(p.get("id")): p for p in (alert.get("evidence_posts") or [])}
    lines = []
    for raw in ids[:limit]:
        pid = str(raw)
        post = known.get(pid)
        if post is not None:
            author = quote(str(post.get("author", "")), 64)
            line = f'@{author}: "{quote(str(post.get("text", "")), POST_CHARS)}"'
        else:
            line = f"post {quote(pid, 64)}"
        said = images.get(pid)
        if said:
            line += f", a meme reading '{quote(str(said))}'"
        lines.append(line)
    return lines
