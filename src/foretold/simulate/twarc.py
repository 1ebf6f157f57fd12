"""Write a simulated stream as X API v2 tweets in the twarc2 flattened shape.

One tweet a line, the author embedded as ``author`` (``twarc2 flatten``), entities with
code-point offsets into ``text``, retweets as ``RT @user: ...`` truncated like the API
does, replies led by the handles they answer, quotes ending with the quoted post's link.
The foundation's reader (:mod:`foretold.formats.x_v2`) takes these lines back.

>>> import io, orjson
>>> from foretold.simulate.library import scenario
>>> from foretold.simulate.stream import simulate
>>> from foretold.simulate.text import TextPools
>>> stream = simulate(scenario("benign_qa"), seed=2)
>>> pools = TextPools(texts=[["so bad"], ["sure, great"], ["meh"], ["a post"], ["nice!"],
...                          ["why?"]], questions=[[], [], [], [], [], [0]], source="tiny")
>>> buf = io.BytesIO()
>>> write_jsonl(stream, pools, buf) == len(stream)
True
>>> first = orjson.loads(buf.getvalue().splitlines()[0])
>>> first["author"]["username"], first["created_at"]
('CityLibraryNYC', '2021-03-02T14:00:00.000Z')
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable
from typing import IO, Any

import numpy as np
import orjson

from foretold.simulate.brandtext import Retarget
from foretold.simulate.grammar import Grammar
from foretold.simulate.population import BOT_SOURCES, BRAND_SOURCE, SOURCES, Population
from foretold.simulate.scenario import CLASSES, Wave
from foretold.simulate.stream import (
    FROM_BRAND_REPLY,
    FROM_ENTRANT,
    FROM_SCRIPT,
    QUOTE,
    REPLY,
    REPOST,
    Stream,
)
from foretold.simulate.text import (
    HASHTAG,
    MENTION,
    URL_PATTERN,
    TextPools,
    Weaver,
    display_url,
    stable_id,
    tco,
)

TWARC_VERSION = "2.14.0"
_TWARC_URL = (
    "https://api.twitter.com/2/tweets/search/stream?expansions=author_id%2C"
    "referenced_tweets.id%2Centities.mentions.username&tweet.fields=created_at%2C"
    "public_metrics%2Centities%2Cconversation_id%2Creferenced_tweets&user.fields="
    "created_at%2Cdescription%2Cpublic_metrics%2Cverified"
)
_BATCH = 4096
_REF = {REPLY: "replied_to", REPOST: "retweeted", QUOTE: "quoted"}


def user_id(index: int) -> str:
    """The account id of population member ``index``."""
    return str(14_000_000 + index * 17)


def user_objects(pop: Population) -> dict[int, orjson.Fragment]:
    """Each identified account's ``author`` object, serialised once."""
    created = np.datetime_as_string(pop.created.astype("datetime64[s]"), unit="ms")
    out = {}
    fol, fing, tw, li = (x.tolist() for x in (pop.followers, pop.following, pop.tweets, pop.listed))
    ver = pop.verified.tolist()
    for i, name in pop.usernames.items():
        obj = {
            "id": user_id(i),
            "username": name,
            "name": pop.names[i],
            "created_at": f"{created[i]}Z",
            "description": pop.bios[i],
            "verified": ver[i],
            "protected": False,
            "public_metrics": {
                "followers_count": fol[i],
                "following_count": fing[i],
                "tweet_count": tw[i],
                "listed_count": li[i],
            },
        }
        out[i] = orjson.Fragment(orjson.dumps(obj))
    return out


def write_jsonl(
    stream: Stream,
    pools: TextPools,
    out: IO[bytes],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write every post of ``stream`` to ``out``; returns the number of lines."""
    return _Writer(stream, pools).write(out, progress)


class _Null:
    def write(self, data: bytes) -> int:
        return len(data)


def post_texts(stream: Stream, pools: TextPools) -> tuple[list[str], dict[int, int]]:
    """The text of every post of ``stream`` as :func:`write_jsonl` writes it, and the
    grammar skeleton behind each post the hijack grammar wrote (post index: skeleton)."""
    w = _Writer(stream, pools, keep_texts=True)
    w.write(_Null(), None)  # type: ignore[arg-type]
    return w.texts, w.skeletons


#: How the classes of the labelled pools map onto the brand mentions' classes.
_BRAND_CLASS = {
    "hostile": "negative",
    "ironic": "negative",
    "negative": "negative",
    "neutral": "neutral",
    "positive": "positive",
    "questions": "questions",
}


class _Writer:
    def __init__(self, stream: Stream, pools: TextPools, *, keep_texts: bool = False) -> None:
        self.s = stream
        self.pools = pools
        self.keep_texts = keep_texts
        self.texts: list[str] = []
        self.skeletons: dict[int, int] = {}
        pop = stream.population
        self.rng = random.Random(stream.seed * 1_000_003 + 17)
        self.users = user_objects(pop)
        self.usernames = pop.usernames
        self.user_index = {u.lower(): i for i, u in pop.usernames.items()}
        self.uids = {i: user_id(i) for i in pop.usernames}
        lo, hi, _ = pop.pools["fans"]
        known = (
            [u for i, u in pop.usernames.items() if lo <= i < hi]
            or [u for i, u in pop.usernames.items() if i >= len(pop.roles)]
            or ["someone"]
        )
        sc = stream.scenario
        c = sc.campaign
        self.weaver = Weaver(
            hashtags=c.hashtags,
            handle=c.owner,
            keywords=c.keywords,
            rng=self.rng,
            handles=lambda: known[self.rng.randrange(len(known))],
        )
        src = pop.source.tolist()
        self.sources = {
            i: SOURCES[src[i]] if src[i] >= 0 else (BRAND_SOURCE if i == 0 else BOT_SOURCES[i % 3])
            for i in pop.usernames
        }
        self.cache: dict[int, tuple[str, list[dict[str, Any]]]] = {}
        self.owner = c.owner.lower()
        self.name = sc.voice.brand or c.owner_name
        self.from_brand = self.headline = False
        self.brand: dict[str, list[str]] = {}
        self.brand_next: dict[str, int] = {}
        if pools.brand is not None and any(pools.brand.sizes().values()):
            self.brand = Retarget(pools.brand, sc.voice, handle=c.owner, seed=stream.seed).texts
            for texts in self.brand.values():
                self.rng.shuffle(texts)
        self.grammar: Grammar | None = None
        if sc.voice.grievances:
            self.grammar = Grammar(
                sc.voice,
                handle=c.owner,
                keywords=c.keywords,
                rng=self.rng,
                sarcastic=pools.sarcastic,
                offensive=pools.offensive,
            )
        self.templates: dict[int, list[str]] = {}
        for w_i, w in enumerate(sc.waves):
            if w.templates:
                cls = int(np.argmax(w.mix.probs()))
                source = [
                    t
                    for t in self.brand.get(_BRAND_CLASS[CLASSES[cls]], [])
                    if self.owner in t.lower() or self.name in t
                ] or pools.texts[cls]
                self.templates[w_i] = [self.rng.choice(source) for _ in range(w.templates)]
        self.roles = pop.roles
        self.attack = stream.attack.tolist()

    def write(self, out: IO[bytes], progress: Callable[[int], None] | None) -> int:
        s = self.s
        n = len(s)
        created = np.datetime_as_string(
            (s.scenario.start.timestamp() * 1000 + np.floor(s.t * 1000)).astype("datetime64[ms]"),
            unit="ms",
        )
        ids = [str(x) for x in s.ids.tolist()]
        cols = [
            x.tolist()
            for x in (
                s.author,
                s.kind,
                s.target,
                s.conv,
                s.cls,
                s.question,
                s.wave,
                s.script,
                s.origin,
                s.link,
                s.retweets,
                s.replies,
                s.quotes,
                s.likes,
            )
        ]
        keep = (s.retweets > 0).tolist()
        batch: list[bytes] = []
        dumps, opt = orjson.dumps, orjson.OPT_APPEND_NEWLINE
        uids = self.uids
        authors = cols[0]
        for i, (
            a,
            kind,
            tgt,
            conv,
            cls,
            q,
            wave,
            script,
            origin,
            link,
            rt,
            rp,
            qt,
            lk,
        ) in enumerate(zip(*cols, strict=True)):
            urls: list[dict[str, Any]] = []
            mentions: list[dict[str, Any]] | None = None
            if kind == REPOST:
                text, mentions, urls = self._retweet(tgt, authors[tgt])
            else:
                text = self._body(
                    i, a, kind, tgt, conv, cls, q, wave, script, origin, link, urls, cols[0], ids
                )
            tweet: dict[str, Any] = {
                "id": ids[i],
                "text": text,
                "created_at": created[i] + "Z",
                "author_id": uids[a],
                "conversation_id": ids[conv],
                "lang": "en",
                "possibly_sensitive": False,
                "source": self.sources[a],
                "public_metrics": {
                    "retweet_count": rt,
                    "reply_count": rp,
                    "like_count": lk,
                    "quote_count": qt,
                    "impression_count": 0,
                },
            }
            ents: dict[str, Any] = {}
            tags = [
                {"start": m.start(), "end": m.end(), "tag": m.group(1)}
                for m in HASHTAG.finditer(text)
            ]
            if tags:
                ents["hashtags"] = tags
            if mentions is None:
                mentions = self._mentions(text)
            if mentions:
                ents["mentions"] = mentions
            if urls:
                ents["urls"] = urls
            if ents:
                tweet["entities"] = ents
            if kind:
                tweet["referenced_tweets"] = [{"type": _REF[kind], "id": ids[tgt]}]
                if kind == REPLY:
                    tweet["in_reply_to_user_id"] = uids[authors[tgt]]
            tweet["author"] = self.users[a]
            tweet["__twarc"] = {
                "url": _TWARC_URL,
                "version": TWARC_VERSION,
                "retrieved_at": created[i][:19] + "+00:00",
            }
            if keep[i]:
                self.cache[i] = (text, [*mentions, *urls])
            if self.keep_texts:
                self.texts.append(text)
            batch.append(dumps(tweet, option=opt))
            if len(batch) >= _BATCH:
                out.write(b"".join(batch))
                batch.clear()
                if progress:
                    progress(_BATCH)
        if batch:
            out.write(b"".join(batch))
            if progress:
                progress(len(batch))
        return n

    def _mentions(self, text: str) -> list[dict[str, Any]]:
        out = []
        for m in MENTION.finditer(text):
            name = m.group(1)
            idx = self.user_index.get(name.lower())
            out.append(
                {
                    "start": m.start(),
                    "end": m.end(),
                    "username": name,
                    "id": self.uids[idx] if idx is not None else stable_id(name),
                }
            )
        return out

    def _retweet(
        self, tgt: int, tgt_author: int
    ) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
        body, others = self.cache[tgt]
        user = self.usernames[tgt_author]
        prefix = f"RT @{user}: "
        text = prefix + body
        limit = len(text)
        if len(text) > 140:
            text, limit = text[:139] + "…", 139
        mentions: list[dict[str, Any]] = [
            {"start": 3, "end": 4 + len(user), "username": user, "id": self.uids[tgt_author]}
        ]
        urls: list[dict[str, Any]] = []
        shift = len(prefix)
        for e in others:
            if e["end"] + shift <= limit:
                moved = dict(e, start=e["start"] + shift, end=e["end"] + shift)
                (urls if "url" in e else mentions).append(moved)
        return text, mentions, urls

    def _body(
        self,
        i: int,
        a: int,
        kind: int,
        tgt: int,
        conv: int,
        cls: int,
        q: bool,
        wave: int,
        script: int,
        origin: int,
        link: int,
        urls: list[dict[str, Any]],
        authors: list[int],
        ids: list[str],
    ) -> str:
        r = self.rng
        s = self.s
        if origin == FROM_SCRIPT and script >= 0:
            return self._with_urls(s.texts[script], urls)
        prefix = ""
        if kind == REPLY:
            prefix = f"@{self.usernames[authors[tgt]]} "
            root = authors[conv]
            if root != authors[tgt] and r.random() < 0.5:
                prefix += f"@{self.usernames[root]} "
        if origin == FROM_BRAND_REPLY and script >= 0:
            return prefix + s.texts[script]
        w = s.scenario.waves[wave] if wave >= 0 else None
        templates = self.templates.get(wave)
        if templates and s.population.bot[a]:
            body = _variant(r, r.choice(templates), self.weaver.tag(w.hashtags if w else ()))
        else:
            body = self._say(i, a, cls, q, origin, w, kind)
            hashtag = r.random() < (w.hashtag_share if w else 0.8)
            to_brand = kind == REPLY and authors[tgt] == 0
            handle = not to_brand and r.random() < (w.handle_share if w else 0.25)
            named = self.owner in body.lower()
            unnamed = self.from_brand and not named and self.name not in body
            handle = (handle or (unnamed and not to_brand)) and not named
            keyword = r.random() < (w.keyword_share if w else 0.0) and self.name not in body
            if self.headline:  # a news post about a hashtag's fiasco cites the hashtag
                hashtag, keyword = True, False
            if not (hashtag or handle or keyword) and kind == 0:
                hashtag = True
            body = self.weaver.weave(
                body,
                hashtag=hashtag,
                handle=handle,
                keyword=keyword,
                hashtags=w.hashtags if w else (),
            )
        text = prefix + body
        if link >= 0:
            text = self._add_url(text, s.links[link], urls)
        if kind == QUOTE:
            quoted = f"https://twitter.com/{self.usernames[authors[tgt]]}/status/{ids[tgt]}"
            text = self._add_url(text, quoted, urls)
        return text

    def _say(
        self, i: int, a: int, cls: int, q: bool, origin: int, w: Wave | None, kind: int
    ) -> str:
        """What post ``i`` by account ``a`` says (before the campaign is woven in)."""
        role = self.roles[a] if a < len(self.roles) else ""
        g = self.grammar
        self.from_brand = self.headline = False
        source = w.text_from if w is not None else ""
        grievances = w.grievances if w is not None else ()
        if source == "labelled":
            return self._pick(cls, q)
        if g is not None and role in ("press", "outlet") and origin == FROM_ENTRANT:
            text, k = g.write("neutral", "headline", grievances)
            self.skeletons[i] = k
            self.headline = True
            return text
        if g is not None and (source == "grievances" or (self.attack[i] and source != "brand")):
            form = ""
            if role in ("journalist", "outlet") and self.rng.random() < 0.7:
                form = "storm"
            elif role == "parody":
                form = "meme" if self.rng.random() < 0.5 else "sarcasm"
            text, k = g.write(CLASSES[cls], form, grievances, "reply" if kind else "")
            self.skeletons[i] = k
            return text
        if self.brand:
            key = "questions" if q else _BRAND_CLASS[CLASSES[cls]]
            texts = self.brand.get(key) or self.brand["neutral"]
            n = self.brand_next.get(key, 0)
            self.brand_next[key] = n + 1
            self.from_brand = True
            return _touch(self.rng, texts[n % len(texts)], key, n // len(texts))
        return self._pick(cls, q)

    def _pick(self, cls: int, q: bool) -> str:
        r = self.rng
        pool = self.pools.texts[cls]
        qs = self.pools.questions[cls]
        if q and qs:
            return pool[qs[r.randrange(len(qs))]]
        return pool[r.randrange(len(pool))]

    def _add_url(self, text: str, expanded: str, urls: list[dict[str, Any]]) -> str:
        short = tco(self.rng)
        text = text[: 280 - len(short) - 1]
        start = len(text) + 1
        urls.append(_url_entity(start, short, expanded))
        return f"{text} {short}"

    def _with_urls(self, text: str, urls: list[dict[str, Any]]) -> str:
        out, pos = [], 0
        for m in URL_PATTERN.finditer(text):
            short = tco(self.rng)
            out.append(text[pos : m.start()])
            start = sum(len(x) for x in out)
            urls.append(_url_entity(start, short, m.group(0)))
            out.append(short)
            pos = m.end()
        out.append(text[pos:])
        return "".join(out)


def _url_entity(start: int, short: str, expanded: str) -> dict[str, Any]:
    return {
        "start": start,
        "end": start + len(short),
        "url": short,
        "expanded_url": expanded,
        "display_url": display_url(expanded),
    }


_EMOJI = {
    "negative": ("😡", "🙄", "😤", "😒", "👎"),
    "positive": ("😊", "🙏", "👍", "❤️", "🙌"),
    "neutral": ("👀", "🤔", "", "", ""),
    "questions": ("🤔", "🙏", "", "", ""),
}


def _touch(r: random.Random, text: str, cls: str, round_: int) -> str:
    """A real mention as a second person might type it: the first time through the
    mentions mostly as written, later rounds with the case, the end or an emoji varied,
    and retyped (:func:`_retype`) so that no two rounds post the same words."""
    x = r.random() * (1.0 if round_ else 3.0)
    if x < 0.15:
        out = text.lower()
    elif x < 0.3 and text[-1:] in ".!":
        out = text.rstrip(".!")
    elif x < 0.5:
        emoji = r.choice(_EMOJI.get(cls, ("",)))
        out = f"{text} {emoji}" if emoji else f"{text}!"
    elif x < 0.6:
        out = f"{r.choice(('Honestly,', 'Ok so', 'Well,', 'Hmm.', 'So'))} {text[:1].lower()}{text[1:]}"
    else:
        out = text
    return _retype(out, cls, round_) if round_ else out


#: How people shorten words when they type fast (a word, and its short form).
_SHORT = tuple(
    (re.compile(rf"\b{a}\b", re.IGNORECASE), b)
    for a, b in (("you", "u"), ("please", "pls"), ("thanks", "thx"), ("and", "&"),
                 ("are", "r"), ("because", "bc"), ("really", "rly"), ("people", "ppl"),
                 ("tonight", "tonite"), ("though", "tho"), ("with", "w/"), ("your", "ur"))
)  # fmt: skip
_OPENERS = {
    "negative": ("Ugh,", "Seriously,", "Not again.", "Come on,", "Wow.", "Unreal."),
    "positive": ("Aww,", "Yay!", "Honestly,", "Just saying,", "Big thanks:", "Wow,"),
    "neutral": ("Ok so", "Hey,", "Fyi", "Btw", "Update:", "Hmm,"),
    "questions": ("Quick q:", "Hey,", "Question:", "Um,", "Anyone know?", "Hi,"),
}
#: Endings that keep the mention's tone.
_ENDINGS = {
    "negative": ("!!", "...", " smh", " 😤", " ugh", " 👎"),
    "positive": ("!!", " :)", " <3", " 🙌", " 😊", " xx"),
    "neutral": ("...", " 👀", " fyi", " :)", " 🤔", "!"),
    "questions": ("??", " 🤔", " thx", " thanks!", " pls", "?"),
}


def _retype(text: str, cls: str, round_: int) -> str:
    """``text`` as typed again by someone else: short forms, an opener, another ending.

    The edit is drawn from the text and the round alone (no shared random state), so
    the stream's other draws are the same as without it; each round gets its own.

    >>> a = _retype("Thank you and your team, see you tonight.", "positive", 1)
    >>> a != "Thank you and your team, see you tonight."
    True
    >>> a == _retype("Thank you and your team, see you tonight.", "positive", 1)
    True
    """
    seed = hashlib.blake2b(f"{round_}\0{text}".encode(), digest_size=8).digest()
    r = random.Random(int.from_bytes(seed, "big"))
    endings = _ENDINGS.get(cls, _ENDINGS["neutral"])
    out = text
    for _ in range(4):  # until the words changed (a few tries; an edit usually does)
        if r.random() < 0.5:
            for pat, short in r.sample(_SHORT, 3):
                out = pat.sub(short, out, count=1)
        if r.random() < 0.4:
            opener = r.choice(_OPENERS.get(cls, _OPENERS["neutral"]))
            out = f"{opener} {out[:1].lower()}{out[1:]}"
        if r.random() < 0.5:
            out = out.rstrip(".!? ") + r.choice(endings)
        if out != text:
            return out
    return text.rstrip(".!? ") + endings[round_ % len(endings)]


def _variant(r: random.Random, text: str, tag: str) -> str:
    """A near-identical copy of a bot's template text."""
    x = r.random()
    if x < 0.25:
        text = f"{text} {tag}"
    elif x < 0.45:
        text = f"{tag} {text}"
    elif x < 0.6:
        text = f"{text} {tag} {r.choice(('!!', '🔥', '👉', '✅', '💯'))}"
    elif x < 0.75:
        text = f"{text} {tag} {r.randrange(10, 999)}"
    elif x < 0.9:
        text = f"{r.choice(('Check this:', 'Wow', 'Must see', 'LOOK'))} {text} {tag}"
    else:
        text = f"{text.upper()} {tag}"
    return text
