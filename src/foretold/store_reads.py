"""The store's read side for the dashboard: what a campaign looks like now, as plain data.

Every method returns JSON-ready values (ISO times, lists and dicts), so the web app
only routes and serialises and no SQL lives outside the store. :class:`Reads` is a
base of :class:`foretold.store.Store`; it reads through ``self.db``. Post text is
returned as stored: it is escaped where it is shown (the page builds its DOM with
``textContent``).

A campaign's ``level`` is its alert state: the level of its latest alert
(``all_clear`` is ``none``), so the badge never disagrees with the alert list.

>>> from foretold.store import Store
>>> store = Store(":memory:")
>>> store.dashboard_campaigns(), store.dashboard_status(), store.has_campaign("askjpm")
([], {'posts': 0, 'alerts': 0}, False)
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

_US = 1_000_000
TIMELINE_FIELDS = (
    "posts", "rate_per_min", "risk", "hostile_share", "ironic_share", "negative_share",
    "mocking_share", "hostility",
)  # fmt: skip
MIX_KEYS = ("positive", "neutral", "negative", "ironic", "offensive")
LEVEL_OF_ALERT = {"watch": "watch", "warning": "warning", "crisis": "crisis", "all_clear": "none"}
_RECENT_SEQS = 20_000  # the latest posts: how far back the walk from the newest goes
#: The columns :func:`_post` reads, for every query that lists posts.
_POST_COLUMNS = (
    "SELECT p.seq, p.platform, p.id, p.created_at, p.text, p.kind, p.author_handle,"
    " p.followers, p.reposts + p.replies + p.likes + p.quotes, l.labels, p.media"
)
_POST_SELECT = (
    _POST_COLUMNS + " FROM campaign_posts c JOIN posts p ON p.platform = c.platform AND p.id = c.id"
    " LEFT JOIN labels l ON l.platform = c.platform AND l.id = c.id WHERE c.campaign = ?"
)


@dataclass(frozen=True)
class PanelWindow:
    """What a dashboard panel reads: the campaign's posts of its last ``hours`` of stream
    time (up to its newest post), at most its newest ``posts`` of them.

    The page re-reads its panels on every change, so each read must stay short however
    long the campaign has run: a read over every post of a campaign of a million posts
    takes seconds and holds an old snapshot of the write-ahead log meanwhile, which
    keeps the writer's checkpoint from emptying it. The window's posts are found by
    walking the posts' ``created_at`` index back from the newest and looking each up in
    the campaign, so a read touches about ``posts`` rows (more when other campaigns'
    posts are interleaved, never more than the window's ``hours``). The default, a week
    and 50,000 posts, holds a whole storm like the simulated #AskJPM week (32,000 posts);
    a firehose campaign at 1,000 posts a second shows its last 50 seconds::

        stream time  ---------------------------------------------->|newest
        campaign     . . .. . ....... ..... ......... ...............|
        hours=168                     [<------------ a week -------->]
        posts=50000                               [<-- 50,000 posts->]  the panel reads these

    >>> PanelWindow().hours, PanelWindow().posts
    (168.0, 50000)
    """

    hours: float = 168.0
    posts: int = 50_000


#: the window of the top posts, amplifiers, links and languages panels
PANELS = PanelWindow()
#: the window of the most repeated pictures panel
PICTURES = PanelWindow(hours=6.0)


def iso_us(us: int) -> str:
    """Microseconds since the epoch as ``2013-11-13T20:15:00Z``."""
    return datetime.fromtimestamp(us / _US, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _post(r: tuple[Any, ...]) -> dict[str, Any]:
    labels = orjson.loads(r[9]) if r[9] else {}
    return {
        "seq": r[0], "platform": r[1], "id": r[2], "created_at": iso_us(r[3]), "text": r[4],
        "kind": r[5], "author": r[6], "followers": r[7], "engagement": r[8],
        "sentiment": labels.get("sentiment"), "flags": labels.get("flags", []),
        "media": orjson.loads(r[10]) if r[10] else [],
    }  # fmt: skip


class Reads:
    """Dashboard reads over ``self.db`` (a base of ``Store``).

    The reads the page repeats on every change stay short however big the store grows,
    so that they never hold an old snapshot of the write-ahead log for long (a long
    statement keeps the writer's checkpoint from emptying it): the campaign list and
    the label mix read ``campaign_minutes`` (per campaign and minute, kept by ``write_rows``
    in the transaction that stores the posts), the latest posts walk the posts back
    from the newest. A store of an older schema opened read-only has no
    ``campaign_minutes``: its reads scan the posts, as before.
    """

    @property
    def db(self) -> sqlite3.Connection:  # pragma: no cover - Store provides it
        raise NotImplementedError

    def has_minutes(self) -> bool:
        """Whether the store keeps ``campaign_minutes`` (schema 5 on)."""
        known: bool | None = self.__dict__.get("_has_minutes")
        if known is None:
            known = (
                self.db.execute(
                    "SELECT 1 FROM sqlite_master WHERE name = 'campaign_minutes'"
                ).fetchone()
                is not None
            )
            self.__dict__["_has_minutes"] = known
        return known

    def campaign_extent(self, campaign: str) -> tuple[int, int | None]:
        """The campaign's stored posts and the newest one's ``created_at`` (microseconds;
        None without posts)."""
        if self.has_minutes():
            posts, newest = self.db.execute(
                "SELECT coalesce(sum(posts), 0), max(newest) FROM campaign_minutes"
                " WHERE campaign = ?", (campaign,),
            ).fetchone()  # fmt: skip
        else:
            posts, newest = self.db.execute(
                "SELECT count(*), max(p.created_at) FROM campaign_posts c JOIN posts p"
                " ON p.platform = c.platform AND p.id = c.id WHERE c.campaign = ?",
                (campaign,),
            ).fetchone()
        return int(posts), None if newest is None else int(newest)

    def panel_seqs(self, campaign: str, window: PanelWindow | None) -> tuple[str, tuple[Any, ...]]:
        """A subquery (SQL and its arguments) of the ``seq`` of the campaign's posts in
        ``window`` (None: all of them), for a panel to read ``FROM (...) w CROSS JOIN posts
        p ON p.seq = w.seq``. The window walks the ``created_at`` index back from the
        campaign's newest post (see :class:`PanelWindow`)."""
        if window is None:
            return (
                "SELECT p.seq AS seq FROM campaign_posts c JOIN posts p"
                " ON p.platform = c.platform AND p.id = c.id WHERE c.campaign = ?",
                (campaign,),
            )
        newest = self.campaign_extent(campaign)[1]
        since = (newest or 0) - int(window.hours * 3600 * _US)
        # CROSS JOIN: the posts' created_at index drives (newest first), the campaign's
        # membership is a primary-key lookup per post; the LIMIT ends the walk
        return (
            "SELECT p.seq AS seq FROM posts p CROSS JOIN campaign_posts c"
            " WHERE p.created_at > ? AND c.campaign = ? AND c.platform = p.platform"
            " AND c.id = p.id ORDER BY p.created_at DESC, p.seq DESC LIMIT ?",
            (since, campaign, window.posts if newest is not None else 0),
        )

    def dashboard_status(self) -> dict[str, int]:
        """A cheap fingerprint of the store: the last post ``seq`` and the number of alerts."""
        posts = self.db.execute("SELECT coalesce(max(seq), 0) FROM posts").fetchone()[0]
        alerts = self.db.execute("SELECT count(*) FROM alerts").fetchone()[0]
        return {"posts": int(posts), "alerts": int(alerts)}

    def has_campaign(self, name: str) -> bool:
        """Whether the store knows a campaign of this name (definition, posts or alerts)."""
        row = self.db.execute(
            "SELECT 1 FROM campaigns WHERE name = ?1 UNION ALL"
            " SELECT 1 FROM (SELECT 1 FROM campaign_posts WHERE campaign = ?1 LIMIT 1) UNION ALL"
            " SELECT 1 FROM (SELECT 1 FROM alerts WHERE campaign = ?1 LIMIT 1) LIMIT 1",
            (name,),
        ).fetchone()
        return row is not None

    def dashboard_campaigns(self) -> list[dict[str, Any]]:
        """Every campaign with its alert state, risk, posts, alerts and last activity."""
        db = self.db
        names = [
            r[0]
            for r in db.execute(
                "SELECT name FROM campaigns UNION SELECT DISTINCT campaign FROM campaign_posts"
                " UNION SELECT DISTINCT campaign FROM alerts ORDER BY 1"
            )
        ]
        out = []
        for name in names:
            row = db.execute(
                "SELECT json_extract(metrics, '$.risk'), end_at FROM window_metrics"
                " WHERE campaign = ? AND window_s = 900 ORDER BY end_at DESC LIMIT 1",
                (name,),
            ).fetchone()
            last = db.execute(
                "SELECT level, at FROM alerts WHERE campaign = ? ORDER BY at DESC, id DESC LIMIT 1",
                (name,),
            ).fetchone()
            posts, newest = self.campaign_extent(name)
            active = max((t for t in (newest, row[1] if row else None) if t is not None),
                         default=None)  # fmt: skip
            out.append({
                "name": name,
                "level": LEVEL_OF_ALERT.get(last[0], "none") if last else "none",
                "risk": row[0] if row else None,
                "updated_at": iso_us(row[1]) if row else None,
                "active_at": iso_us(active) if active is not None else None,
                "posts": int(posts),
                "alerts": db.execute(
                    "SELECT count(*) FROM alerts WHERE campaign = ?", (name,)
                ).fetchone()[0],
                "last_alert": last[0] if last else None,
            })  # fmt: skip
        return out

    def dashboard_timeline(self, campaign: str, window_s: int = 900) -> dict[str, Any]:
        """Per-window series (volume, risk, shares) with the phases and alert markers."""
        db = self.db
        rows = db.execute(
            "SELECT end_at, metrics FROM window_metrics WHERE campaign = ? AND window_s = ?"
            " ORDER BY end_at",
            (campaign, window_s),
        ).fetchall()
        series: dict[str, list[Any]] = {"t": [], **{k: [] for k in TIMELINE_FIELDS}}
        for end_at, raw in rows:
            m = orjson.loads(raw)
            series["t"].append(end_at // _US)
            for k in TIMELINE_FIELDS:
                series[k].append(m.get(k))
        phases = [
            {"at": iso_us(r[0]), "t": r[0] // _US, "phase": r[1]}
            for r in db.execute(
                "SELECT started_at, phase FROM phases WHERE campaign = ? ORDER BY started_at",
                (campaign,),
            )
        ]
        markers = [
            {"id": r[0], "level": r[1], "t": r[2] // _US, "at": iso_us(r[2])}
            for r in db.execute(
                "SELECT id, level, at FROM alerts WHERE campaign = ? ORDER BY at, id", (campaign,)
            )
        ]
        return {"campaign": campaign, "window_s": window_s, "series": series, "phases": phases,
                "alerts": markers}  # fmt: skip

    def dashboard_mix(self, campaign: str, bucket_s: int = 3600) -> dict[str, Any]:
        """Shares of positive, neutral, negative, ironic and offensive posts per time bucket
        (from labels), and the mean hostile share of the hour windows ending in it."""
        bucket = bucket_s * _US
        rows = (
            self._mix_of_minutes(campaign, bucket_s)
            if self.has_minutes() and (bucket_s % 60 == 0)
            else self.db.execute(
                "SELECT (p.created_at / ?) * ? / 1000000 AS t, count(*),"
                " sum(json_extract(l.labels, '$.sentiment') = 'positive'),"
                " sum(json_extract(l.labels, '$.sentiment') = 'neutral'),"
                " sum(json_extract(l.labels, '$.sentiment') = 'negative'),"
                " sum(instr(json_extract(l.labels, '$.flags'), '\"ironic\"') > 0),"
                " sum(instr(json_extract(l.labels, '$.flags'), '\"offensive\"') > 0"
                "     OR instr(json_extract(l.labels, '$.flags'), '\"hateful\"') > 0)"
                " FROM campaign_posts c JOIN posts p ON p.platform = c.platform AND p.id = c.id"
                " JOIN labels l ON l.platform = c.platform AND l.id = c.id"
                " WHERE c.campaign = ? GROUP BY 1 ORDER BY 1",
                (bucket, bucket, campaign),
            ).fetchall()
        )
        hostile = dict(
            self.db.execute(
                "SELECT ((end_at - 1) / ?) * ? / 1000000,"
                " avg(json_extract(metrics, '$.hostile_share'))"
                " FROM window_metrics WHERE campaign = ? AND window_s = 3600 GROUP BY 1",
                (bucket, bucket, campaign),
            ).fetchall()
        )
        series: dict[str, list[Any]] = {
            "t": [], "labelled": [], **{k: [] for k in MIX_KEYS}, "hostile": [],
        }  # fmt: skip
        for r in rows:
            n = int(r[1])
            series["t"].append(int(r[0]))
            series["labelled"].append(n)
            for k, v in zip(MIX_KEYS, r[2:], strict=True):
                series[k].append(round(int(v or 0) / n, 4) if n else None)
            h = hostile.get(int(r[0]))
            series["hostile"].append(round(h, 4) if h is not None else None)
        return {"campaign": campaign, "bucket_s": bucket_s, "series": series}

    def _mix_of_minutes(self, campaign: str, bucket_s: int) -> list[tuple[Any, ...]]:
        """:meth:`dashboard_mix`'s rows from ``campaign_minutes``: (bucket start in
        seconds, labelled, positive, neutral, negative, ironic, offensive)."""
        return self.db.execute(
            "SELECT (minute * 60 / ?1) * ?1 AS t, sum(labelled), sum(positive), sum(neutral),"
            " sum(negative), sum(ironic), sum(offensive) FROM campaign_minutes"
            " WHERE campaign = ?2 GROUP BY 1 HAVING sum(labelled) > 0 ORDER BY 1",
            (bucket_s, campaign),
        ).fetchall()

    def dashboard_top_posts(
        self, campaign: str, limit: int = 10, window: PanelWindow | None = PANELS
    ) -> list[dict[str, Any]]:
        """The most engaged-with original posts (reposts, replies, likes, quotes) of the
        campaign's posts in ``window`` (None: all of them)."""
        sub, args = self.panel_seqs(campaign, window)
        q = (
            f"{_POST_COLUMNS} FROM ({sub}) w CROSS JOIN posts p ON p.seq = w.seq"
            " LEFT JOIN labels l ON l.platform = p.platform AND l.id = p.id"
            " WHERE p.kind != 'repost' AND p.deleted = 0 ORDER BY 9 DESC, p.seq LIMIT ?"
        )
        return self._with_images([_post(r) for r in self.db.execute(q, (*args, limit))])

    def dashboard_latest_posts(self, campaign: str, limit: int = 10) -> list[dict[str, Any]]:
        """The posts stored last (by store order), newest first."""
        # newest first through the posts, each looked up in the campaign: a short read
        # while the campaign has posts among the store's last ones (a live one has)
        recent = (
            _POST_COLUMNS + " FROM posts p CROSS JOIN campaign_posts c LEFT JOIN labels l"
            " ON l.platform = p.platform AND l.id = p.id"
            " WHERE c.campaign = ? AND c.platform = p.platform AND c.id = p.id"
            " AND p.deleted = 0 AND p.seq > (SELECT coalesce(max(seq), 0) FROM posts) - ?"
            " ORDER BY p.seq DESC LIMIT ?"
        )
        rows = self.db.execute(recent, (campaign, _RECENT_SEQS, limit)).fetchall()
        if len(rows) < limit:  # a quiet campaign: its own posts, sorted
            q = _POST_SELECT + " AND p.deleted = 0 ORDER BY p.seq DESC LIMIT ?"
            rows = self.db.execute(q, (campaign, limit)).fetchall()
        return self._with_images([_post(r) for r in rows])

    def _with_images(self, posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each listed post's media items get what was read in them: ``image_text``,
        ``phash`` and ``cache_path`` (the local file it was read from; the web app turns
        it into a thumbnail address and never sends the path itself)."""
        keys = [(p["platform"], p["id"]) for p in posts if p["media"]]
        readings = self.image_readings_of(keys)
        for p in posts:
            for i, m in enumerate(p["media"]):
                r = readings.get((p["platform"], p["id"]), {}).get(i, {})
                m["index"] = i
                m["image_text"] = r.get("text")
                m["phash"] = r.get("phash")
                m["cache_path"] = r.get("cache_path")
        return posts

    def image_readings_of(
        self, keys: list[tuple[str, str]]
    ) -> dict[tuple[str, str], dict[int, dict[str, Any]]]:
        """What was read in the pictures of these posts: ``{(platform, id): {index:
        {"phash", "text", "cache_path"}}}``; posts without readings are left out.

        >>> from foretold.store import Store
        >>> from foretold.media import ImageReading
        >>> store = Store(":memory:")
        >>> store.put_image_readings([ImageReading("x", "1", 0, "ff", "NO REFUNDS", None)])
        >>> store.image_readings_of([("x", "1"), ("x", "2")])
        {('x', '1'): {0: {'phash': 'ff', 'text': 'NO REFUNDS', 'cache_path': None}}}
        """
        out: dict[tuple[str, str], dict[int, dict[str, Any]]] = {}
        for i in range(0, len(keys), 400):  # SQLite's bound-parameter limit, with room
            chunk = keys[i : i + 400]
            marks = ",".join("(?, ?)" for _ in chunk)
            rows = self.db.execute(
                "SELECT platform, id, idx, phash, text, cache_path FROM image_readings"
                f" WHERE (platform, id) IN (VALUES {marks}) ORDER BY platform, id, idx",
                [v for key in chunk for v in key],
            )
            for platform, pid, idx, phash, text, cache_path in rows:
                out.setdefault((platform, pid), {})[int(idx)] = {
                    "phash": phash, "text": text, "cache_path": cache_path,
                }  # fmt: skip
        return out

    def post_images(self, campaign: str, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        """The pictures of a campaign's posts by post id (the chronicle quotes posts by id):
        each ``{type, alt_text, image_text}``; posts without pictures are left out."""
        out: dict[str, list[dict[str, Any]]] = {}
        keys: list[tuple[str, str]] = []
        media: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for i in range(0, len(ids), 400):
            chunk = ids[i : i + 400]
            rows = self.db.execute(
                "SELECT p.platform, p.id, p.media FROM campaign_posts c JOIN posts p"
                " ON p.platform = c.platform AND p.id = c.id WHERE c.campaign = ?"
                f" AND c.id IN ({','.join('?' * len(chunk))}) AND p.media != ''",
                (campaign, *chunk),
            )
            for platform, pid, raw in rows:
                media[(platform, pid)] = orjson.loads(raw)
                keys.append((platform, pid))
        readings = self.image_readings_of(keys)
        for key, items in media.items():
            read = readings.get(key, {})
            out.setdefault(key[1], []).extend(
                {"type": m.get("type"), "alt_text": m.get("alt_text"),
                 "image_text": read.get(i, {}).get("text")}
                for i, m in enumerate(items)
            )  # fmt: skip
        return out

    def recent_pictures(
        self, campaign: str, limit: int = 10, near: int = 6, window: PanelWindow = PICTURES
    ) -> list[dict[str, Any]]:
        """:meth:`repeated_images` over the campaign's posts in ``window`` (its last six
        hours of stream time, at most its newest 50,000 posts: the dashboard's panel)."""
        sub, args = self.panel_seqs(campaign, window)
        rows = self.db.execute(
            f"SELECT {_IMAGE_COLUMNS} FROM ({sub}) w CROSS JOIN posts p ON p.seq = w.seq"
            " JOIN image_readings r ON r.platform = p.platform AND r.id = p.id"
            " WHERE r.phash IS NOT NULL AND p.deleted = 0 ORDER BY p.created_at, p.seq, r.idx",
            args,
        ).fetchall()
        return image_groups(rows, limit, near)

    def image_file(self, platform: str, post_id: str, index: int) -> str | None:
        """The local file a picture was read from (its ``cache_path``), or None."""
        row = self.db.execute(
            "SELECT cache_path FROM image_readings WHERE platform = ? AND id = ? AND idx = ?",
            (platform, post_id, index),
        ).fetchone()
        return row[0] if row and row[0] else None

    def repeated_images(
        self,
        campaign: str,
        since_us: int | None = None,
        until_us: int | None = None,
        limit: int = 10,
        near: int = 0,
    ) -> list[dict[str, Any]]:
        """The campaign's most repeated pictures in ``[since_us, until_us)`` (microseconds;
        None: open), most posts first. Pictures are grouped by perceptual hash (hex);
        with ``near`` > 0, a hash within ``near`` bits of a bigger group's hash joins it
        (a meme re-saved, cropped or recompressed by each account). Each group has its
        ``phash``, ``posts``, ``accounts``, ``first_at``, ``last_at``, the ``text`` read
        in it (the most common reading), an ``alt_text`` one of its posts gave, and an
        ``example`` ``{platform, id, index}`` (one with a local copy when there is one)
        with its ``cache_path`` to show it from.
        Only readings with a phash count.

        >>> from foretold.store import Store
        >>> Store(":memory:").repeated_images("askjpm")
        []
        """
        rows = self.db.execute(
            f"SELECT {_IMAGE_COLUMNS}"
            " FROM campaign_posts c JOIN posts p ON p.platform = c.platform AND p.id = c.id"
            " JOIN image_readings r ON r.platform = c.platform AND r.id = c.id"
            " WHERE c.campaign = ? AND r.phash IS NOT NULL AND p.deleted = 0"
            " AND p.created_at >= ? AND p.created_at < ? ORDER BY p.created_at, p.seq, r.idx",
            (campaign, -(2**63) if since_us is None else since_us,
             2**63 - 1 if until_us is None else until_us),
        ).fetchall()  # fmt: skip
        return image_groups(rows, limit, near)

    def dashboard_amplifiers(
        self, campaign: str, limit: int = 10, window: PanelWindow | None = PANELS
    ) -> list[dict[str, Any]]:
        """Accounts with the largest reach (followers) among the authors of the campaign's
        posts in ``window`` (None: all of them); ``posts``, ``reposts`` and ``first_at``
        count within it. ``followers`` is None when the posts never gave it (an R export, a
        CSV without the column): such accounts come last, the most active first, so a
        stream without follower counts lists its busiest accounts, not the alphabet."""
        sub, args = self.panel_seqs(campaign, window)
        rows = self.db.execute(
            "SELECT p.author_handle, max(p.followers) AS f, count(*) AS n,"
            " sum(p.kind = 'repost'), min(p.created_at)"
            f" FROM ({sub}) w CROSS JOIN posts p ON p.seq = w.seq"
            " GROUP BY p.platform, p.author_id ORDER BY f DESC, n DESC, 1 LIMIT ?",
            (*args, limit),
        )
        return [
            {"author": r[0], "followers": r[1], "posts": r[2], "reposts": r[3],
             "first_at": iso_us(r[4])}
            for r in rows
        ]  # fmt: skip

    def dashboard_links(
        self, campaign: str, limit: int = 10, window: PanelWindow | None = PANELS
    ) -> dict[str, list[dict[str, Any]]]:
        """The most shared links and domains in the campaign's posts in ``window`` (None:
        all of them)."""
        from foretold.store import split_list  # store.py imports this module

        urls: Counter[str] = Counter()
        domains: Counter[str] = Counter()
        sub, args = self.panel_seqs(campaign, window)
        rows = self.db.execute(
            f"SELECT p.urls, p.domains FROM ({sub}) w CROSS JOIN posts p ON p.seq = w.seq"
            " WHERE p.urls != ''",
            args,
        )
        for u, d in rows:
            urls.update(set(split_list(u)))
            domains.update(set(split_list(d)))

        def top(counts: Counter[str]) -> list[tuple[str, int]]:  # ties by name, not read order
            return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]

        return {
            "links": [{"url": k, "posts": v} for k, v in top(urls)],
            "domains": [{"domain": k, "posts": v} for k, v in top(domains)],
        }

    def dashboard_alerts(self, campaign: str, limit: int = 50) -> list[dict[str, Any]]:
        """The campaign's alerts, newest first, each with its evidence posts' text."""
        out = []
        for (raw,) in self.db.execute(
            "SELECT alert FROM alerts WHERE campaign = ? ORDER BY at DESC, id DESC LIMIT ?",
            (campaign, limit),
        ).fetchall():
            a = orjson.loads(raw)
            ids = [str(i) for i in ((a.get("evidence") or {}).get("posts") or [])[:5]]
            found = {}
            if ids:
                marks = ",".join("?" * len(ids))
                q = f"SELECT id, author_handle, text FROM posts WHERE id IN ({marks})"
                found = {r[0]: {"id": r[0], "author": r[1], "text": r[2]}
                         for r in self.db.execute(q, ids)}  # fmt: skip
            a["evidence_posts"] = [found[i] for i in ids if i in found]
            out.append(a)
        return out

    def source_statuses(self) -> list[dict[str, Any]]:
        """What each live source is doing now."""
        rows = self.db.execute(
            "SELECT source, state, detail, until, posts_per_min, updated_at FROM source_status"
            " ORDER BY source"
        )
        keys = ("source", "state", "detail", "until", "posts_per_min", "updated_at")
        return [dict(zip(keys, r, strict=True)) for r in rows]


#: the columns :func:`image_groups` reads, one row per post and picture
_IMAGE_COLUMNS = (
    "r.phash, p.platform, p.id, r.idx, p.author_id, p.created_at, r.text, r.cache_path, p.media"
)


def image_groups(rows: list[tuple[Any, ...]], limit: int, near: int) -> list[dict[str, Any]]:
    """Pictures (rows of ``_IMAGE_COLUMNS`` in time order) grouped by perceptual hash, most
    posts first (see :meth:`Reads.repeated_images`)."""
    by_hash: dict[str, list[tuple[Any, ...]]] = {}
    for r in rows:
        by_hash.setdefault(r[0], []).append(r)
    order = sorted(by_hash, key=lambda h: (-len({(r[1], r[2]) for r in by_hash[h]}), h))
    groups: dict[str, list[tuple[Any, ...]]] = {}
    for h in order:
        home = _near_group(h, groups, near) if near > 0 else None
        groups.setdefault(home or h, []).extend(by_hash[h])
    out: list[dict[str, Any]] = []
    for h, members in groups.items():
        # the example: the first post whose picture has a local copy, else the first
        first = min(members, key=lambda r: (r[7] is None, r[5]))
        texts = Counter(r[6] for r in members if r[6])
        alt = next((a for r in members if (a := _alt_of(r[8], r[3]))), None)
        out.append({
            "phash": h, "posts": len({(r[1], r[2]) for r in members}),
            "accounts": len({(r[1], r[4]) for r in members}),
            "first_at": iso_us(min(r[5] for r in members)),
            "last_at": iso_us(max(r[5] for r in members)),
            "text": texts.most_common(1)[0][0] if texts else None, "alt_text": alt,
            "cache_path": first[7],
            "example": {"platform": first[1], "id": first[2], "index": int(first[3])},
        })  # fmt: skip
    out.sort(key=lambda g: (-int(g["posts"]), str(g["first_at"]), str(g["phash"])))
    return out[:limit]


def _alt_of(media: str | None, index: int) -> str | None:
    items = orjson.loads(media) if media else []
    alt = items[index].get("alt_text") if 0 <= index < len(items) else None
    return alt if isinstance(alt, str) and alt else None


_NEAR_COMPARED = 500  # groups a hash is compared with; smaller ones never reach a top list


def _near_group(phash: str, groups: dict[str, Any], near: int) -> str | None:
    """The first (biggest) group whose hash is within ``near`` bits of ``phash``."""
    try:
        bits = int(phash, 16)
    except ValueError:
        return None
    for i, other in enumerate(groups):
        if i >= _NEAR_COMPARED:
            break
        try:
            if (bits ^ int(other, 16)).bit_count() <= near and len(other) == len(phash):
                return other
        except ValueError:
            continue
    return None
