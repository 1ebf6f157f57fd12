"""Who posts: accounts with heavy-tailed reach, returning authors and special accounts.

Follower counts follow a Lomax (Pareto II) law, ``P(F > f) = (s / (s + f)) ** (alpha - 1)``:
with ``alpha = 2`` (the exponent CASES.md reports) and ``s = 250`` the median is 250,
about 2.4 % have 10k or more and 0.25 % 100k or more. Authors are drawn from pools
(``fans`` of the brand, the ``crowd`` an attack brings in, ``bots``) with heavy-tailed
activity weights, so some authors return many times.

>>> import numpy as np
>>> f = draw_followers(np.random.default_rng(1), 200_000, alpha=2.0, scale=250.0)
>>> 200 < float(np.median(f)) < 300, round(float((f >= 10_000).mean()), 3)
(True, 0.024)
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from foretold.simulate.scenario import Scenario

I64 = npt.NDArray[np.int64]

_FIRST, _LAST, _WORDS = (
    tuple(line.split())
    for line in (Path(__file__).with_name("names.txt")).read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
)
_BIOS = (
    "",
    "",
    "",
    "Coffee first.",
    "Views my own.",
    "Mom of two. Runner. Reader.",
    "Finance nerd | RTs are not endorsements",
    "Student. Music. Football.",
    "Writer, sometimes.",
    "Just here for the memes",
    "Proud dad. Engineer.",
    "Living one day at a time",
    "Economics, politics, bad puns",
    "Small business owner",
    "Nurse. Night shifts. Cats.",
)
SOURCES: tuple[str, ...] = (
    "Twitter for iPhone",
    "Twitter for Android",
    "Twitter Web Client",
    "TweetDeck",
    "Twitter for iPad",
    "Hootsuite",
    "Tweetbot for iOS",
    "Twitter Web App",
)
_SOURCE_P = np.array([0.34, 0.26, 0.22, 0.07, 0.04, 0.03, 0.02, 0.02])
BOT_SOURCES: tuple[str, ...] = ("twittbot.net", "IFTTT", "dlvr.it")
BRAND_SOURCE = "Sprinklr"
POOLS: tuple[str, ...] = ("fans", "crowd", "bots")


def draw_followers(
    rng: np.random.Generator, n: int, *, alpha: float, scale: float, cap: int = 60_000_000
) -> I64:
    """``n`` follower counts from a Lomax law with pdf tail exponent ``alpha``."""
    u = 1.0 - rng.random(n)
    f = scale * (u ** (-1.0 / (alpha - 1.0)) - 1.0)
    return np.minimum(f, cap).astype(np.int64)


@dataclass
class Population:
    """All accounts of a stream as columns; index 0 is the brand (the campaign's owner)."""

    followers: I64
    following: I64
    tweets: I64
    listed: I64
    created: I64
    verified: npt.NDArray[np.bool_]
    bot: npt.NDArray[np.bool_]
    source: npt.NDArray[np.int8]
    roles: list[str]
    pools: dict[str, tuple[int, int, npt.NDArray[np.float64]]]
    usernames: dict[int, str]
    names: dict[int, str]
    bios: dict[int, str]
    identity_seed: int

    def __len__(self) -> int:
        return len(self.followers)

    def identify(self, indices: I64) -> None:
        """Give handles, names and bios to the accounts ``indices`` (those that post).

        Only accounts that appear get an identity, in index order, so a stream's
        handles depend on its seed alone.
        """
        todo = sorted(set(indices.tolist()) - self.usernames.keys())
        if not todo:
            return
        r = random.Random(self.identity_seed + todo[0])
        taken = {u.lower() for u in self.usernames.values()}
        bot = self.bot
        for i in todo:
            first, last = _FIRST[r.randrange(len(_FIRST))], _LAST[r.randrange(len(_LAST))]
            if bot[i]:
                handle = f"{_WORDS[r.randrange(len(_WORDS))]}{first}{r.randrange(10**7, 10**8)}"
                name, bio = f"{first.title()}{r.randrange(100)}", ""
            else:
                handle = _handle(r, first, last)
                name = f"{first.title()} {last.title()}" if r.random() < 0.7 else handle
                bio = _BIOS[r.randrange(len(_BIOS))]
            while handle.lower() in taken:
                handle = f"{handle[:11]}{r.randrange(10000)}"
            taken.add(handle.lower())
            self.usernames[i] = handle
            self.names[i] = name
            self.bios[i] = bio

    def index_of(self, handle: str) -> int:
        """The index of the account with this handle (``@`` optional, any case)."""
        key = handle.lstrip("@").lower()
        for i in range(len(self.roles)):
            if self.usernames[i].lower() == key:
                return i
        raise KeyError(handle)

    def draw(self, rng: np.random.Generator, pool: str, n: int) -> I64:
        """``n`` authors from ``pool``; heavy-tailed activity makes authors return."""
        lo, _hi, cdf = self.pools[pool]
        picks = np.searchsorted(cdf, rng.random(n) * cdf[-1]).astype(np.int64)
        return np.asarray(picks + lo, dtype=np.int64)


def build_population(
    scenario: Scenario, rng: np.random.Generator, sizes: dict[str, int], specials: list[Special]
) -> Population:
    """The brand, the special accounts, then the ``fans``, ``crowd`` and ``bots`` pools."""
    d = scenario.dynamics
    start_s = int(scenario.start.timestamp())
    n_special = len(specials)
    sizes = {pool: max(sizes.get(pool, 0), 0 if pool == "bots" else 1) for pool in POOLS}
    n_total = n_special + sum(sizes.values())
    followers = np.empty(n_total, dtype=np.int64)
    verified = np.zeros(n_total, dtype=np.bool_)
    bot = np.zeros(n_total, dtype=np.bool_)
    for i, s in enumerate(specials):
        followers[i] = s.followers
        verified[i] = s.verified
    pools: dict[str, tuple[int, int, npt.NDArray[np.float64]]] = {}
    lo = n_special
    for pool in POOLS:
        n = sizes[pool]
        hi = lo + n
        scale = d.follower_scale if pool != "bots" else 15.0
        followers[lo:hi] = draw_followers(rng, n, alpha=d.follower_alpha, scale=scale)
        bot[lo:hi] = pool == "bots"
        u = 1.0 - rng.random(n)
        activity = u ** (-1.0 / (d.activity_alpha - 1.0))
        pools[pool] = (lo, hi, np.cumsum(activity))
        lo = hi
    big = followers >= 100_000
    verified |= big & (rng.random(n_total) < 0.3)
    following = np.maximum(
        rng.lognormal(np.log(280.0), 1.0, n_total) * (1 + np.sqrt(followers) / 60), 1
    ).astype(np.int64)
    age_days = rng.uniform(60, 2400, n_total)
    age_days[bot] = rng.uniform(3, 60, int(bot.sum()))
    created = (start_s - age_days * 86400).astype(np.int64)
    tweets = np.maximum(rng.lognormal(np.log(3.0), 1.1, n_total) * age_days, 1).astype(np.int64)
    listed = rng.poisson(followers / 90.0).astype(np.int64)
    source = rng.choice(len(SOURCES), size=n_total, p=_SOURCE_P / _SOURCE_P.sum()).astype(np.int8)
    source[bot] = -1
    source[0] = -2
    return Population(
        followers=followers,
        following=following,
        tweets=tweets,
        listed=listed,
        created=created,
        verified=verified,
        bot=bot,
        source=source,
        roles=[s.role for s in specials],
        pools=pools,
        usernames={i: s.handle.lstrip("@") for i, s in enumerate(specials)},
        names={i: s.name for i, s in enumerate(specials)},
        bios={i: s.description for i, s in enumerate(specials)},
        identity_seed=int(rng.integers(1 << 62)),
    )


@dataclass(frozen=True)
class Special:
    """A named account: the brand, an entrant or the author of a scripted post."""

    handle: str
    name: str
    followers: int
    role: str
    verified: bool = False
    description: str = ""


def _handle(r: random.Random, first: str, last: str) -> str:
    style = r.randrange(7)
    word = _WORDS[r.randrange(len(_WORDS))]
    if style == 0:
        h = f"{first}{last}"
    elif style == 1:
        h = f"{first}_{last}"
    elif style == 2:
        h = f"{first}{r.randrange(10, 100000)}"
    elif style == 3:
        h = f"{first[0]}{last}{r.randrange(100)}"
    elif style == 4:
        h = f"{word}{first}"
    elif style == 5:
        h = f"{first.title()}{last.title()}"
    else:
        h = f"{word}_{_WORDS[r.randrange(len(_WORDS))]}{r.randrange(100)}"
    return h[:15]
