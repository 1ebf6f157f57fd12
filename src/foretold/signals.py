"""Per-window campaign signals: what is said, who says it, what spreads.

Each post of a campaign is turned once into a few numbers added to the open minute
of the campaign's :class:`~foretold.windows.SlidingWindows` (see :data:`FIELDS`);
:meth:`CampaignSignals.read` turns a window's sums into :class:`WindowSignals`.

Shares and hostility are taken over the posts *addressed* to the campaign, in their
authors' own words (originals, replies, quotes: a repost repeats a text, it is not
more evidence about what people say; one misread post reposted a thousand times
must not look like a thousand hostile voices). Reposts count in volume, reach and
the cascade; reposts of the brand's own posts are never hostile. *Addressed* posts
carry the campaign's hashtag or mention, reply to, quote or repost its handles; the
brand's own posts are left out. A keyword-only match ("Amazon" in news about the rainforest) counts in volume
and in ``keyword_only_share``, not in hostility. A post without labels counts in
volume; the shares that need labels are None when no post in the window has them.

A post is *hostile* when it is offensive or hateful, or angry and negative, or an
angry question: sad, grieving posts about an event are negative but not an attack,
and playful irony is *mockery* (counted apart), not hostility; a hostile question is
a question that is hostile. Its *hostility* is a score in [0, 1] from the label scores (see
:func:`hostility`): the detectors use it, the sentences use the hostile share.
Reach is weighted by the square root of followers, as a cascade's offspring grow
(CASES.md), so one account with millions of followers does not drown a window.

>>> from datetime import datetime, timezone
>>> from foretold.campaigns import Campaign
>>> from foretold.post import Author, Post
>>> jpm = Campaign.from_track(["#AskJPM", "@jpmorgan"])
>>> sig = CampaignSignals(jpm)
>>> def post(i, minute, flags, followers=400):
...     return Post(platform="x", id=str(i), text="?", hashtags=("askjpm",),
...                 author=Author(id=str(i), handle=f"u{i}", followers=followers),
...                 created_at=datetime(2013, 11, 13, 21, minute, tzinfo=timezone.utc))
>>> neg = {"sentiment": "negative", "emotion": "anger", "flags": ["question"]}
>>> ok = {"sentiment": "neutral", "emotion": "joy", "flags": ["question"]}
>>> for i, labels in enumerate([neg, neg, ok, None]):
...     sig.observe(post(i, 4, labels), labels)
>>> sig.windows.advance(sig.step_of(post(9, 5, None)))
>>> s = sig.read(15)
>>> s.posts, s.labelled, s.hostile_share, s.hostile_question_share, s.newcomer_share
(4, 3, 0.6667, 0.6667, 1.0)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import orjson

from foretold.campaigns import Campaign
from foretold.post import Post, Ref
from foretold.windows import SlidingWindows

#: The sums each minute keeps, in order.
FIELDS: tuple[str, ...] = (
    "posts",  # every post of the campaign but the brand's own
    "addressed",  # carries the hashtag or addresses a handle
    "keyword_only",
    "brand",  # the owner's own posts
    "labelled",  # addressed posts with labels
    "negative",
    "ironic",
    "offensive",
    "angry",
    "hostile",
    "questions",
    "hostile_questions",
    "reach",  # sum of sqrt(followers) over labelled addressed posts
    "hostile_reach",
    "newcomers",  # posts by authors new to the campaign
    "responses",  # reposts, replies, quotes
    "foreign_links",  # posts with a link that is not the brand's and not news
    "news",  # posts by news accounts, or linking a news site from a big or verified account
    "meta",  # posts saying the campaign itself is the story
    "amplifiers",  # entries of accounts far bigger than the campaign's usual reach
    "hostile_amplifiers",
    "hostile_keyword_only",
    "hostility",  # sum of hostility scores over labelled addressed posts
    "hostility_sq",  # and of their squares
    "mocking",  # ironic, not angry, not offensive
    "hostile_impressions",  # followers of the hostile posts' authors, reposters included
    "hostile_reposts",  # reposts of hostile posts (not of the brand's own)
    "repeats",  # labelled posts by an author counted less than ``repeat_minutes`` before
    "hostile_repeats",  # and of them, the hostile ones
    "hostile_ironic",  # hostile labelled posts also flagged ironic: angry mockery
)
_F = {name: i for i, name in enumerate(FIELDS)}
(POSTS, ADDRESSED, KEYWORD_ONLY, BRAND, LABELLED, NEGATIVE, IRONIC, OFFENSIVE, ANGRY, HOSTILE,
 QUESTIONS, HOSTILE_Q, REACH, HOSTILE_REACH, NEWCOMERS, RESPONSES, FOREIGN, NEWS, META, AMPLIFIERS,
 HOSTILE_AMPLIFIERS, HOSTILE_KW, HOSTILITY, HOSTILITY_SQ, MOCKING,
 HOSTILE_IMPRESSIONS, HOSTILE_REPOSTS, REPEATS, HOSTILE_REPEATS, HOSTILE_IRONIC,
 ) = range(len(FIELDS))  # fmt: skip

_META = re.compile(
    r"\b(?:hashtag\w*|backfir\w*|pr (?:disaster|fail\w*|stunt|nightmare|team)|epic fail"
    r"|social media (?:team|manager|intern|disaster|fail\w*)|hijack\w*|trending|regretting"
    r"|bad idea|#fail)\b",
    re.IGNORECASE,
)
_GROUP = re.compile(
    r"\b(?:occupy\w*|activis\w*|campaign\w*|coalition|movement|alliance|collective|union"
    r"|action|organi[sz]\w*|network|resist\w*|advocacy|rights)\b",
    re.IGNORECASE,
)
_NEWSROOM = re.compile(
    r"\b(?:news\w*|daily|wire|times|journal|herald|tribune|gazette|press|media|reporter"
    r"|journalist|correspondent|editor|columnist|newsroom|desk)\b",
    re.IGNORECASE,
)


@cache
def news_domains() -> frozenset[str]:
    """News sites (press pickup), from ``detect/news_domains.txt``, loaded once."""
    text = resources.files("foretold.detect").joinpath("news_domains.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def is_news_domain(domain: str, sites: frozenset[str]) -> bool:
    """``edition.cnn.com`` is news when ``cnn.com`` is listed.

    >>> is_news_domain("edition.cnn.com", frozenset({"cnn.com"}))
    True
    """
    d = domain.lower()
    while d:
        if d in sites:
            return True
        _, _, d = d.partition(".")
    return False


def is_hostile(labels: dict[str, Any]) -> bool:
    """Offensive or hateful, or angry and negative, or an angry question at the brand.

    Negative alone is not hostile: grief and sadness about an event are negative, not
    an attack. Irony alone is mockery (:func:`is_mocking`), not hostility; the fast
    classifier flags irony on most posts, benign ones included, so irony counts in the
    :func:`hostility` score but never makes a post hostile by itself.

    >>> is_hostile({"sentiment": "neutral", "emotion": "anger", "flags": ["question"]})
    True
    >>> is_hostile({"sentiment": "negative", "emotion": "sadness", "flags": []})
    False
    >>> is_hostile({"sentiment": "positive", "emotion": "joy", "flags": ["ironic"]})
    False
    """
    flags = labels.get("flags") or ()
    if "offensive" in flags or "hateful" in flags:
        return True
    return labels.get("emotion") == "anger" and (
        labels.get("sentiment") == "negative" or "question" in flags
    )


def is_mocking(labels: dict[str, Any]) -> bool:
    """Ironic, but neither angry nor offensive: mockery (#WaitroseReasons), not an attack.

    >>> is_mocking({"sentiment": "negative", "emotion": "joy", "flags": ["ironic"]})
    True
    >>> is_mocking({"sentiment": "negative", "emotion": "anger", "flags": ["ironic"]})
    False
    """
    flags = labels.get("flags") or ()
    return (
        "ironic" in flags
        and labels.get("emotion") != "anger"
        and "offensive" not in flags
        and "hateful" not in flags
    )


#: Weights of the label scores in :func:`hostility`: anger, offence and angry questions
#: at the brand push up; negative and irony half as much; sadness (grief), optimism,
#: joy and praise pull down.
_UP: dict[str, float] = {"anger": 1.0, "offensive": 1.0, "negative": 0.5, "irony": 0.5}
_DOWN: dict[str, float] = {"sadness": 1.5, "optimism": 1.0, "joy": 0.5, "positive": 0.5}
_QUESTION = 1.0  # times the anger score, for a post flagged as a question
_LOW = sum(_DOWN.values())
_SPAN = sum(_UP.values()) + _QUESTION + _LOW


def hostility(labels: dict[str, Any]) -> float:
    """A score in [0, 1]: anger, offence, negativity and irony, and anger in a question
    aimed at the brand, against sadness, optimism, joy and praise (label scores, see
    :data:`_UP`, :data:`_DOWN`). Sad posts about an event score low: grief is not an
    attack. 0.5 without scores.

    >>> hostility({"scores": {"negative": 0.8, "irony": 0.7, "offensive": 0.3, "anger": 0.7,
    ...            "positive": 0.05, "joy": 0.02, "optimism": 0.05}, "flags": ["question"]})
    0.782
    >>> hostility({"scores": {"negative": 0.8, "sadness": 0.8, "anger": 0.1}, "flags": []})
    0.3733
    """
    s = labels.get("scores")
    if not s:
        return 0.5
    up = sum(w * float(s.get(k, 0.0)) for k, w in _UP.items())
    down = sum(w * float(s.get(k, 0.0)) for k, w in _DOWN.items())
    if "question" in (labels.get("flags") or ()):
        up += _QUESTION * float(s.get("anger", 0.0))
    return round(min(max((up - down + _LOW) / _SPAN, 0.0), 1.0), 4)


@dataclass(frozen=True, slots=True)
class Note:
    """A post worth naming as evidence: hostile, an amplifier, or carrying a link."""

    kind: str  # "hostile" | "amplifier" | "link" | "news"
    post_id: str
    handle: str
    followers: int
    url: str = ""
    created_us: int = 0
    image_text: str = ""  # what the post's pictures say (labels' image_text), docs/media.md


@dataclass(frozen=True, slots=True)
class WindowSignals:
    """One window's signals for one campaign; shares are None when nothing was labelled."""

    window_seconds: int
    end_us: int
    posts: int
    addressed: int
    rate_per_min: float
    keyword_only_share: float | None
    labelled: int
    hostile: int
    negative_share: float | None
    ironic_share: float | None
    offensive_share: float | None
    anger_share: float | None
    mocking_share: float | None
    hostile_share: float | None
    questions: int
    hostile_question_share: float | None
    reach_hostility: float | None
    newcomer_share: float | None
    branching: float | None
    foreign_links: int
    news: int
    meta_share: float | None
    amplifiers: int
    hostile_amplifiers: int
    hostility: float | None

    def to_json(self, extra: dict[str, Any] | None = None) -> bytes:
        """Compact JSON with sorted keys (stable bytes for the store)."""
        if not extra:
            return orjson.dumps(self, option=orjson.OPT_SORT_KEYS)
        d = {name: getattr(self, name) for name in self.__slots__}
        d.update(extra)
        return orjson.dumps(d, option=orjson.OPT_SORT_KEYS)


def _share(num: float, den: float) -> float | None:
    return round(num / den, 4) if den > 0 else None


class CampaignSignals:
    """The windows of one campaign and the per-post bookkeeping that fills them.

    ``amplifier_min`` followers and ``amplifier_factor`` times the campaign's usual
    author reach (a running geometric mean) make an author's first post an
    amplifier entry; so does a news account or an organised group's first post.
    """

    def __init__(
        self,
        campaign: Campaign,
        step_seconds: int = 60,
        lengths: tuple[int, ...] = (1, 5, 15, 60),
        amplifier_min: int = 20_000,
        amplifier_factor: float = 30.0,
        notes_per_step: int = 40,
        repeat_minutes: int = 15,
    ) -> None:
        self.campaign = campaign
        self.step_seconds = step_seconds
        self.amplifier_min = amplifier_min
        self.amplifier_factor = amplifier_factor
        self.notes_per_step = notes_per_step
        self.windows = SlidingWindows(len(FIELDS), step_seconds, lengths)
        self._step_us = step_seconds * 1_000_000
        self._owner = campaign.owner.lstrip("@").lower()
        self._tags = frozenset(campaign.hashtags)
        self._handles = frozenset(campaign.handles) | ({self._owner} if self._owner else set())
        self._authors: set[str] = set()
        # each author's labelled posts count once per ``repeat_minutes`` as a voice: the
        # step of the author's last counted post, and the later ones' ids (for relabel)
        self.repeat_steps = max(1, repeat_minutes * 60 // step_seconds)
        self._voiced: dict[str, int] = {}
        self._repeat_posts: dict[str, int] = {}
        # sizes that trigger a prune of each (doubled when a prune leaves it still full)
        self._voiced_cap, self._repeat_cap = 100_000, 20_000
        self._brand_domains: set[str] = set()
        self._log_reach = 0.0  # running mean of log10(1 + followers) over new authors
        self._reach_n = 0.0
        self._news = news_domains()
        self.last_us = 0  # stream time of the newest post seen

    def step_of(self, post: Post) -> int:
        """The step index a post falls in."""
        return _us(post) // self._step_us

    def addressed(self, post: Post) -> bool:
        """Whether the post carries the campaign's hashtag or addresses one of its handles."""
        if self._tags and not self._tags.isdisjoint(post.hashtags):
            return True
        h = self._handles
        if not h:
            return False
        if not h.isdisjoint(post.mentions):
            return True
        for ref in (post.reply_to, post.quote_of, post.repost_of):
            if ref is not None and ref.author_handle.lower() in h:
                return True
        return False

    def observe(self, post: Post, labels: dict[str, Any] | None) -> None:
        """Add one campaign post (in stream order) to its minute."""
        if labels is not None and "unsupported" in (labels.get("flags") or ()):
            labels = None  # a language no tier reads: counted in volume, never guessed
        t = _us(post)
        if t > self.last_us:
            self.last_us = t
        b = self.windows.bucket(t // self._step_us)
        s = b.sums
        handle = post.author.handle.lower()
        if self._owner and handle == self._owner:
            s[BRAND] += 1
            self._brand_domains.update(post.domains)
            return
        s[POSTS] += 1
        addressed = self.addressed(post)
        followers = post.author.followers or 0
        new = post.author.id not in self._authors
        if new:
            self._authors.add(post.author.id)
            s[NEWCOMERS] += 1
        if post.kind != "original":
            s[RESPONSES] += 1
        own = post.kind != "repost"  # the author's own words
        echo = not own and post.repost_of is not None and self._is_owner(post.repost_of)
        hostile = labels is not None and not echo and is_hostile(labels)
        repeat = labels is not None and own and addressed and self._repeat(post, t)
        for i, x in self._labelled(post, labels, addressed, own, echo, hostile, followers, repeat):
            s[i] += x
        if not addressed:
            s[KEYWORD_ONLY] += 1
            return
        s[ADDRESSED] += 1
        notes = b.notes
        if hostile and own:  # own words, hostile: evidence
            self._note_hostile(notes, post, labels, followers, t)
        news_link = False
        if post.domains and own:
            news_link = self._links(post, s, notes, followers, t)
        if own and (
            (news_link and (post.author.verified or followers >= 50_000))
            or (followers >= 10_000 and _NEWSROOM.search(_who(post)) is not None)
        ):
            s[NEWS] += 1
        if _META.search(post.text) is not None:
            s[META] += 1
        if new:
            self._entry(post, s, notes, followers, hostile, t)

    def relabel(
        self, post: Post, before: dict[str, Any] | None, after: dict[str, Any] | None
    ) -> None:
        """A post :meth:`observe` counted earlier is labelled again (its picture read
        late, in a watch): its labelled counts (:meth:`label_part`) are taken back from
        its minute while that minute is inside the windows, and counted in the open
        minute, as a late post counts, with a hostile note when the new labels are
        hostile. Its volume stays where it was: the post is counted once. A big
        account's first post (an amplifier entry noted in its minute) becomes a hostile
        amplifier, or stops being one, with its labels.

        >>> from datetime import datetime, timezone
        >>> from foretold.campaigns import Campaign
        >>> from foretold.post import Author, Post
        >>> sig = CampaignSignals(Campaign.from_track(["#myNYPD"]))
        >>> meme = Post(platform="x", id="1", text="my #myNYPD photo", hashtags=("mynypd",),
        ...             author=Author(id="7", handle="amy"),
        ...             created_at=datetime(2014, 4, 22, 18, 30, tzinfo=timezone.utc))
        >>> calm = {"sentiment": "neutral", "emotion": "joy", "flags": []}
        >>> angry = {"sentiment": "negative", "emotion": "anger", "flags": []}
        >>> sig.observe(meme, calm)
        >>> sig.relabel(meme, calm, angry)
        >>> sig.windows.advance(sig.step_of(meme) + 1)
        >>> w = sig.read(15)
        >>> w.posts, w.labelled, w.hostile, [n.kind for n in sig.notes(15)]
        (1, 1, 1, ['hostile'])
        """
        if self._owner and post.author.handle.lower() == self._owner:
            return  # the brand's own posts are never labelled in the counts
        step = self.step_of(post)
        old = self.label_part(post, before)
        new = self.label_part(post, after)
        mine = self.windows.at(step)
        if mine is not None and any(
            n.kind == "amplifier" and n.post_id == post.id for n in mine.notes
        ):
            followers = post.author.followers or 0
            if not (followers >= 1000 and _GROUP.search(_who(post)) is not None):
                # an entry's hostility follows its labels (a group's counts either way)
                for part in (old, new):
                    if any(i == HOSTILE_REACH for i, _ in part):  # hostile, not an echo
                        part.append((HOSTILE_AMPLIFIERS, 1.0))
        if old:
            self.windows.retract(step, old)
        if not new:
            return
        b = self.windows.bucket(step)  # the open minute (the post's own, if still open)
        s = b.sums
        for i, x in new:
            s[i] += x
        if any(i == HOSTILE for i, _ in new):  # own words, hostile: evidence
            self._note_hostile(b.notes, post, after, post.author.followers or 0, _us(post))

    def label_part(self, post: Post, labels: dict[str, Any] | None) -> list[tuple[int, float]]:
        """What ``labels`` add to a minute's sums for ``post`` in :meth:`observe`, as
        ``(field, amount)``: the part of a post's counts that its labels make (its
        volume, reach of the unlabelled and entries are not in it)."""
        if labels is None or "unsupported" in (labels.get("flags") or ()):
            return []
        own = post.kind != "repost"
        echo = not own and post.repost_of is not None and self._is_owner(post.repost_of)
        hostile = not echo and is_hostile(labels)
        followers = post.author.followers or 0
        repeat = post.id in self._repeat_posts
        return self._labelled(
            post, labels, self.addressed(post), own, echo, hostile, followers, repeat
        )

    def _repeat(self, post: Post, t: int) -> bool:
        """Whether the author's labelled post at ``t`` repeats one counted less than
        ``repeat_minutes`` before (and note it either way): one voice per 15 minutes each
        by default, so an angry customer's thread of ten posts is one voice, not ten. A
        post whose author is unknown (a CSV without an author column) is a voice of its
        own."""
        if not post.author.id:
            return False
        step = t // self._step_us
        last = self._voiced.get(post.author.id)
        if last is not None and 0 <= step - last < self.repeat_steps:
            self._repeat_posts[post.id] = step
            if len(self._repeat_posts) > self._repeat_cap:
                # relabel reaches back the longest window: keep what it may still take back
                span = max(self.windows.lengths)
                self._repeat_posts = {
                    k: v for k, v in self._repeat_posts.items() if step - v <= span
                }
                self._repeat_cap = max(20_000, 2 * len(self._repeat_posts))
            return True
        self._voiced[post.author.id] = step
        if len(self._voiced) > self._voiced_cap:
            self._voiced = {k: v for k, v in self._voiced.items() if step - v < self.repeat_steps}
            self._voiced_cap = max(100_000, 2 * len(self._voiced))
        return False

    @staticmethod
    def _labelled(
        post: Post,
        labels: dict[str, Any] | None,
        addressed: bool,
        own: bool,
        echo: bool,
        hostile: bool,
        followers: int,
        repeat: bool = False,
    ) -> list[tuple[int, float]]:
        """The labelled part of one post's counts (:meth:`label_part`), from what
        :meth:`observe` already knows about it; the one place those counts are made."""
        if labels is None:
            return []
        if not addressed:
            return [(HOSTILE_KW, 1.0)] if hostile else []
        out: list[tuple[int, float]] = []
        if not echo:
            w = math.sqrt(followers)
            out.append((REACH, w))
            if hostile:
                out += [(HOSTILE_REACH, w), (HOSTILE_IMPRESSIONS, float(followers))]
                if not own:
                    out.append((HOSTILE_REPOSTS, 1.0))
        if own:
            h = hostility(labels)
            out += [(LABELLED, 1.0), (HOSTILITY, h), (HOSTILITY_SQ, h * h)]
            if repeat:
                out += [(REPEATS, 1.0), (HOSTILE_REPEATS, 1.0)] if hostile else [(REPEATS, 1.0)]
            flags = labels.get("flags") or ()
            question = "question" in flags
            for field, on in (
                (QUESTIONS, question),
                (NEGATIVE, labels.get("sentiment") == "negative"),
                (IRONIC, "ironic" in flags),
                (OFFENSIVE, "offensive" in flags or "hateful" in flags),
                (ANGRY, labels.get("emotion") == "anger"),
                (MOCKING, is_mocking(labels)),
                (HOSTILE, hostile),
                (HOSTILE_Q, hostile and question),
                (HOSTILE_IRONIC, hostile and "ironic" in flags),
            ):
                if on:
                    out.append((field, 1.0))
        return out

    def _note_hostile(
        self,
        notes: list[Note],
        post: Post,
        labels: dict[str, Any] | None,
        followers: int,
        t: int,
    ) -> None:
        """Keep a hostile post in its minute's evidence (the bigger accounts' once full)."""
        said = (labels or {}).get("image_text") or ""
        note = Note("hostile", post.id, post.author.handle, followers, "", t, said)
        if len(notes) < self.notes_per_step:
            notes.append(note)
        elif followers >= 10_000:
            _replace_smallest(notes, note)

    def _is_owner(self, ref: Ref) -> bool:
        return bool(self._owner) and ref.author_handle.lower() == self._owner

    def _links(self, post: Post, s: list[float], notes: list[Note], followers: int, t: int) -> bool:
        news = foreign = False
        for url, domain in zip(post.urls, post.domains, strict=False):
            if domain in self._brand_domains or domain in ("twitter.com", "x.com", "t.co"):
                continue
            kind = "news" if is_news_domain(domain, self._news) else "link"
            news = news or kind == "news"
            foreign = foreign or kind == "link"
            if len(notes) < self.notes_per_step:
                notes.append(Note(kind, post.id, post.author.handle, followers, url, t))
        s[FOREIGN] += foreign
        return news

    def _entry(
        self, post: Post, s: list[float], notes: list[Note], followers: int, hostile: bool, t: int
    ) -> None:
        a = post.author
        lf = math.log10(1 + followers)
        usual = 10 ** (self._log_reach / self._reach_n) if self._reach_n else 300.0
        self._reach_n += 1
        self._log_reach += lf
        who = _who(post)
        big = followers >= self.amplifier_min and followers >= self.amplifier_factor * usual
        group = followers >= 1000 and (_GROUP.search(who) or _NEWSROOM.search(who)) is not None
        if big or group:
            s[AMPLIFIERS] += 1
            if hostile or (group and _GROUP.search(who) is not None):
                s[HOSTILE_AMPLIFIERS] += 1
            notes.append(Note("amplifier", post.id, a.handle, followers, "", t))

    def read(self, minutes: int) -> WindowSignals:
        """The signals of the window of the last ``minutes`` closed steps."""
        s = self.windows.sums(minutes)
        posts, addressed, labelled = s[POSTS], s[ADDRESSED], s[LABELLED]
        return WindowSignals(
            window_seconds=minutes * self.step_seconds,
            end_us=self.windows.end * self._step_us,
            posts=int(posts),
            addressed=int(addressed),
            rate_per_min=round(addressed / minutes, 4),
            keyword_only_share=_share(s[KEYWORD_ONLY], posts),
            labelled=int(labelled),
            hostile=int(s[HOSTILE]),
            negative_share=_share(s[NEGATIVE], labelled),
            ironic_share=_share(s[IRONIC], labelled),
            offensive_share=_share(s[OFFENSIVE], labelled),
            anger_share=_share(s[ANGRY], labelled),
            mocking_share=_share(s[MOCKING], labelled),
            hostile_share=_share(s[HOSTILE], labelled),
            questions=int(s[QUESTIONS]),
            hostile_question_share=_share(s[HOSTILE_Q], s[QUESTIONS]),
            reach_hostility=_share(s[HOSTILE_REACH], s[REACH]),
            newcomer_share=_share(s[NEWCOMERS], posts),
            branching=_share(s[RESPONSES], posts),
            foreign_links=int(s[FOREIGN]),
            news=int(s[NEWS]),
            meta_share=_share(s[META], addressed),
            amplifiers=int(s[AMPLIFIERS]),
            hostile_amplifiers=int(s[HOSTILE_AMPLIFIERS]),
            hostility=_share(s[HOSTILITY], labelled),
        )

    def sum(self, minutes: int, field: int) -> float:
        """One raw sum (a :data:`FIELDS` index) over the last ``minutes`` steps."""
        return self.windows.sums(minutes)[field]

    def notes(self, minutes: int) -> list[Note]:
        """The evidence notes of the last ``minutes`` steps, oldest first."""
        return [n for b in self.windows.buckets(minutes) for n in b.notes]


def _who(post: Post) -> str:
    a = post.author
    return f"{a.handle} {a.name} {a.description}"


def _replace_smallest(notes: list[Note], note: Note) -> None:
    """Keep the bigger accounts' hostile posts once a minute's notes are full."""
    low = -1
    for i, n in enumerate(notes):
        if n.kind == "hostile" and (low < 0 or n.followers < notes[low].followers):
            low = i
    if low >= 0 and notes[low].followers < note.followers:
        notes[low] = note


def _us(post: Post) -> int:
    t = post.created_at
    return (
        (t.toordinal() - 719163) * 86_400 + t.hour * 3600 + t.minute * 60 + t.second
    ) * 1_000_000 + t.microsecond
