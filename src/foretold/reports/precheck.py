"""Pre-launch check, "don't live in a bubble": how people talk about a brand right now.

From recent posts about the brand (an archive, the live sources' search, or both,
merged by :func:`gather`), :func:`precheck` measures the tone
(volume, sentiment, irony, hostility), the grievances that are live (a lexicon in
``grievances.txt`` plus the word topics of :mod:`foretold.reports.topics`), the
hostile or high-reach accounts already talking, and recent flare-ups; it combines
them into a risk level (low / elevated / high) with the reasons and a plain-words
recommendation.

Risk points: a live grievance (at least 3 % of the posts and 5 posts) counts 1 each,
up to 3; hostile or negative posts at 35 % or more count 1 (an ordinary month of real
brand mentions reads 26 %: :data:`SOUR_SHARE`), at 45 % or more 2; three
or more hostile accounts with 10k followers or more count 1; a flare-up counts 1.
High from 4 points, elevated from 2.

A flare-up is a burst of attention that turned sour: 3-hour windows (hour by hour)
holding at least three times the usual number of posts (the median window), and more
than a Poisson fluctuation of it, with ``SOUR_SHARE`` (35 %) or more of their labelled
posts hostile or negative (40 % until the fast tier's flags were set for real
prevalence on 2026-12-06, when the simulated settlement flare-up read 36-42 % to them);
episodes that touch, or stand less than a window apart (a short dip), merge into one
episode, reported with its start, end, posts, sour share and the hashtags it carried.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources

import numpy as np

from foretold.post import Post
from foretold.reports.frame import Frame, to_time
from foretold.reports.topics import Topic, grievance_topics


@dataclass(frozen=True)
class Grievance:
    """A live grievance: its name, the posts raising it, their share, example posts."""

    name: str
    posts: int
    share: float
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Account:
    """An account already talking about the brand."""

    handle: str
    followers: int
    posts: int
    hostile: int


@dataclass(frozen=True)
class FlareUp:
    """A burst of hostile or negative attention: when, how many posts, what it carried."""

    start: datetime
    end: datetime
    posts: int
    share: float
    tags: tuple[str, ...]

    def line(self) -> str:
        """One line for the report."""
        tags = f"; {' '.join('#' + t for t in self.tags)}" if self.tags else ""
        return (
            f"{self.start:%Y-%m-%d %H:%M}-{self.end:%H:%M} UTC: {self.posts:,} posts, "
            f"{self.share:.0%} hostile or negative{tags}"
        )


@dataclass(frozen=True)
class Precheck:
    """The result of a pre-launch check; :meth:`text` is the printed report."""

    brand: str
    hashtag: str
    posts: int
    days: float
    shares: dict[str, float]
    grievances: list[Grievance]
    topics: list[Topic]
    accounts: list[Account]
    flareups: list[FlareUp]
    level: str
    reasons: list[str]
    recommendation: str
    followers_known: bool = True  # False when no post gave its author's follower count

    def text(self) -> str:
        """The report as plain text."""
        s = self.shares
        out = [
            f"foretold precheck: {self.brand} {self.hashtag}".rstrip(),
            f"risk: {self.level.upper()}",
            "",
            "reasons:",
            *[f"  - {r}" for r in self.reasons],
            "",
            f"recommendation: {self.recommendation}",
            "",
            f"how people talk about {self.brand} now ({self.posts:,} posts over {self.days:.1f} days,"
            f" {self.posts / max(self.days, 1e-9):,.0f} a day):",
            f"  hostile {s['hostile']:.0%}  negative {s['negative']:.0%}  mocking {s['mocking']:.0%}"
            f"  ironic {s['ironic']:.0%}  positive {s['positive']:.0%}",
            "",
            "live grievances:",
        ]
        if not self.grievances:
            out.append("  none")
        for g in self.grievances:
            out.append(f"  {g.name}: {g.posts:,} posts ({g.share:.0%})")
            out.extend(f"    > {e[:200]}" for e in g.examples)
        out += ["", "word topics of the negative posts:"]
        out += [f"  {', '.join(tp.terms)} ({tp.share:.0%})" for tp in self.topics[:5]] or ["  none"]
        known = self.followers_known  # else reach cannot be judged: the hostile accounts
        out += ["", "hostile or high-reach accounts already talking:" if known else
                "hostile accounts already talking (the posts give no follower counts):"]  # fmt: skip
        out += [
            f"  @{a.handle}{f' ({a.followers:,} followers)' if known else ''}: "
            f"{a.posts} posts, {a.hostile} hostile"
            for a in self.accounts
        ] or ["  none"]
        out += ["", "recent flare-ups:"]
        out += [f"  {f.line()}" for f in self.flareups] or ["  none"]
        return "\n".join(out) + "\n"


@dataclass(frozen=True)
class Gathered:
    """Posts from several places merged by ``(platform, id)``, those about the brand kept;
    per place, how many were read and how many were about the brand."""

    posts: list[Post]
    read: dict[str, int]
    about: dict[str, int]
    distinct: int

    def summary(self, brand: str) -> str:
        """One line: posts per place, distinct posts, posts about the brand."""
        places = ", ".join(f"{k} {n:,} ({self.about[k]:,} about it)" for k, n in self.read.items())
        return (
            f"precheck: {places or 'nothing read'}; {self.distinct:,} distinct posts, "
            f"{len(self.posts):,} about {brand}"
        )


def gather(places: Sequence[tuple[str, Iterable[Post]]], brand: str, hashtag: str) -> Gathered:
    """Merge the posts of each ``(place, posts)`` by ``(platform, id)``, keeping those
    :func:`about` the brand; a later place's copy of a post wins (a search made now has
    fresher counts than an archive). Each place's posts are read once, as they come.

    >>> from datetime import UTC, datetime
    >>> from foretold.post import Author
    >>> def p(i, text):
    ...     return Post("x", i, text, datetime(2024, 1, 1, tzinfo=UTC), Author(id="1"))
    >>> g = gather([("archive", [p("1", "JP Morgan again")]),
    ...             ("x", [p("1", "JP Morgan again"), p("2", "lunch")])], "JP Morgan", "#AskJPM")
    >>> g.summary("JP Morgan")
    'precheck: archive 1 (1 about it), x 2 (1 about it); 2 distinct posts, 1 about JP Morgan'
    """
    kept: dict[tuple[str, str], Post] = {}
    seen: set[tuple[str, str]] = set()
    read: dict[str, int] = {}
    on_topic: dict[str, int] = {}
    for place, posts in places:
        read.setdefault(place, 0)
        on_topic.setdefault(place, 0)
        for post in posts:
            read[place] += 1
            seen.add(post.key)
            if about(post.text, post.hashtags, brand, hashtag):
                on_topic[place] += 1
                kept[post.key] = post
            else:
                kept.pop(post.key, None)
    return Gathered(list(kept.values()), read, on_topic, len(seen))


@cache
def lexicon() -> dict[str, re.Pattern[str]]:
    """Grievance name -> a pattern over words and hashtags, from ``grievances.txt``."""
    text = resources.files("foretold.reports").joinpath("grievances.txt").read_text("utf-8")
    out = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, terms = line.partition(":")
        alts = [
            re.escape(t.strip().rstrip("*")) + (r"\w*" if t.strip().endswith("*") else "")
            for t in terms.split(",")
            if t.strip()
        ]
        out[name.strip()] = re.compile(r"(?<![\w])#?(?:" + "|".join(alts) + r")\b", re.IGNORECASE)
    return out


def precheck(frame: Frame, brand: str, hashtag: str = "") -> Precheck:
    """Check the recent posts in ``frame`` about ``brand`` before launching ``hashtag``."""
    n = len(frame)
    own = frame.own_words & frame.labelled
    m = max(int(own.sum()), 1)
    labels = [frame.labels[i] or {} for i in np.flatnonzero(own)]
    shares = {
        "hostile": float(frame.hostile[own].sum()) / m,
        "negative": float(frame.negative[own].sum()) / m,
        "mocking": float(frame.mocking[own].sum()) / m,
        "ironic": sum("ironic" in (x.get("flags") or ()) for x in labels) / m,
        "positive": sum(x.get("sentiment") == "positive" for x in labels) / m,
    }
    days = max((int(frame.t[-1]) - int(frame.t[0])) / 86_400e6, 1 / 24) if n else 0.0
    grievances = _grievances(frame)
    ignore = [*brand.lower().split(), hashtag, brand.replace(" ", "")]
    topics = grievance_topics(frame, ignore=ignore, k=6) if n else []
    accounts = _accounts(frame)
    flareups = flare_ups(frame, skip_tags=(hashtag,))
    level, reasons = _risk(shares, grievances, accounts, flareups)
    return Precheck(
        brand=brand,
        hashtag=hashtag,
        posts=n,
        days=days,
        shares=shares,
        grievances=grievances,
        topics=topics,
        accounts=accounts,
        flareups=flareups,
        level=level,
        reasons=reasons,
        recommendation=_recommend(level, hashtag, grievances),
        followers_known=frame.followers_known,
    )


def _grievances(frame: Frame) -> list[Grievance]:
    n = max(len(frame), 1)
    out = []
    for name, pattern in lexicon().items():
        hits = [i for i, t in enumerate(frame.text) if pattern.search(t)]
        if len(hits) >= 5 and len(hits) / n >= 0.03:
            examples = Counter(frame.text[i] for i in hits if frame.kind[i] != "repost")
            top = tuple(t for t, _ in sorted(examples.items(), key=lambda x: (-x[1], x[0]))[:2])
            out.append(Grievance(name, len(hits), len(hits) / n, top))
    return sorted(out, key=lambda g: (-g.posts, g.name))


def _accounts(frame: Frame, limit: int = 8) -> list[Account]:
    posts: Counter[str] = Counter()
    hostile: Counter[str] = Counter()
    followers: dict[str, int] = {}
    for i, h in enumerate(frame.handle):
        if frame.kind[i] == "repost":
            continue
        posts[h] += 1
        hostile[h] += int(frame.hostile[i])
        followers[h] = max(followers.get(h, 0), int(frame.followers[i]))
    keep = [h for h in posts if hostile[h] >= 2 or (followers[h] >= 10_000 and hostile[h] >= 1)]
    keep.sort(key=lambda h: (-followers[h] * (1 + hostile[h]), -hostile[h], h))
    return [Account(h, followers[h], posts[h], hostile[h]) for h in keep[:limit]]


#: The hostile (or negative) share above which the tone counts as already sour: an
#: ordinary real month of brand mentions (@JetBlue, Sep-Oct 2016, a hurricane included)
#: reads 26 % hostile and 22 % negative to the fast classifier, so sour starts well above.
SOUR_SHARE = 0.35


def flare_ups(
    frame: Frame,
    window_h: int = 3,
    min_ratio: float = 3.0,
    min_share: float = SOUR_SHARE,
    skip_tags: Iterable[str] = (),
) -> list[FlareUp]:
    """The bursts of hostile or negative attention in ``frame`` (see the module notes)."""
    if len(frame) == 0:
        return []
    hour = 3_600_000_000
    t0 = int(frame.t[0]) // hour * hour
    idx = (frame.t - t0) // hour
    n = int(idx[-1]) + 1
    if n < 4 * window_h:  # too short a stream to know what is usual
        return []
    sour = (frame.hostile | frame.negative) & frame.labelled
    kernel = np.ones(window_h, dtype=np.int64)
    posts = np.convolve(np.bincount(idx, minlength=n), kernel, mode="valid")
    labelled = np.convolve(np.bincount(idx[frame.labelled], minlength=n), kernel, mode="valid")
    bad = np.convolve(np.bincount(idx[sour], minlength=n), kernel, mode="valid")
    usual = float(np.median(posts))
    floor = max(min_ratio * usual, usual + 5.0 * np.sqrt(max(usual, 1.0)), 20.0)
    hot = (posts >= floor) & (bad >= min_share * np.maximum(labelled, 1))
    skip = {t.lstrip("#").lower() for t in skip_tags}
    out: list[FlareUp] = []
    i = 0
    while i < len(hot):
        if not hot[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(hot) and hot[j + 1 : j + 2 * window_h].any():  # a dip under a window
            j += 1
        while not hot[j]:
            j -= 1
        lo, hi = t0 + i * hour, t0 + (j + window_h) * hour
        sel = (frame.t >= lo) & (frame.t < hi)
        m = max(int((sel & frame.labelled).sum()), 1)
        tags: Counter[str] = Counter(
            h for k in np.flatnonzero(sel) for h in frame.hashtags[k] if h not in skip
        )
        top = tuple(h for h, c in sorted(tags.items(), key=lambda x: (-x[1], x[0]))[:3] if c >= 3)
        share = float((sel & sour).sum()) / m
        out.append(FlareUp(to_time(lo), to_time(hi), int(sel.sum()), share, top))
        i = j + 1
    return out


def _risk(
    shares: dict[str, float],
    grievances: Sequence[Grievance],
    accounts: Sequence[Account],
    flareups: Sequence[FlareUp],
) -> tuple[str, list[str]]:
    points, reasons = 0, []
    if grievances:
        points += min(len(grievances), 3)
        names = ", ".join(f"{g.name} ({g.share:.0%} of posts)" for g in grievances)
        reasons.append(f"live grievances: {names}")
    bad = max(shares["hostile"], shares["negative"])
    if bad >= SOUR_SHARE:
        points += 2 if bad >= 0.45 else 1
        reasons.append(
            f"the tone is already sour: {shares['hostile']:.0%} hostile, {shares['negative']:.0%} negative"
        )
    big = [a for a in accounts if a.hostile and a.followers >= 10_000]
    if len(big) >= 3:
        points += 1
        who = ", ".join(f"@{a.handle} ({a.followers:,})" for a in big[:3])
        reasons.append(f"{len(big)} hostile accounts with 10k+ followers already talking: {who}")
    if flareups:
        points += 1
        reasons.append(f"a recent flare-up, {flareups[-1].line()}")
    level = "high" if points >= 4 else "elevated" if points >= 2 else "low"
    if not reasons:
        reasons.append("no live grievance, a calm tone and no hostile big accounts")
    return level, reasons


def _recommend(level: str, hashtag: str, grievances: Sequence[Grievance]) -> str:
    tag = hashtag or "the campaign"
    names = [g.name for g in grievances]
    topics = " and ".join(names[:2]) if names else "complaints"
    if level == "high":
        return (
            f"an open Q&A under {tag} will be dominated by {topics}; prefer a moderated format "
            f"(pre-selected questions, a narrow topic), address {topics} first, or wait."
        )
    if level == "elevated":
        return (
            f"expect {topics} to come up under {tag}; prepare answers, brief the community "
            "team and watch the first hours closely."
        )
    return f"go ahead with {tag}; the conversation is calm. Keep foretold watching from the launch."


def about(post_text: str, tags: Sequence[str], brand: str, hashtag: str) -> bool:
    """Whether a post is about the brand: its name, handle-like form or the hashtag.

    >>> about("JP Morgan fined again", (), "JP Morgan", "#AskJPM")
    True
    >>> about("lovely day", (), "JP Morgan", "#AskJPM")
    False
    """
    text = post_text.lower()
    b = brand.lower()
    if b in text or b.replace(" ", "") in text.replace(" ", ""):
        return True
    h = hashtag.lstrip("#").lower()
    return bool(h) and (h in (t.lower() for t in tags) or f"#{h}" in text)
