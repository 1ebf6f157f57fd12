"""A campaign's posts as columns: what every report reads, loaded in one query.

Reports need a handful of fields of every post (time, kind, author, reach, text, links,
labels) for tens of thousands of posts; one SQL join straight into columns is much
faster than building :class:`~foretold.post.Post` objects and asking for labels one by
one. :func:`frame_of` builds the same columns from posts in memory (an archive the
precheck has just classified).

>>> from datetime import datetime, timezone
>>> from foretold.post import Author, Post
>>> p = Post(platform="x", id="1", text="fines again #AskJPM", kind="original",
...          created_at=datetime(2013, 11, 13, tzinfo=timezone.utc),
...          author=Author(id="7", handle="ann", followers=10), hashtags=("AskJPM",))
>>> f = frame_of([p], [{"sentiment": "negative", "emotion": "anger", "flags": []}])
>>> len(f), bool(f.hostile[0]), f.handle[0]
(1, True, 'ann')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from foretold.post import Post
from foretold.signals import is_hostile, is_mocking
from foretold.store import Store, split_list

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_QUERY = """
SELECT p.created_at, p.id, p.kind, p.author_handle, p.author_name, p.author_description,
       coalesce(p.followers, 0), p.verified, p.text, p.hashtags, p.domains, p.urls,
       p.repost_of_author_handle, p.reply_to_author_handle, l.labels
FROM campaign_posts c
JOIN posts p ON p.platform = c.platform AND p.id = c.id
LEFT JOIN labels l ON l.platform = p.platform AND l.id = p.id
WHERE c.campaign = ? AND p.deleted = 0
ORDER BY p.created_at, p.seq
"""


def to_time(us: int) -> datetime:
    """Microseconds since the epoch as an aware UTC time."""
    return _EPOCH + timedelta(microseconds=int(us))


def to_us(t: datetime) -> int:
    """An aware time as microseconds since the epoch."""
    return round(t.timestamp() * 1_000_000)


@dataclass(frozen=True)
class Frame:
    """Posts as parallel columns, oldest first. ``t`` is microseconds since the epoch."""

    t: npt.NDArray[np.int64]
    ids: list[str]
    kind: list[str]
    handle: list[str]
    name: list[str]
    description: list[str]
    followers: npt.NDArray[np.int64]
    verified: npt.NDArray[np.bool_]
    text: list[str]
    hashtags: list[tuple[str, ...]]
    domains: list[tuple[str, ...]]
    urls: list[tuple[str, ...]]
    repost_of: list[str]
    reply_to: list[str]
    labels: list[dict[str, Any] | None]
    hostile: npt.NDArray[np.bool_]
    mocking: npt.NDArray[np.bool_]
    negative: npt.NDArray[np.bool_]
    labelled: npt.NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def followers_known(self) -> bool:
        """Whether any post gave its author's follower count (an R export gives none)."""
        return bool(self.followers.any())

    @property
    def own_words(self) -> npt.NDArray[np.bool_]:
        """Posts in the author's own words (everything but reposts)."""
        return np.array([k != "repost" for k in self.kind], dtype=np.bool_)

    def by(self, handle: str) -> npt.NDArray[np.bool_]:
        """Posts whose author is ``handle`` (with or without ``@``, any case)."""
        h = handle.lstrip("@").lower()
        return np.array([x.lower() == h for x in self.handle], dtype=np.bool_)


def load_frame(store: Store, campaign: str) -> Frame:
    """The campaign's posts (deleted ones left out) with their labels, oldest first."""
    rows = store.db.execute(_QUERY, (campaign,)).fetchall()
    cols: list[list[Any]] = [list(c) for c in zip(*rows, strict=True)] if rows else [[]] * 15
    labels = [orjson.loads(x) if x else None for x in cols[14]]
    return _frame(
        t=np.array(cols[0], dtype=np.int64),
        ids=cols[1],
        kind=cols[2],
        handle=cols[3],
        name=cols[4],
        description=cols[5],
        followers=np.array(cols[6], dtype=np.int64),
        verified=np.array(cols[7], dtype=np.bool_),
        text=cols[8],
        hashtags=[split_list(x) for x in cols[9]],
        domains=[split_list(x) for x in cols[10]],
        urls=[split_list(x) for x in cols[11]],
        repost_of=[x or "" for x in cols[12]],
        reply_to=[x or "" for x in cols[13]],
        labels=labels,
    )


def frame_of(posts: Sequence[Post], labels: Sequence[dict[str, Any] | None]) -> Frame:
    """Posts in memory and their labels (same order) as a frame, sorted by time."""
    order = sorted(range(len(posts)), key=lambda i: (posts[i].created_at, i))
    ps = [posts[i] for i in order]
    return _frame(
        t=np.array([to_us(p.created_at) for p in ps], dtype=np.int64),
        ids=[p.id for p in ps],
        kind=[p.kind for p in ps],
        handle=[p.author.handle for p in ps],
        name=[p.author.name for p in ps],
        description=[p.author.description for p in ps],
        followers=np.array([p.author.followers or 0 for p in ps], dtype=np.int64),
        verified=np.array([p.author.verified for p in ps], dtype=np.bool_),
        text=[p.text for p in ps],
        hashtags=[p.hashtags for p in ps],
        domains=[p.domains for p in ps],
        urls=[p.urls for p in ps],
        repost_of=[p.repost_of.author_handle if p.repost_of else "" for p in ps],
        reply_to=[p.reply_to.author_handle if p.reply_to else "" for p in ps],
        labels=[labels[i] for i in order],
    )


def _frame(labels: list[dict[str, Any] | None], **cols: Any) -> Frame:
    hostile = np.array([x is not None and is_hostile(x) for x in labels], dtype=np.bool_)
    mocking = np.array([x is not None and is_mocking(x) for x in labels], dtype=np.bool_)
    negative = np.array(
        [x is not None and x.get("sentiment") == "negative" for x in labels], dtype=np.bool_
    )
    labelled = np.array([x is not None for x in labels], dtype=np.bool_)
    return Frame(
        labels=labels,
        hostile=hostile,
        mocking=mocking,
        negative=negative,
        labelled=labelled,
        **cols,
    )
