"""The store's reads for the dashboard's own panels: the language mix (issue 19).

A base of :class:`foretold.store.Store` over :class:`~foretold.store_reads.Reads`, in
its own module so the panels stay apart from the post lists. A post's language is the
one its labels carry (the language identifier's, ``foretold.understand.langid``), else
the platform's ``lang``, else ``und``.

>>> from foretold.store import Store
>>> Store(":memory:").dashboard_languages("askjpm")
{'campaign': 'askjpm', 'posts': 0, 'languages': []}
"""

from __future__ import annotations

from typing import Any

from foretold.store_reads import PanelWindow, Reads

_LANG = "coalesce(json_extract(l.labels, '$.lang'), nullif(p.lang, ''), 'und')"


class PanelReads(Reads):
    """Panel reads over ``self.db`` (a base of ``Store``)."""

    def dashboard_languages(
        self,
        campaign: str,
        limit: int = 8,
        examples: int = 2,
        window: PanelWindow | None = None,
    ) -> dict[str, Any]:
        """The campaign's posts in ``window`` (None, the default: all of them; the
        dashboard's panel reads :data:`~foretold.store_reads.PANELS`) by language, most
        posts first (``limit`` languages, the rest summed as ``other``), each with its
        share and its most engaged-with posts in their own words (``examples``, reposts
        left out), quoted as written. One statement: the posts are read once."""
        sub, args = self.panel_seqs(campaign, window)
        rows = self.db.execute(
            f"WITH w AS MATERIALIZED (SELECT {_LANG} AS lang, p.seq, p.kind,"
            " p.reposts + p.replies + p.likes + p.quotes AS engagement"
            f" FROM ({sub}) s CROSS JOIN posts p ON p.seq = s.seq"
            " LEFT JOIN labels l ON l.platform = p.platform AND l.id = p.id WHERE p.deleted = 0),"
            " n AS (SELECT lang, count(*) AS posts FROM w GROUP BY lang),"
            " x AS (SELECT lang, seq, row_number() OVER"
            " (PARTITION BY lang ORDER BY engagement DESC, seq) AS k FROM w"
            " WHERE kind != 'repost')"
            " SELECT n.lang, n.posts, q.id, q.author_handle, q.text FROM n"
            " LEFT JOIN x ON x.lang = n.lang AND x.k <= ? LEFT JOIN posts q ON q.seq = x.seq"
            " ORDER BY n.posts DESC, n.lang, x.k",
            (*args, examples),
        ).fetchall()
        counts: dict[str, int] = {}
        quoted: dict[str, list[dict[str, Any]]] = {}
        for lang, n, pid, author, text in rows:
            counts[lang] = int(n)
            if pid is not None:
                quoted.setdefault(lang, []).append(
                    {"id": pid, "author": author, "text": text, "lang": lang}
                )
        total = sum(counts.values())
        ranked = list(counts.items())  # most posts first, then by name (the ORDER BY)
        out: list[dict[str, Any]] = [
            {"lang": lang, "posts": n, "share": round(n / total, 4),
             "examples": quoted.get(lang, [])}
            for lang, n in ranked[:limit]
        ]  # fmt: skip
        rest = sum(n for _, n in ranked[limit:])
        if rest:
            out.append({"lang": "other", "posts": rest, "share": round(rest / total, 4),
                        "examples": []})  # fmt: skip
        return {"campaign": campaign, "posts": total, "languages": out}
