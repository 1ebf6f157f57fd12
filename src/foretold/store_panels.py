"""The store's reads for the dashboard's own panels: the language mix (issue 19).

A base of :class:`foretold.store.Store` beside :class:`~foretold.store_reads.Reads`, in
its own module so the panels stay apart from the post lists. A post's language is the
one its labels carry (the language identifier's, ``foretold.understand.langid``), else
the platform's ``lang``, else ``und``.

>>> from foretold.store import Store
>>> Store(":memory:").dashboard_languages("askjpm")
{'campaign': 'askjpm', 'posts': 0, 'languages': []}
"""

from __future__ import annotations

import sqlite3
from typing import Any

_LANG = "coalesce(json_extract(l.labels, '$.lang'), nullif(p.lang, ''), 'und')"
_FROM = (
    " FROM campaign_posts c JOIN posts p ON p.platform = c.platform AND p.id = c.id"
    " LEFT JOIN labels l ON l.platform = c.platform AND l.id = c.id"
    " WHERE c.campaign = ? AND p.deleted = 0"
)


class PanelReads:
    """Panel reads over ``self.db`` (a base of ``Store``)."""

    @property
    def db(self) -> sqlite3.Connection:  # pragma: no cover - Store provides it
        raise NotImplementedError

    def dashboard_languages(
        self, campaign: str, limit: int = 8, examples: int = 2
    ) -> dict[str, Any]:
        """The campaign's posts by language, most posts first (``limit`` languages, the
        rest summed as ``other``), each with its share and its most engaged-with posts
        in their own words (``examples``, reposts left out), quoted as written."""
        rows = self.db.execute(
            f"SELECT {_LANG}, count(*) {_FROM} GROUP BY 1 ORDER BY 2 DESC, 1", (campaign,)
        ).fetchall()
        total = sum(int(n) for _, n in rows)
        out: list[dict[str, Any]] = []
        for lang, n in rows[:limit]:
            quoted = self.db.execute(
                f"SELECT p.id, p.author_handle, p.text, p.created_at {_FROM}"
                f" AND {_LANG} = ? AND p.kind != 'repost'"
                " ORDER BY p.reposts + p.replies + p.likes + p.quotes DESC, p.seq LIMIT ?",
                (campaign, lang, examples),
            ).fetchall()
            out.append({
                "lang": lang, "posts": int(n), "share": round(int(n) / total, 4),
                "examples": [{"id": i, "author": a, "text": t, "lang": lang}
                             for i, a, t, _ in quoted],
            })  # fmt: skip
        rest = sum(int(n) for _, n in rows[limit:])
        if rest:
            out.append({"lang": "other", "posts": rest, "share": round(rest / total, 4),
                        "examples": []})  # fmt: skip
        return {"campaign": campaign, "posts": total, "languages": out}
