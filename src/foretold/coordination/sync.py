"""Synchronised accounts: the same action by the same accounts within seconds, again and again.

An *action* is a key a post carries: a link it shares, the set of hashtags it uses
(beyond the campaign's own), the post it reposts. Two accounts that take the same
action within ``sync_seconds`` of each other share it once; a pair that shares
``sync_min_shared`` distinct actions is synchronised, and synchronised pairs joined
together are a *group* (the co-link / co-retweet networks of the coordination
literature, built online). One viral post reposted by thousands is one shared
action per pair, so it never makes a pair, however many repost it at once.

::

    seconds   0    5    9        600  604        1200 1207
    link A    a    b    c
    repost X                     a    b
    tags #x#y                                    a    b
              a-b share A, X and #x#y: synchronised; c shares one action only

>>> net = SyncNetwork(CoordinationConfig())
>>> s = 1_000_000
>>> for t, who, key in [(0, "a", "link A"), (5, "b", "link A"), (9, "c", "link A"),
...                     (600, "a", "repost X"), (604, "b", "repost X"),
...                     (1200, "a", "#x #y"), (1207, "b", "#x #y")]:
...     net.act(key, who, t * s)
>>> net.groups()
[['a', 'b']]
>>> net.pairs()
{('a', 'b'): 3}
"""

from __future__ import annotations

from collections import deque
from itertools import islice

from foretold.coordination.config import CoordinationConfig

_Takers = tuple[deque[tuple[int, str]], dict[str, int]]


def _times(r: _Takers | tuple[int, str]) -> deque[tuple[int, str]]:
    if isinstance(r[0], int):
        return deque([r])
    return r[0]


class SyncNetwork:
    """Co-action pairs over a sliding horizon; ``groups`` joins the synchronised ones."""

    def __init__(self, config: CoordinationConfig, min_group: int = 2) -> None:
        self.config = config
        self.min_group = min_group
        self._window_us = config.sync_seconds * 1_000_000
        # action -> its takers within the window, in time order, and each one's last time;
        # an action taken once is kept as its (us, account) alone (most links, reposted
        # posts and near-copy clusters are taken once: no deque and dict to make for them)
        self._recent: dict[str, _Takers | tuple[int, str]] = {}
        # (a, b) -> (shared actions, the last one, when): tuples of plain values, which the
        # garbage collector stops tracking (a storm holds hundreds of thousands of pairs;
        # as objects or lists they made every full collection walk them all)
        self._pairs: dict[tuple[str, str], tuple[int, str, int]] = {}
        self._actions: dict[str, list[int]] = {}  # account -> [actions, last us]
        # pairs sharing sync_min_shared actions or more, by account (a storm holds hundreds
        # of thousands of pairs, a few of them strong); of them, the synchronised ones, kept
        # up to date for the accounts that acted since (``_dirty``); the groups they make
        self._strong_of: dict[str, set[str]] = {}
        self._qualified: set[tuple[str, str]] = set()
        self._dirty: set[str] = set()
        self._groups: list[list[str]] | None = []

    def act(self, key: str, account: str, t_us: int) -> None:
        """``account`` took action ``key`` at ``t_us`` (stream order)."""
        recent = self._recent.get(key)
        if recent is None:  # the first taker: nobody to pair with (``_count``, inlined)
            self._recent[key] = (t_us, account)
            if account in self._strong_of:
                self._dirty.add(account)
            mine = self._actions.get(account)
            if mine is None:
                self._actions[account] = [1, t_us]
            else:
                mine[0] += 1
                mine[1] = t_us
            return
        edge = t_us - self._window_us
        if isinstance(recent[0], int):  # the second taker: the lone first one, as a queue
            t0, who0 = recent
            if t0 < edge:  # ... unless it is out of the window: this one is alone, as below
                self._recent[key] = (t_us, account)
                self._count(account, t_us)
                return
            recent = self._recent[key] = (deque([(t0, who0)]), {who0: t0})
        times, last = recent
        while times and times[0][0] < edge:
            t, who = times.popleft()
            if last.get(who) == t:
                del last[who]
        if not times:  # every earlier taker is out of the window: nobody to pair with, and
            # the action is kept as its lone taker (most of a big near-copy cluster's posts
            # come more than sync_seconds apart)
            self._recent[key] = (t_us, account)
            self._count(account, t_us)
            return
        if account in last:
            return  # the same account again within seconds: one action
        self._count(account, t_us)
        strong_of = self._strong_of
        pairs = self._pairs
        cap = self.config.sync_partners
        strong = self.config.sync_min_shared
        for _, other in islice(reversed(times), cap):
            pk = (account, other) if account < other else (other, account)
            pair = pairs.get(pk)
            if pair is None:
                pairs[pk] = (1, key, t_us)
                if strong > 1:
                    continue
            elif pair[1] != key:
                count = pair[0] + 1
                pairs[pk] = (count, key, t_us)
                if count != strong:
                    continue
            else:
                continue
            # the pair just became strong (the account, if it had strong pairs already,
            # is in _dirty, and its pairs are rechecked when next read)
            a, b = pk
            strong_of.setdefault(a, set()).add(b)
            strong_of.setdefault(b, set()).add(a)
            self._dirty.add(account)
        times.append((t_us, account))
        last[account] = t_us

    def _count(self, account: str, t_us: int) -> None:
        """One more action of ``account``."""
        if account in self._strong_of:
            self._dirty.add(account)  # its share of actions moves: recheck its pairs
        mine = self._actions.get(account)
        if mine is None:
            self._actions[account] = [1, t_us]
        else:
            mine[0] += 1
            mine[1] = t_us

    @property
    def window_us(self) -> int:
        """How close in time two takers of one action must be."""
        return self._window_us

    @property
    def recent(self) -> dict[str, deque[tuple[int, str]]]:
        """Each action's recent takers: (us, account) in time order."""
        return {key: _times(r) for key, r in self._recent.items()}

    @property
    def actions(self) -> dict[str, list[int]]:
        """Account -> [actions taken, last us]."""
        return self._actions

    def pair_items(self) -> list[tuple[tuple[str, str], tuple[int, str, int]]]:
        """Every remembered pair: (a, b) -> (shared actions, last action, last us)."""
        return list(self._pairs.items())

    def load(
        self,
        recent: dict[str, list[tuple[int, str]]],
        pairs: dict[tuple[str, str], tuple[int, str, int]],
        actions: dict[str, list[int]],
    ) -> None:
        """Resume from what :attr:`recent`, :meth:`pair_items` and :attr:`actions` held."""
        self._recent = {}
        for key, takers in recent.items():
            self._recent[key] = (deque(takers), {who: t for t, who in takers})
        self._pairs = {}
        for pk, (count, key, t_us) in pairs.items():
            self._pairs[pk] = (count, key, t_us)
        self._actions = actions
        self._index()

    def forget_before(self, t_us: int) -> None:
        """Drop actions and pairs last seen before ``t_us``."""
        self._recent = {
            k: r
            for k, r in self._recent.items()
            # the action's last taker (inline: a storm holds tens of thousands of actions)
            if (r[0] if r[0].__class__ is int else r[0][-1][0] if r[0] else -1) >= t_us  # type: ignore[index]
        }
        self._pairs = {k: p for k, p in self._pairs.items() if p[2] >= t_us}
        self._actions = {a: n for a, n in self._actions.items() if n[1] >= t_us}
        self._index()

    def _index(self) -> None:
        """Rebuild the strong pairs, the synchronised ones and the groups from the pairs."""
        m = self.config.sync_min_shared
        strong_of: dict[str, set[str]] = {}
        for (a, b), p in self._pairs.items():
            if p[0] >= m:
                strong_of.setdefault(a, set()).add(b)
                strong_of.setdefault(b, set()).add(a)
        self._strong_of = strong_of
        self._qualified = set()
        self._dirty = set(strong_of)
        self._groups = None

    def shared(self, a: str, b: str) -> int:
        """How many actions ``a`` and ``b`` shared within seconds (0 when none)."""
        pair = self._pairs.get((a, b) if a < b else (b, a))
        return 0 if pair is None else pair[0]

    def accounts(self) -> set[str]:
        """Every account with a pair still remembered."""
        return {a for pair in self._pairs for a in pair}

    def pairs(self) -> dict[tuple[str, str], int]:
        """Synchronised pairs and how many actions each shares.

        A pair counts when it shares ``sync_min_shared`` actions and at least
        ``sync_min_fraction`` of the actions of its less active account: two very
        active accounts in a big storm meet by chance now and then (measured: pairs
        sharing 4 of several hundred actions in the organic storm drill), a swarm's
        accounts meet on most of what they do.
        """
        self._refresh()
        pairs = self._pairs
        return {pk: pairs[pk][0] for pk in sorted(self._qualified)}

    def _refresh(self) -> None:
        """Recheck the strong pairs of the accounts that acted since the last reading."""
        if not self._dirty:
            return
        m, f = self.config.sync_min_shared, self.config.sync_min_fraction
        acts, pairs, qualified = self._actions, self._pairs, self._qualified
        changed = False
        for a in self._dirty:
            for b in self._strong_of.get(a, ()):
                pk = (a, b) if a < b else (b, a)
                count = pairs[pk][0]
                ok = count >= m and count >= f * min(acts.get(a, [0])[0], acts.get(b, [0])[0])
                if ok != (pk in qualified):
                    changed = True
                    if ok:
                        qualified.add(pk)
                    else:
                        qualified.discard(pk)
        self._dirty.clear()
        if changed:
            self._groups = None

    def groups(self) -> list[list[str]]:
        """Connected groups of synchronised pairs, largest first, accounts sorted."""
        self._refresh()
        if self._groups is not None:
            return [list(g) for g in self._groups]
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for a, b in self._qualified:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        members: dict[str, list[str]] = {}
        for x in parent:
            members.setdefault(find(x), []).append(x)
        found = [sorted(g) for g in members.values() if len(g) >= self.min_group]
        found.sort(key=lambda g: (-len(g), g[0]))
        self._groups = found
        return [list(g) for g in found]
