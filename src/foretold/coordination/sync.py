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


class _Pair:
    __slots__ = ("count", "last_key", "last_us")

    def __init__(self, key: str, t_us: int) -> None:
        self.count = 1
        self.last_key = key
        self.last_us = t_us


class _Recent:
    """One action's takers within the window: in time order, and each one's last time."""

    __slots__ = ("last", "times")

    def __init__(self) -> None:
        self.times: deque[tuple[int, str]] = deque()
        self.last: dict[str, int] = {}

    def __getstate__(self) -> tuple[deque[tuple[int, str]], dict[str, int]]:
        return self.times, self.last

    def __setstate__(self, state: tuple[deque[tuple[int, str]], dict[str, int]]) -> None:
        self.times, self.last = state


class SyncNetwork:
    """Co-action pairs over a sliding horizon; ``groups`` joins the synchronised ones."""

    def __init__(self, config: CoordinationConfig, min_group: int = 2) -> None:
        self.config = config
        self.min_group = min_group
        self._window_us = config.sync_seconds * 1_000_000
        self._recent: dict[str, _Recent] = {}
        self._pairs: dict[tuple[str, str], _Pair] = {}
        self._actions: dict[str, list[int]] = {}  # account -> [actions, last us]
        # pairs sharing sync_min_shared actions or more: the only ones ``pairs`` reads (a
        # storm holds hundreds of thousands of pairs, a few of them strong)
        self._strong: set[tuple[str, str]] = set()
        self._strong_accounts: set[str] = set()
        self._version = 0  # moves when what ``groups`` reads moves
        self._groups: tuple[int, list[list[str]]] = (-1, [])

    def act(self, key: str, account: str, t_us: int) -> None:
        """``account`` took action ``key`` at ``t_us`` (stream order)."""
        recent = self._recent.get(key)
        if recent is None:
            recent = self._recent[key] = _Recent()
        edge = t_us - self._window_us
        times, last = recent.times, recent.last
        while times and times[0][0] < edge:
            t, who = times.popleft()
            if last.get(who) == t:
                del last[who]
        if account in last:
            return  # the same account again within seconds: one action
        if account in self._strong_accounts:
            self._version += 1  # its share of actions moves
        mine = self._actions.get(account)
        if mine is None:
            self._actions[account] = [1, t_us]
        else:
            mine[0] += 1
            mine[1] = t_us
        pairs = self._pairs
        cap = self.config.sync_partners
        strong = self.config.sync_min_shared
        for _, other in islice(reversed(times), cap):
            pk = (account, other) if account < other else (other, account)
            pair = pairs.get(pk)
            if pair is None:
                pair = pairs[pk] = _Pair(key, t_us)
            elif pair.last_key != key:
                pair.count += 1
                pair.last_key = key
                pair.last_us = t_us
            else:
                continue
            if pair.count >= strong:
                self._strong.add(pk)
                self._strong_accounts.update(pk)
                self._version += 1
        times.append((t_us, account))
        last[account] = t_us

    @property
    def window_us(self) -> int:
        """How close in time two takers of one action must be."""
        return self._window_us

    @property
    def recent(self) -> dict[str, _Recent]:
        """Each action's recent takers (``times``: (us, account) in time order)."""
        return self._recent

    @property
    def actions(self) -> dict[str, list[int]]:
        """Account -> [actions taken, last us]."""
        return self._actions

    def pair_items(self) -> list[tuple[tuple[str, str], tuple[int, str, int]]]:
        """Every remembered pair: (a, b) -> (shared actions, last action, last us)."""
        return [(k, (p.count, p.last_key, p.last_us)) for k, p in self._pairs.items()]

    def load(
        self,
        recent: dict[str, list[tuple[int, str]]],
        pairs: dict[tuple[str, str], tuple[int, str, int]],
        actions: dict[str, list[int]],
    ) -> None:
        """Resume from what :attr:`recent`, :meth:`pair_items` and :attr:`actions` held."""
        self._recent = {}
        for key, takers in recent.items():
            r = self._recent[key] = _Recent()
            r.times.extend(takers)
            r.last.update((who, t) for t, who in takers)
        self._pairs = {}
        m = self.config.sync_min_shared
        for pk, (count, key, t_us) in pairs.items():
            p = self._pairs[pk] = _Pair(key, t_us)
            p.count = count
        self._strong = {pk for pk, p in self._pairs.items() if p.count >= m}
        self._strong_accounts = {a for pk in self._strong for a in pk}
        self._actions = actions
        self._version += 1
        self._groups = (-1, [])

    def forget_before(self, t_us: int) -> None:
        """Drop actions and pairs last seen before ``t_us``."""
        self._recent = {k: r for k, r in self._recent.items() if r.times and r.times[-1][0] >= t_us}
        self._pairs = {k: p for k, p in self._pairs.items() if p.last_us >= t_us}
        self._strong = {k for k in self._strong if k in self._pairs}
        self._strong_accounts = {a for pair in self._strong for a in pair}
        self._version += 1
        self._actions = {a: n for a, n in self._actions.items() if n[1] >= t_us}

    def shared(self, a: str, b: str) -> int:
        """How many actions ``a`` and ``b`` shared within seconds (0 when none)."""
        pair = self._pairs.get((a, b) if a < b else (b, a))
        return 0 if pair is None else pair.count

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
        m, f = self.config.sync_min_shared, self.config.sync_min_fraction
        acts, pairs = self._actions, self._pairs
        found = {}
        for a, b in sorted(self._strong):
            count = pairs[a, b].count
            if count >= m and count >= f * min(acts.get(a, [0])[0], acts.get(b, [0])[0]):
                found[a, b] = count
        return found

    def groups(self) -> list[list[str]]:
        """Connected groups of synchronised pairs, largest first, accounts sorted."""
        if self._groups[0] == self._version:
            return [list(g) for g in self._groups[1]]
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for a, b in self.pairs():
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        members: dict[str, list[str]] = {}
        for x in parent:
            members.setdefault(find(x), []).append(x)
        found = [sorted(g) for g in members.values() if len(g) >= self.min_group]
        found.sort(key=lambda g: (-len(g), g[0]))
        self._groups = (self._version, found)
        return [list(g) for g in found]
