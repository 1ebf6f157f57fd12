"""One campaign's coordination state: posts in, a per-window summary out.

:class:`Coordination` takes a campaign's posts in stream order with their labels
(``update``) and keeps, over a sliding horizon, the near-copy clusters of the
posts' own words, the synchronised-account network of their actions (links,
hashtag sets, reposts, near-copies posted within seconds) and every author's
inauthenticity score. ``summary(minutes)`` reads the last minutes: which clusters
are coordinated, which accounts, and what share of the (hostile) posts they made.
Its ``snapshot`` is compact (accounts by number, arrays, compressed) and ``restore``
resumes it exactly; the Detect stage's snapshot holds it (``docs/coordination.md``).

A cluster is *coordinated* when ``cluster_min_accounts`` accounts or more posted
it within ``burst_minutes`` and at least ``suspect_share`` of them are suspect
(inauthenticity score at or above ``suspect_score``) or synchronised. Accounts in
a synchronised group are coordinated whatever they wrote.

>>> from datetime import datetime, timedelta, timezone
>>> from foretold.post import Author, Post
>>> t0 = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
>>> def post(i, handle, text, age_days, seconds):
...     author = Author(id=handle, handle=handle, followers=5 if age_days < 30 else 900,
...                     created_at=t0 - timedelta(days=age_days))
...     return Post(platform="x", id=str(i), text=text, author=author,
...                 created_at=t0 + timedelta(seconds=seconds))
>>> angry = {"sentiment": "negative", "emotion": "anger", "flags": []}
>>> co = Coordination()
>>> for i in range(8):  # eight week-old accounts post one message with small edits
...     cluster = co.update(post(i, f"acct{i}", f"Boycott @brand now they lied to all of us {i}",
...                              7, i * 20), angry)
>>> for i in range(8, 12):  # four real people, their own words
...     _ = co.update(post(i, f"person{i}", f"my flight {i} was late again and nobody told us why",
...                        900, 200 + i), angry)
>>> s = co.summary(15)
>>> s.hostile, s.coordinated_hostile, len(s.coordinated_accounts), s.young_accounts
(12, 8, 8, 8)
>>> s.sentence()
'67% of hostile posts in the last 15 min are near-copies from 8 accounts (8 created this month)'
"""

from __future__ import annotations

import pickle
import zlib
from bisect import bisect_right
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Any

import numpy as np

from foretold.coordination.accounts import AccountScore, score
from foretold.coordination.config import CoordinationConfig
from foretold.coordination.nearcopy import Cluster, Digest, NearCopies
from foretold.coordination.sync import SyncNetwork
from foretold.post import Author, Post, format_time
from foretold.signals import is_hostile

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_time_of = itemgetter(0)  # a kept post's time
_SWEEP_POSTS = 5000
_UNSEEN = (None, None)  # a post that was not prepared


@dataclass(frozen=True, slots=True)
class ClusterView:
    """A coordinated near-copy cluster as a summary shows it."""

    id: int  # stable within a run: what :meth:`Coordination.update` returned for its posts
    size: int  # its posts in the window
    accounts: int
    hostile: int
    example: str
    first_seen: int  # stream time, microseconds since the epoch


@dataclass(frozen=True, slots=True)
class AccountView:
    """A coordinated account: handle, score and what drives it, and why it is listed."""

    handle: str
    score: float
    drivers: tuple[str, ...]
    synchronised: bool


@dataclass(frozen=True, slots=True)
class Summary:
    """What coordination explains of the last ``minutes`` of a campaign."""

    minutes: int
    posts: int  # posts in the authors' own words (reposts left out)
    hostile: int
    coordinated_posts: int  # of them, in coordinated near-copy clusters
    coordinated_hostile: int
    clusters: tuple[ClusterView, ...]
    groups: tuple[tuple[str, ...], ...]  # synchronised groups, by handle
    accounts: tuple[AccountView, ...]  # the most suspect coordinated accounts
    coordinated_accounts: frozenset[str]  # every coordinated account id
    young_accounts: int  # of them, created within young_days

    @property
    def share(self) -> float | None:
        """Share of the window's posts that are coordinated near-copies."""
        return round(self.coordinated_posts / self.posts, 4) if self.posts else None

    @property
    def hostile_share(self) -> float | None:
        """Share of the window's hostile posts that are coordinated near-copies."""
        return round(self.coordinated_hostile / self.hostile, 4) if self.hostile else None

    def sentence(self) -> str:
        """The summary in words; empty when nothing coordinated is seen."""
        n = len(self.coordinated_accounts)
        if not n:
            return ""
        young = f" ({self.young_accounts} created this month)" if self.young_accounts else ""
        if self.coordinated_hostile and self.hostile_share is not None:
            what = f"{self.hostile_share:.0%} of hostile posts"
        elif self.coordinated_posts and self.share is not None:
            what = f"{self.share:.0%} of posts"
        else:
            size = len(self.groups[0]) if self.groups else n
            return f"{size} accounts act in sync (same links or reposts within seconds){young}"
        return f"{what} in the last {self.minutes} min are near-copies from {n} accounts{young}"

    def to_dict(self) -> dict[str, Any]:
        """The alert evidence's ``coordination`` section."""

        def iso(us: int) -> str:
            return format_time(_EPOCH + timedelta(microseconds=us))

        return {
            "minutes": self.minutes,
            "posts": self.posts,
            "hostile_posts": self.hostile,
            "near_copy_share": self.share,
            "near_copy_hostile_share": self.hostile_share,
            "coordinated_accounts": len(self.coordinated_accounts),
            "young_accounts": self.young_accounts,
            "clusters": [
                {
                    "size": c.size,
                    "accounts": c.accounts,
                    "hostile": c.hostile,
                    "example": c.example,
                    "first_seen": iso(c.first_seen),
                }
                for c in self.clusters
            ],
            "groups": [{"size": len(g), "accounts": list(g[:10])} for g in self.groups],
            "accounts": [
                {
                    "handle": a.handle,
                    "score": a.score,
                    "drivers": list(a.drivers),
                    "synchronised": a.synchronised,
                }
                for a in self.accounts
            ],
        }


class Coordination:
    """Near-copies, synchronised accounts and account scores of one campaign."""

    def __init__(
        self, config: CoordinationConfig | None = None, campaign_tags: frozenset[str] = frozenset()
    ) -> None:
        self.config = c = config or CoordinationConfig()
        self.campaign_tags = campaign_tags
        self.copies = NearCopies(c)
        self.sync = SyncNetwork(c, c.min_group)
        # (t us, account, cluster, hostile) of the posts in the authors' own words
        self._posts: deque[tuple[int, str, int, bool]] = deque()
        # beside each kept post, the hostile posts appended before it (of all ever), the
        # total, and whether the kept posts' times never go back: then a summary with no
        # coordinated cluster counts its window by bisection instead of a walk
        self._hostile_before: deque[int] = deque()
        self._hostile_total = 0
        self._ordered = True
        self._authors: dict[str, tuple[Author, datetime]] = {}  # as first seen, and when
        self._scores: dict[str, AccountScore] = {}  # computed when a summary needs them
        self._horizon_us = c.horizon_minutes * 60_000_000
        self._text_us = max(c.text_minutes, c.burst_minutes) * 60_000_000
        self._sweep_us = c.sweep_minutes * 60_000_000
        self._max_posts = c.max_posts
        self._next_sweep: int | None = None
        self._since_sweep = 0
        # from prepare until update, by the post object's id (the post is held beside its
        # digest, so the id stays its own meanwhile: no key tuple to make and hash twice)
        self._digests: dict[int, tuple[Post | None, Digest | None]] = {}
        # near-copy cluster -> its accounts and when each last posted it, and the clusters
        # that reached cluster_min_accounts: what summary reads (rebuilt from _posts)
        self._members: dict[int, dict[str, int]] = {}
        self._crowded: set[int] = set()
        self._read: tuple[int, int, Summary] | None = None  # (updates, minutes, summary)
        self.updates = 0
        self.last_us = 0

    def update(self, post: Post, labels: dict[str, Any] | None) -> int | None:
        """Add one post (stream order) with its labels (None when unlabelled); returns its
        near-copy cluster (None for a repost or a text too short to judge)."""
        t = _us(post)
        self.last_us = t
        self.updates += 1
        self._since_sweep += 1
        if self._next_sweep is None:
            self._next_sweep = t + self._sweep_us
        elif t >= self._next_sweep and (
            self._since_sweep >= _SWEEP_POSTS or t >= self._next_sweep + self._horizon_us
        ):
            # a sweep rebuilds the maps: wait for enough posts that it pays (a quiet campaign
            # swept every 10 minutes spent a third of its time sweeping), or one horizon
            self._sweep(t, t - self._text_us)
        who = post.author.id
        first = self._authors.get(who)
        if first is None:
            self._authors[who] = (post.author, post.created_at)
        else:  # the account's id as first seen: one string an account kept, not one a post
            who = first[0].id
        act = self.sync.act
        for url in post.urls:
            act("l " + url, who, t)
        if post.repost_of is not None:
            act("r " + post.repost_of.id, who, t)
            return None
        if len(post.hashtags) >= 2:  # (most posts have fewer: no list to make)
            tags = [h for h in post.hashtags if h not in self.campaign_tags]
            if len(tags) >= 2:
                act("h " + " ".join(sorted(set(tags))), who, t)
        prepared, digest = self._digests.pop(id(post), _UNSEEN)
        if prepared is not post:
            cid = self.copies.add(post.text, t)
        else:
            cid = None if digest is None else self.copies.add(post.text, t, digest)
        if cid is not None:
            act(f"c {cid}", who, t)
        hostile = labels is not None and is_hostile(labels)
        posts = self._posts
        if posts and t < posts[-1][0]:
            self._ordered = False
        posts.append((t, who, -1 if cid is None else cid, hostile))
        self._hostile_before.append(self._hostile_total)
        self._hostile_total += hostile
        if len(self._posts) > self._max_posts:
            self._shed(t)
        if cid is not None:
            members = self._members.get(cid)
            if members is None:
                members = self._members[cid] = {}
            members[who] = t
            if len(members) == self.config.cluster_min_accounts:
                self._crowded.add(cid)
        return cid

    def prepare(self, posts: Sequence[Post]) -> None:
        """Digest the texts of posts about to be ``update``-d, in one pass (optional: the
        Detect stage calls it per batch, which makes ``update`` several times cheaper
        with the numpy digest; with the compiled one, ``update`` digests its post itself
        and this does nothing)."""
        if not self.copies.batched:
            return
        self._digests.clear()  # a post prepared before and never updated is hashed if it is
        own = [p for p in posts if p.repost_of is None]
        for post, digest in zip(own, self.copies.digest([p.text for p in own]), strict=True):
            self._digests[id(post)] = (post, digest)

    def summary(self, minutes: int) -> Summary:
        """The last ``minutes`` (of stream time, up to the latest post; posts are kept for
        ``text_minutes``, so a longer summary reads only those). A second reading with
        no post in between is the first one again (the detector reads twice a minute)."""
        read = self._read
        if read is not None and read[0] == self.updates and read[1] == minutes:
            return read[2]
        c = self.config
        end = self.last_us
        since = end - minutes * 60_000_000
        burst_since = end - c.burst_minutes * 60_000_000
        groups = self.sync.groups()
        synced = {a for g in groups for a in g}
        sc, name = self.score, self.handle
        coordinated: dict[int, set[str]] = {}
        members, kept = self._members, self.copies.clusters
        for cid in sorted(self._crowded):  # clusters that ever had enough accounts
            cluster = kept.get(cid)
            if cluster is not None and cluster.last_us <= since:
                continue  # no post in the window: nothing of the summary reads it
            accounts = {a for a, t in members[cid].items() if t > burst_since}
            if len(accounts) < c.cluster_min_accounts:
                continue
            odd = sum(1 for a in accounts if a in synced or sc(a).score >= c.suspect_score)
            if odd >= c.suspect_share * len(accounts):
                coordinated[cid] = accounts
        posts = hostile = co_posts = co_hostile = 0
        per: dict[int, list[int]] = {}
        recent = self._posts
        if not coordinated and self._ordered:  # the posts after ``since``, by bisection
            first = bisect_right(recent, since, key=_time_of)
            posts = len(recent) - first
            if posts:
                hostile = self._hostile_total - self._hostile_before[first]
        else:  # a walk back from the newest post, counting the coordinated clusters' posts
            for t, _, cid, is_h in reversed(recent):
                if t <= since:
                    break
                posts += 1
                hostile += is_h
                if cid in coordinated:
                    co_posts += 1
                    co_hostile += is_h
                    row = per.setdefault(cid, [0, 0])
                    row[0] += 1
                    row[1] += is_h
        accounts = set(synced)
        for cid in per:
            accounts |= coordinated[cid]
        views = []
        for cid, (size, hos) in sorted(per.items(), key=lambda kv: -kv[1][0])[: c.top_clusters]:
            cl = self.copies.clusters[cid]
            views.append(ClusterView(cid, size, len(coordinated[cid]), hos,
                                     cl.example[: c.example_chars], cl.first_us))  # fmt: skip
        ranked = sorted(accounts, key=lambda a: (-sc(a).score, name(a)))
        listed = tuple(
            AccountView(name(a), sc(a).score, sc(a).drivers, a in synced)
            for a in ranked[: c.top_accounts]
        )
        young = sum(
            1 for a in accounts if (age := sc(a).age_days) is not None and age < c.young_days
        )
        summary = Summary(
            minutes,
            posts,
            hostile,
            co_posts,
            co_hostile,
            tuple(views),
            tuple(tuple(name(a) for a in g) for g in groups),
            listed,
            frozenset(accounts),
            young,
        )
        self._read = (self.updates, minutes, summary)
        return summary

    def handle(self, account: str) -> str:
        """The handle of an account seen by this state."""
        return self._authors[account][0].handle

    def score(self, account: str) -> AccountScore:
        """The inauthenticity score of an account seen by this state (as first seen)."""
        s = self._scores.get(account)
        if s is None:
            author, at = self._authors[account]
            s = self._scores[account] = score(author, at, self.config)
        return s

    def snapshot(self) -> bytes:
        """The state as compact bytes, to resume from with :meth:`restore`: accounts by
        number in one table, times and counts in arrays, each author's score rather than
        the author, the action memory cut to the last ``sync_seconds`` (older takers are
        dropped before they are read), compressed. A restore behaves as the state did."""
        ids: dict[str, int] = {}

        def n(account: str) -> int:
            i = ids.get(account)
            if i is None:
                i = ids[account] = len(ids)
            return i

        live = [a for a in self._authors]
        authors = [(self.handle(a), self.score(a)) for a in live]
        for a in live:
            n(a)
        posts = self._posts
        nc, net = self.copies, self.sync
        clusters = list(nc.clusters.values())
        edge = self.last_us - net.window_us
        recent = {}
        for key, r in net.recent.items():
            takers = [(t, n(w)) for t, w in r if t >= edge]
            if takers:
                recent[key] = takers
        pair_keys = list(net.pair_items())
        keys: dict[str, int] = {}
        state = {
            "version": 1,
            "config": self.config,
            "tags": sorted(self.campaign_tags),
            "authors": authors,
            "posts": (
                _arr([t for t, _, _, _ in posts], np.int64),
                _arr([n(w) for _, w, _, _ in posts], np.int32),
                _arr([c for _, _, c, _ in posts], np.int32),
                _arr([h for _, _, _, h in posts], np.bool_),
            ),
            "clusters": (
                _arr([c.id for c in clusters], np.int32),
                _arr([c.first_us for c in clusters], np.int64),
                _arr([c.last_us for c in clusters], np.int64),
                b"".join(c.signature for c in clusters),
                [c.example for c in clusters],
            ),
            "buckets": (
                _arr(list(nc.buckets), np.uint64),
                _arr(list(nc.buckets.values()), np.int32),
            ),
            "exact": (_arr(list(nc.exact), np.uint32), _arr(list(nc.exact.values()), np.int32)),
            "next_cluster": nc.next_id,
            "recent": recent,
            "pairs": (
                _arr([n(a) for (a, _), _ in pair_keys], np.int32),
                _arr([n(b) for (_, b), _ in pair_keys], np.int32),
                _arr([p[0] for _, p in pair_keys], np.int32),
                _arr([keys.setdefault(p[1], len(keys)) for _, p in pair_keys], np.int32),
                _arr([p[2] for _, p in pair_keys], np.int64),
            ),
            "pair_keys": list(keys),
            "actions": (
                _arr([n(a) for a in net.actions], np.int32),
                _arr([v[0] for v in net.actions.values()], np.int32),
                _arr([v[1] for v in net.actions.values()], np.int64),
            ),
            "ids": list(ids),
            "clock": (self._next_sweep, self._since_sweep, self.last_us, self.updates),
        }
        return zlib.compress(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL), 1)

    def restore(self, state: bytes) -> None:
        """Resume from a :meth:`snapshot` (of a state with the same config)."""
        s: dict[str, Any] = pickle.loads(zlib.decompress(state))
        self.__init__(s["config"], frozenset(s["tags"]))  # type: ignore[misc]
        ids: list[str] = s["ids"]
        for i, (handle, account_score) in enumerate(s["authors"]):
            who = ids[i]
            self._authors[who] = (Author(id=who, handle=handle), _EPOCH)
            self._scores[who] = account_score
        t, w, c, h = s["posts"]
        self._posts.extend(
            zip(t.tolist(), [ids[i] for i in w.tolist()], c.tolist(), h.tolist(), strict=True)
        )
        for is_h in h.tolist():
            self._hostile_before.append(self._hostile_total)
            self._hostile_total += is_h
        cid, first, last, sigs, examples = s["clusters"]
        width = self.config.num_perm * 4
        self.copies.load(
            [
                Cluster(i, ex, f, la, sigs[k * width : (k + 1) * width])
                for k, (i, f, la, ex) in enumerate(
                    zip(cid.tolist(), first.tolist(), last.tolist(), examples, strict=True)
                )
            ],
            dict(zip(s["buckets"][0].tolist(), s["buckets"][1].tolist(), strict=True)),
            dict(zip(s["exact"][0].tolist(), s["exact"][1].tolist(), strict=True)),
            s["next_cluster"],
        )
        a, b, count, key, at = s["pairs"]
        names: list[str] = s["pair_keys"]
        acc, acts, lasts = s["actions"]
        self.sync.load(
            {k: [(t, ids[i]) for t, i in takers] for k, takers in s["recent"].items()},
            {
                (ids[x], ids[y]): (n, names[k], u)
                for x, y, n, k, u in zip(
                    a.tolist(), b.tolist(), count.tolist(), key.tolist(), at.tolist(), strict=True
                )
            },
            {
                ids[x]: [n, u]
                for x, n, u in zip(acc.tolist(), acts.tolist(), lasts.tolist(), strict=True)
            },
        )
        self._next_sweep, self._since_sweep, self.last_us, self.updates = s["clock"]
        self._index_members()

    def _forget(self, before_us: int, texts_before_us: int) -> None:
        posts, before = self._posts, self._hostile_before
        while posts and posts[0][0] < texts_before_us:
            posts.popleft()
            before.popleft()
        self._index_members()
        self.copies.forget_before(texts_before_us)
        self.sync.forget_before(before_us)
        live = {who for _, who, _, _ in posts} | self.sync.accounts()
        self._authors = {a: s for a, s in self._authors.items() if a in live}
        self._scores = {a: s for a, s in self._scores.items() if a in live}

    @property
    def kept_posts(self) -> int:
        """Posts kept for the summaries (within ``text_minutes`` and ``max_posts``)."""
        return len(self._posts)

    def _shed(self, t: int) -> None:
        """Past ``max_posts`` posts kept: forget the texts older than the newest three
        quarters of them (so a shed comes once every quarter of the bound, not per post)."""
        posts, keep = self._posts, self._max_posts * 3 // 4
        while len(posts) > keep:
            posts.popleft()
            self._hostile_before.popleft()
        self._sweep(t, max(t - self._text_us, posts[0][0]))

    def _sweep(self, t: int, texts_before_us: int) -> None:
        """Forget what is older than the horizon (texts: than ``texts_before_us``), and
        count the next sweep from now."""
        self._forget(t - self._horizon_us, texts_before_us)
        self._next_sweep = t + self._sweep_us
        self._since_sweep = 0

    def _index_members(self) -> None:
        """Rebuild the clusters' members from the posts kept (a member's older posts were
        out of every summary's reach; ``_posts`` holds everything still within it)."""
        members: dict[int, dict[str, int]] = {}
        ordered, last = True, -(2**63)
        for t, who, cid, _ in self._posts:
            if t < last:
                ordered = False
            last = t
            if cid >= 0:
                m = members.get(cid)
                if m is None:
                    m = members[cid] = {}
                m[who] = t
        self._members = members
        n = self.config.cluster_min_accounts
        self._crowded = {cid for cid, m in members.items() if len(m) >= n}
        self._ordered = ordered


def _arr(values: Sequence[Any], dtype: Any) -> Any:
    return np.array(values, dtype=dtype)


def _us(post: Post) -> int:
    t = post.created_at
    return (
        (t.toordinal() - 719163) * 86_400 + t.hour * 3600 + t.minute * 60 + t.second
    ) * 1_000_000 + t.microsecond
