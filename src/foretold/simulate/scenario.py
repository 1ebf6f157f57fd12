"""What a simulated stream is made of: the campaign, waves, entrants, scripted posts.

A :class:`Scenario` is plain, frozen data; :func:`foretold.simulate.simulate` turns it
and a seed into a stream. Times inside a scenario are *hours from the stream's start*,
so a scenario reads like a timeline::

    start ──── launch ──── weak signal ────── tipping ── peak ── press ── response ── end
     0 h        0 h          ~100 h             ~150 h                               ~200 h

Exogenous posts arrive in :class:`Wave` s (a Poisson process whose rate rises with a
doubling time, peaks and decays, modulated by a daily rhythm); every post then draws
offspring (reposts, replies, quotes) from the self-exciting process in
:mod:`foretold.simulate.hawkes`.

>>> from datetime import datetime, timezone
>>> wave = Wave(name="chatter", start=0.0, peak=0.0, end=24.0, posts=100, mix=Mix(neutral=1.0))
>>> wave.mix.probs().round(2).tolist()
[0.0, 0.0, 0.0, 1.0, 0.0, 0.0]
>>> sc = Scenario(name="demo", title="a demo", kind="benign", expected_level="none",
...     campaign=Campaign(name="demo", hashtags=("#Demo",), handles=("@demo",), owner="@demo",
...                       owner_name="Demo", owner_followers=5000,
...                       launched_at=datetime(2020, 1, 1, tzinfo=timezone.utc)),
...     start=datetime(2020, 1, 1, tzinfo=timezone.utc), hours=24.0, waves=(wave,))
>>> sc.at(1.5).isoformat()
'2020-01-01T01:30:00+00:00'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

import numpy as np
import numpy.typing as npt

#: Text classes of the real labelled tweets, in the order class codes use.
CLASSES: tuple[str, ...] = ("hostile", "ironic", "negative", "neutral", "positive", "questions")
#: Class codes beyond the pools: the brand's own texts and scripted (verbatim) texts.
BRAND_CLASS = len(CLASSES)
#: Classes counted as negative in the realism report (the truth, not a word list).
NEGATIVE_CLASSES: tuple[str, ...] = ("hostile", "ironic", "negative")

Kind = Literal["hijack", "mockery", "backlash", "benign", "viral", "unrelated", "spam", "quiet"]
Level = Literal["crisis", "warning", "watch", "none"]
Pool = Literal["fans", "crowd", "bots"]
#: Where a wave's texts come from: ``brand`` mentions, the ``grievances`` grammar, the
#: ``labelled`` pools (posts not about the brand); empty: grammar for an attack wave of a
#: scenario with grievances, brand mentions otherwise.
TextFrom = Literal["", "brand", "grievances", "labelled"]


@dataclass(frozen=True)
class Mix:
    """Relative weights of the text classes (normalised when used)."""

    hostile: float = 0.0
    ironic: float = 0.0
    negative: float = 0.0
    neutral: float = 0.0
    positive: float = 0.0
    questions: float = 0.0

    def probs(self) -> npt.NDArray[np.float64]:
        """The weights as probabilities in :data:`CLASSES` order."""
        w = np.array([getattr(self, c) for c in CLASSES], dtype=np.float64)
        total = w.sum()
        if total <= 0:
            raise ValueError("a Mix needs at least one positive weight")
        return np.asarray(w / total, dtype=np.float64)


#: Everyday chatter about a brand: mostly neutral and positive, some questions and moans.
ORGANIC = Mix(neutral=0.45, positive=0.30, questions=0.12, negative=0.12, ironic=0.01)
#: A hijacked Q&A: hostile and ironic questions, negative remarks.
HOSTILE = Mix(hostile=0.27, ironic=0.25, negative=0.20, neutral=0.18, questions=0.10)
#: Mockery: ironic jokes, little hostility.
MOCKING = Mix(ironic=0.55, positive=0.10, neutral=0.15, negative=0.12, hostile=0.03, questions=0.05)


@dataclass(frozen=True)
class Link:
    """A link posts may carry: the expanded URL and a relative weight."""

    url: str
    weight: float = 1.0


@dataclass(frozen=True)
class Campaign:
    """The campaign being watched: what the listening system tracks."""

    name: str
    hashtags: tuple[str, ...]
    handles: tuple[str, ...]
    owner: str
    owner_name: str
    owner_followers: int
    launched_at: datetime
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Wave:
    """Exogenous original posts of one flavour.

    The rate doubles every ``doubling_min`` minutes from ``start`` to ``peak`` (flat when
    ``peak <= start``), then halves every ``half_life_h`` hours until ``end``; it is
    multiplied by the daily rhythm and scaled so that about ``posts`` originals arrive.
    Their cascades add about ``posts * branching / (1 - branching)`` more; after the
    peak, the branching ratio of the wave's posts halves every ``cooling_h`` hours
    (attention fades), which ends a near-critical storm. ``grievances`` names the
    scenario grievances its hostile posts are about (all when empty); ``text_from``
    says where its texts come from (see :data:`TextFrom`).
    """

    name: str
    start: float
    peak: float
    end: float
    posts: int
    mix: Mix
    attack: bool = False
    doubling_min: float = 30.0
    half_life_h: float = float("inf")
    branching: float = 0.5
    cooling_h: float = float("inf")
    pool: Pool = "fans"
    question_share: float = 0.2
    hashtag_share: float = 0.85
    handle_share: float = 0.3
    keyword_share: float = 0.0
    hashtags: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    link_share: float = 0.05
    templates: int = 0
    accounts: int = 0
    grievances: tuple[str, ...] = ()
    text_from: TextFrom = ""


@dataclass(frozen=True)
class Entrant:
    """A special account that enters at a given hour: journalist, activist, outlet, parody."""

    handle: str
    name: str
    followers: int
    role: str
    at: float
    posts: int = 1
    span_h: float = 1.0
    mix: Mix = HOSTILE
    attack: bool = True
    links: tuple[Link, ...] = ()
    link_share: float = 0.0
    boost: float = 1.0
    verified: bool = False
    description: str = ""


@dataclass(frozen=True)
class Scripted:
    """One post at a fixed hour with a fixed text: the brand's own posts, real quoted posts.

    ``author`` is a handle (``@owner`` for the brand, an entrant's handle, or a new named
    account with ``followers``), or empty for an anonymous member of the crowd.
    ``role`` marks phase events: ``invitation``, ``reminder``, ``response``, ``weak_signal``.
    ``label`` is the post's class for the realism figures (default: ``hostile`` for an
    attack, ``neutral`` otherwise; the brand's own posts count as the brand's).
    """

    at: float
    text: str
    author: str = ""
    attack: bool = False
    role: str = ""
    boost: float = 1.0
    followers: int = 0
    label: str = ""


@dataclass(frozen=True)
class BrandReplies:
    """The brand answers ``count`` organic questions posted between ``start`` and ``end``."""

    start: float
    end: float
    count: int
    texts: tuple[str, ...]


@dataclass(frozen=True)
class Dynamics:
    """Cascade and population parameters shared by all posts of a scenario (CASES.md)."""

    kernel_c_min: float = 5.0
    kernel_theta: float = 0.2
    kernel_max_h: float = 48.0
    repost: float = 0.58
    reply: float = 0.30
    quote: float = 0.12
    follower_alpha: float = 2.0
    follower_scale: float = 250.0
    virality_sigma: float = 0.8
    posts_per_author: float = 2.5
    activity_alpha: float = 2.2
    max_offspring: float = 3000.0
    hijack_replies: float = 0.8


@dataclass(frozen=True)
class Grievance:
    """Something the public holds against the brand, in words a hijacker would use.

    ``words`` name it (they also count a post as on topic and name it in the chronicle's
    topics); ``things`` are noun phrases (``"the $13 billion in fines"``) and ``deeds``
    past-tense verb phrases (``"paid $13 billion in fines"``) that fill the slots of the
    hostile grammar (:mod:`foretold.simulate.grammar`).
    """

    name: str
    words: tuple[str, ...]
    things: tuple[str, ...]
    deeds: tuple[str, ...]


@dataclass(frozen=True)
class Voice:
    """What the posts of a scenario talk about: the brand, its products and grievances.

    Real @JetBlue mentions are retargeted to the brand: ``JetBlue`` becomes ``brand``,
    the airline's places become ``places``, and each key of ``retarget`` (a word of the
    JetBlue month, e.g. ``"points"``) becomes its value; a mention that still talks
    about flying is left out unless ``airline`` is set. ``event`` is what the campaign
    invites (``"Q&A"``, ``"contest"``), for the storm's own commentary and headlines.
    """

    brand: str = ""
    products: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    retarget: tuple[tuple[str, str], ...] = ()
    grievances: tuple[Grievance, ...] = ()
    event: str = "campaign"
    airline: bool = False

    def grievance_words(self) -> tuple[str, ...]:
        """Every word that names one of the grievances."""
        return tuple(w for g in self.grievances for w in g.words)


@dataclass(frozen=True)
class Scenario:
    """A complete scenario; times are hours from ``start``.

    ``utc_offset_h`` is the local time zone of the story (days in the realism report
    are local days, as the sources count them); ``weak_signal_h`` and ``tipping_h`` are
    the declared phase boundaries (``None``: none, or the first attack post).
    """

    name: str
    title: str
    kind: Kind
    expected_level: Level
    campaign: Campaign
    start: datetime
    hours: float
    waves: tuple[Wave, ...]
    entrants: tuple[Entrant, ...] = ()
    scripted: tuple[Scripted, ...] = ()
    brand_replies: tuple[BrandReplies, ...] = ()
    dynamics: Dynamics = field(default_factory=Dynamics)
    weak_signal_h: float | None = None
    tipping_h: float | None = None
    rhythm: float = 0.55
    rhythm_peak_utc: float = 18.0
    reference: str = ""
    max_posts: int = 5_000_000
    utc_offset_h: float = 0.0
    voice: Voice = field(default_factory=Voice)

    def at(self, hours: float) -> datetime:
        """The wall time ``hours`` after the stream's start."""
        return self.start + timedelta(hours=hours)


def hours(start: datetime, when: str) -> float:
    """Hours from ``start`` to the UTC time ``when`` (``YYYY-MM-DDTHH:MM``).

    >>> hours(utc("2013-11-06T15:00"), "2013-11-13T21:00")
    174.0
    """
    t = datetime.fromisoformat(when).replace(tzinfo=UTC)
    return (t - start).total_seconds() / 3600.0


def utc(when: str) -> datetime:
    """A UTC time from ``YYYY-MM-DDTHH:MM``."""
    return datetime.fromisoformat(when).replace(tzinfo=UTC)
