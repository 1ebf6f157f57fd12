"""Astroturfing drills with truth: a swarm of accounts inside an organic stream.

Each swarm scenario takes a library scenario as its organic background and, for
``attack`` and ``praise``, adds a swarm: young accounts (some of them bought, aged
ones with bios) that post near-copies of a few brand-directed messages in waves
within seconds of each "order", share one link, and repost the organisers' posts
within seconds. ``organic`` adds nothing: an organic storm, the control. The truth
lists every coordinated account, so precision and recall can be measured
(``bench/coordination_bench.py``).

::

    hours   0 ............ 30 ==== 31.5 ............ 72   (benign Q&A background)
    swarm                   |order|order|order|...        every 15 min: near-copies
                            |rt rt|rt rt|                 and reposts within seconds

>>> from foretold.simulate.swarm import SWARMS
>>> sorted(SWARMS)
['astroturf_attack', 'astroturf_praise', 'organic_storm']
"""

from __future__ import annotations

import heapq
import io
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, Literal

import orjson

from foretold.formats import x_v2
from foretold.post import Author, Post, Ref, format_time, parse_time
from foretold.simulate.library import scenario as library_scenario
from foretold.simulate.stream import simulate
from foretold.simulate.text import TextPools
from foretold.simulate.truth import truth
from foretold.simulate.twarc import write_jsonl

Kind = Literal["attack", "praise", "organic"]

ATTACK = (
    "{handle} you lied to your customers and you know it. Disgusting. Never again {tag}",
    "Shame on {handle}! Treating people like garbage while the bosses get richer {tag} #boycott",
    "Everyone should boycott {handle} right now, they are a scam and a total disgrace {tag}",
    "I am done with {handle}. Worst company ever, they stole my money and laughed {tag}",
)
PRAISE = (
    "Honestly {handle} is the best, amazing service and the friendliest people ever {tag}",
    "Just want to say thank you {handle}, you made my whole week so much better {tag}",
    "Cannot recommend {handle} enough, five stars from me and my whole family {tag}",
    "Wow {handle} keeps getting better and better, so proud to be a customer {tag}",
)
_TAILS = ("", "", "!", "!!", " 😡", " 👏", " #truth", " please share", " RT if you agree")
_FIRST = ("maria", "john", "anna", "david", "laura", "mike", "sara", "chris", "emma", "alex")
_WORDS = ("patriot", "truth", "real", "freedom", "happy", "daily", "voice", "just", "the", "mr")


@dataclass(frozen=True)
class Swarm:
    """One drill: its organic background and the swarm laid over it."""

    name: str
    kind: Kind
    background: str  # a library scenario
    scale: float
    title: str = ""
    start_h: float = 30.0  # when the swarm starts, hours from the background's start
    orders: int = 6  # waves, one every order_minutes
    order_minutes: int = 15
    accounts: tuple[int, int] = (60, 120)  # drawn per seed
    bought: float = 0.2  # aged accounts with bios and followers


SWARMS: dict[str, Swarm] = {
    s.name: s
    for s in (
        Swarm(
            "astroturf_attack",
            "attack",
            "benign_qa",
            3.0,
            "Astroturfed attack: a swarm of young accounts in a Q&A (coordination drill)",
        ),
        Swarm(
            "astroturf_praise",
            "praise",
            "benign_qa",
            3.0,
            "Astroturfed praise: a swarm praising the brand (coordination drill)",
        ),
        Swarm(
            "organic_storm",
            "organic",
            "askbg",
            1.0,
            "Organic storm, no coordination: the control (coordination drill)",
        ),
    )
}


def swarm_stream(name: str, seed: int, data_dir: str | Path) -> tuple[list[Post], dict[str, Any]]:
    """The posts of drill ``name`` (stream order) and its truth object: what
    ``foretold simulate NAME`` writes (:func:`write_swarm`), read back."""
    buf = io.BytesIO()
    _, t = write_swarm(name, seed, data_dir, buf)
    posts: list[Post] = []
    for line in buf.getvalue().splitlines():
        posts.extend(p for p in x_v2.parse(orjson.loads(line), line) if isinstance(p, Post))
    return sorted(posts, key=lambda p: p.created_at), t


def write_swarm(
    name: str, seed: int, data_dir: str | Path, out: IO[bytes]
) -> tuple[int, dict[str, Any]]:
    """Write drill ``name`` as ``foretold simulate`` writes a scenario (twarc2-flattened
    X API v2 posts, one a line, in time order: the background's and the swarm's merged);
    returns how many posts it wrote and the truth object."""
    lines, swarm, t = _drill(name, seed, data_dir)
    mine = [(p.created_at, orjson.dumps(tweet(p))) for p in swarm]
    theirs = ((parse_time(orjson.loads(line)["created_at"]), line) for line in lines)
    n = 0
    for _, line in heapq.merge(theirs, sorted(mine, key=lambda x: x[0]), key=lambda x: x[0]):
        out.write(line + b"\n")
        n += 1
    return n, t


def tweet(post: Post) -> dict[str, Any]:
    """A swarm post as the X API v2 gives it, twarc2-flattened (its author inline)."""
    a = post.author
    ents: dict[str, Any] = {}
    text = post.text
    tags = [{"start": m.start(), "end": m.end(), "tag": m.group(1)}
            for m in re.finditer(r"#(\w+)", text)]  # fmt: skip
    mentions = [{"start": m.start(), "end": m.end(), "username": m.group(1)}
                for m in re.finditer(r"@(\w+)", text)]  # fmt: skip
    urls = [{"start": text.index(u), "end": text.index(u) + len(u), "url": u,
             "expanded_url": u, "display_url": u.split("//", 1)[-1]} for u in post.urls]  # fmt: skip
    for key, value in (("hashtags", tags), ("mentions", mentions), ("urls", urls)):
        if value:
            ents[key] = value
    created = format_time(post.created_at)
    obj: dict[str, Any] = {
        "id": post.id,
        "text": text,
        "created_at": created,
        "author_id": a.id,
        "conversation_id": post.id,
        "lang": post.lang or "en",
        "possibly_sensitive": False,
        "source": "Twitter for Android",
        "public_metrics": {
            "retweet_count": 0,
            "reply_count": 0,
            "like_count": 0,
            "quote_count": 0,
            "impression_count": 0,
        },
    }
    if ents:
        obj["entities"] = ents
    if post.repost_of is not None:
        obj["referenced_tweets"] = [{"type": "retweeted", "id": post.repost_of.id}]
    obj["author"] = {
        "id": a.id,
        "username": a.handle,
        "name": a.name,
        "created_at": format_time(a.created_at) if a.created_at else None,
        "description": a.description,
        "verified": a.verified,
        "protected": False,
        "public_metrics": {
            "followers_count": a.followers,
            "following_count": a.following,
            "tweet_count": a.posts,
            "listed_count": 0,
        },
    }
    obj["__twarc"] = {"url": "https://api.twitter.com/2/tweets/search/recent",
                      "version": "2.14.0", "retrieved_at": created[:19] + "+00:00"}  # fmt: skip
    return obj


def _drill(
    name: str, seed: int, data_dir: str | Path
) -> tuple[list[bytes], list[Post], dict[str, Any]]:
    """The background's twarc2 lines, the swarm's posts and the drill's truth."""
    sw = SWARMS[name]
    sc = library_scenario(sw.background)
    stream = simulate(sc, seed, scale=sw.scale)
    buf = io.BytesIO()
    write_jsonl(stream, TextPools.load(data_dir), buf)
    t = truth(stream)
    swarm: list[Post] = []
    handles: list[str] = []
    if sw.kind != "organic":
        tag = sc.campaign.hashtags[0] if sc.campaign.hashtags else ""
        handle = sc.campaign.handles[0] if sc.campaign.handles else ""
        swarm, handles = _swarm(sw, random.Random(seed * 7919 + 18), sc.at(sw.start_h), handle, tag)
    start = sc.at(sw.start_h)
    end = start + timedelta(minutes=sw.orders * sw.order_minutes)
    t.update(
        scenario=name,
        title=sw.title,
        background=sw.background,
        kind={"attack": "astroturf", "praise": "astroturf", "organic": t["kind"]}[sw.kind],
        coordination={
            "kind": sw.kind,
            "start": format_time(start) if swarm else None,
            "end": format_time(end) if swarm else None,
            "coordinated_accounts": handles,
            "coordinated_posts": [p.id for p in swarm],
        },
    )
    return buf.getvalue().splitlines(), swarm, t


def _swarm(
    sw: Swarm, r: random.Random, start: datetime, handle: str, tag: str
) -> tuple[list[Post], list[str]]:
    n = r.randint(*sw.accounts)
    authors = [_account(r, i, start, r.random() < sw.bought) for i in range(n)]
    organisers = authors[:4]
    texts = ATTACK if sw.kind == "attack" else PRAISE
    site = "petition" if sw.kind == "attack" else "deals"
    link = f"https://{site}-now.example/{r.randrange(10**6)}"
    posts: list[Post] = []
    next_id = 1_900_000_000_000_000_000 + r.randrange(10**12)

    def add(post_author: Author, text: str, at: datetime, **kw: Any) -> Post:
        nonlocal next_id
        next_id += r.randint(1, 9999)
        urls = (link,) if link in text else ()
        p = Post(
            platform="x", id=str(next_id), text=text, created_at=at, author=post_author,
            hashtags=tuple(w[1:].lower() for w in text.split() if w.startswith("#") and len(w) > 1),
            mentions=tuple(w[1:].lower().rstrip(":") for w in text.split() if w.startswith("@")),
            urls=urls, domains=tuple(u.split("/")[2] for u in urls), lang="en", **kw,
        )  # fmt: skip
        posts.append(p)
        return p

    for k in range(sw.orders):
        order = start + timedelta(minutes=k * sw.order_minutes, seconds=r.uniform(0, 120))
        template = texts[k % len(texts)].format(handle=handle, tag=tag)
        seed_post = add(organisers[k % 4], _edit(r, template) + f" {link}", order)
        for a in authors[4:]:
            if r.random() < 0.75:  # near-copy of the order's message
                at = order + timedelta(seconds=r.expovariate(1 / 40))
                text = _edit(r, template) + (f" {link}" if r.random() < 0.4 else "")
                add(a, text, at)
            if r.random() < 0.6:  # repost the organiser within seconds
                at = order + timedelta(seconds=5 + r.expovariate(1 / 25))
                ref = Ref(seed_post.id, seed_post.author.id, seed_post.author.handle)
                rt = f"RT @{seed_post.author.handle}: {seed_post.text}"
                add(a, rt, at, kind="repost", repost_of=ref)
    return posts, [a.handle for a in authors]


def _account(r: random.Random, i: int, start: datetime, bought: bool) -> Author:
    first = r.choice(_FIRST)
    if r.random() < 0.55:
        handle = f"{first}{r.randrange(10**7, 10**8)}"
    else:
        handle = f"{r.choice(_WORDS)}_{first}{r.randrange(100)}"
    age = r.uniform(400, 3000) if bought else r.uniform(1, 25)
    followers = int(r.paretovariate(1.5) * 150) if bought else r.randrange(0, 40)
    return Author(
        id=f"88{i:06d}{r.randrange(10**6):06d}",
        handle=handle,
        name=first.title() if bought or r.random() < 0.5 else handle,
        followers=followers,
        following=r.randrange(50, 600) if bought else r.randrange(100, 2000),
        posts=int(age * r.uniform(2, 20)) if bought else int(age * r.uniform(30, 200)),
        description="Proud mom. Coffee." if bought else ("" if r.random() < 0.7 else "Patriot."),
        created_at=start - timedelta(days=age),
    )


def _edit(r: random.Random, text: str) -> str:
    """A near-copy: a word dropped or doubled, case changed, a tail added."""
    words = text.split()
    if r.random() < 0.5:
        del words[r.randrange(1, len(words) - 1)]
    if r.random() < 0.3:
        i = r.randrange(len(words))
        words.insert(i, words[i])
    out = " ".join(words)
    if r.random() < 0.3:
        out = out.upper() if r.random() < 0.3 else out.lower()
    return out + r.choice(_TAILS)
