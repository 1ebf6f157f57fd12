"""The narrative facts of a campaign, derived from the store after the fact.

A post-mortem may use hindsight: the whole stream is known. The phases come from two
places, both reported with their source:

* the detector's own ``phases`` table and alerts (what foretold said at the time);
* derivations from the posts: the *launch* is the owner's first post; the *tipping
  point* the start of the sustained hostile surge that led to the busiest hour; the
  *peak* the start of the busiest 15 minutes; *press pickup* the first post by a news
  account linking a news site; the *brand's response* its first post after the
  tipping point; the *end* the last post.

The *first weak signal* is the detector's first non-quiet phase of the episode that
became the storm, and the posts quoted for it are the first mocking or hostile posts
addressed to the campaign from then on.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from foretold.reports.frame import Frame, load_frame, to_time, to_us
from foretold.reports.topics import words
from foretold.signals import is_news_domain, news_domains
from foretold.store import Store

_MIN = 60_000_000  # microseconds in a minute
_NEWSROOM = re.compile(
    r"(?:news|daily|wire|times|journal|herald|tribune|gazette|press|media|reporter"
    r"|journalist|correspondent|editor|desk|ledger|post\b)",
    re.IGNORECASE,
)
_REPORTER = re.compile(r"\b(?:journalist|reporter|correspondent|editor|newsroom)\b", re.I)
_GROUP = re.compile(r"(?:occupy|activis|movement|coalition|union|alliance|reform)", re.I)


@dataclass(frozen=True)
class Phase:
    """One phase boundary: ``name`` (the truth file's vocabulary where it has one)."""

    name: str
    at: datetime
    source: str  # "derived" | "detector"
    note: str


@dataclass(frozen=True)
class Quote:
    """A post worth quoting."""

    at: datetime
    handle: str
    followers: int
    text: str
    kind: str
    tag: str = ""  # hostile | mocking | negative | ""
    id: str = ""  # the post's id (its pictures are looked up by it)


@dataclass(frozen=True)
class Amplifier:
    """A big account's first post in the campaign."""

    handle: str
    name: str
    followers: int
    joined: datetime
    role: str  # press | group | verified | account
    tone: str  # hostile | mocking | negative | neutral
    text: str


@dataclass(frozen=True)
class OwnerPost:
    """One of the brand's own posts; ``after_tipping`` is its delay from the tipping point."""

    at: datetime
    kind: str
    text: str
    after_tipping: timedelta | None


@dataclass(frozen=True)
class Story:
    """Everything the chronicle tells, as plain data."""

    campaign: str
    owner: str
    hashtags: tuple[str, ...]
    start: datetime
    end: datetime
    posts: int
    phases: list[Phase]
    detector_phases: list[tuple[datetime, str]]
    alerts: list[dict[str, Any]]
    weak_signals: list[Quote]
    amplifiers: list[Amplifier]
    press: list[Quote]
    owner_posts: list[OwnerPost]
    aftermath: dict[str, float]
    frame: Frame = field(repr=False)
    owner_followers: int = 0

    @property
    def followers_known(self) -> bool:
        """Whether any post gave its author's follower count (an R export gives none)."""
        return self.frame.followers_known

    def phase(self, name: str) -> Phase | None:
        """The derived (or else detector) phase called ``name``, if any."""
        found = [p for p in self.phases if p.name == name]
        return found[0] if found else None


def build_story(store: Store, campaign: str) -> Story:
    """Derive the story of ``campaign`` from the store (posts, labels, phases, alerts)."""
    frame = load_frame(store, campaign)
    if len(frame) == 0:
        from foretold.errors import InputError

        known = ", ".join(store.campaigns()) or "none: replay with --track or --config"
        raise InputError(
            f"chronicle: campaign {campaign!r} has no posts in {store.path!r}; "
            f"its campaigns: {known}"
        )
    config = _config(store, campaign)
    owner = str(config.get("owner") or next(iter(config.get("handles") or []), "")).lstrip("@")
    hashtags = tuple(str(h) for h in config.get("hashtags") or ())
    detector = _detector_phases(store, campaign)
    alerts = store.alerts(campaign)
    names = (*hashtags, *(str(x) for x in config.get("handles") or ()))
    names += tuple(str(x) for x in config.get("keywords") or ())
    phases = derive_phases(frame, owner, detector, names)
    tip = next((p.at for p in phases if p.name == "tipping_point"), None)
    weak = next((p.at for p in phases if p.name == "first_weak_signal"), None)
    respond = next((p.at for p in phases if p.name == "brand_response"), None)
    return Story(
        campaign=campaign,
        owner=owner,
        hashtags=hashtags,
        start=to_time(int(frame.t[0])),
        end=to_time(int(frame.t[-1])),
        posts=len(frame),
        phases=phases,
        detector_phases=detector,
        alerts=alerts,
        weak_signals=[_quote(frame, i) for i in hindsight(frame, owner, tip, ignore=names)[:4]]
        or first_trouble(frame, owner, weak, tip),
        amplifiers=amplifiers(frame, owner, tip - timedelta(hours=1) if tip else None),
        press=press_posts(frame, owner),
        owner_posts=owner_posts(frame, owner, tip),
        aftermath=aftermath(frame, owner, tip, respond),
        frame=frame,
        owner_followers=_followers_of(frame, owner),
    )


def _followers_of(frame: Frame, handle: str) -> int:
    """The most followers ``handle`` had on any of its posts (0 when it never posted)."""
    mine = frame.by(handle) if handle else np.zeros(len(frame), dtype=np.bool_)
    return int(frame.followers[mine].max()) if mine.any() else 0


def _config(store: Store, campaign: str) -> dict[str, Any]:
    row = store.db.execute("SELECT config FROM campaigns WHERE name = ?", (campaign,)).fetchone()
    data = orjson.loads(row[0]) if row else {}
    return data if isinstance(data, dict) else {}


def _detector_phases(store: Store, campaign: str) -> list[tuple[datetime, str]]:
    rows = store.db.execute(
        "SELECT started_at, phase FROM phases WHERE campaign = ? ORDER BY started_at", (campaign,)
    )
    return [(to_time(r[0]), str(r[1])) for r in rows]


def derive_phases(
    frame: Frame,
    owner: str,
    detector: list[tuple[datetime, str]],
    names: tuple[str, ...] = (),
) -> list[Phase]:
    """The phase boundaries, derived from the posts where possible, in time order;
    ``names`` are the campaign's own terms (left out of the storm's words)."""
    t = frame.t
    mine = frame.by(owner) if owner else np.zeros(len(frame), dtype=np.bool_)
    out: list[Phase] = []
    launch = int(t[mine][0]) if mine.any() else int(t[0])
    out.append(Phase("launch", to_time(launch), "derived", "the owner's first post"))
    tip = tipping_point(frame, mine)
    signal = hindsight(frame, owner, tip, ignore=names)
    weak = _episode_start(detector, tip)
    if signal:
        out.append(
            Phase(
                "first_weak_signal",
                to_time(int(frame.t[signal[0]])),
                "derived",
                "with hindsight: the earliest run of posts carrying the storm's words",
            )
        )
    elif weak is not None:
        out.append(
            Phase("first_weak_signal", weak, "detector", "first non-quiet phase of the episode")
        )
    turn = next(
        (at for at, ph in detector if ph == "negative_turn" and (tip is None or at <= tip)), None
    )
    if turn is not None:
        out.append(Phase("negative_turn", turn, "detector", "hostility bursting"))
    if tip is not None:
        out.append(Phase("tipping_point", tip, "derived", "start of the sustained hostile surge"))
    peak = peak_time(frame)
    if peak is not None and tip is not None:
        out.append(Phase("peak", peak, "derived", "start of the busiest 15 minutes"))
    press = press_posts(frame, owner, limit=1)
    if press and tip is not None:
        out.append(
            Phase("press_pickup", press[0].at, "derived", f"first news link by @{press[0].handle}")
        )
    if tip is not None:
        after = mine & (t >= to_us(tip)) & (t > launch)
        after &= np.array([k != "repost" for k in frame.kind])
        if after.any():
            at = to_time(int(t[after][0]))
            out.append(
                Phase(
                    "brand_response",
                    at,
                    "derived",
                    "the owner's first post after the tipping point",
                )
            )
    out.append(Phase("end", to_time(int(t[-1])), "derived", "the last post"))
    return sorted(out, key=lambda p: p.at)


@dataclass(frozen=True)
class Hindsight:
    """How :func:`hindsight` looks back from the storm for its first weak signals."""

    storm_h: float = 6.0  # the storm's words: its first hours from the tipping point
    min_storm: float = 0.002  # a storm word is in this share of the storm's posts or more
    max_calm: float = 0.001  # and in this share of the calm posts or less
    min_ratio: float = 5.0  # and this many times as common in the storm
    min_calm: int = 20  # a calm part this big, or everything up to an hour before the storm
    ratio_n: int = 500  # a smaller calm part counts as this big in the ratio (no word is 0)
    max_words: int = 200  # the storm's most common such words and pairs kept
    min_shared: int = 2  # a signal post carries at least this many of the storm's words
    min_pairs: int = 1  # and this many of its word pairs ("london whale", "pink slime")
    max_gap_h: float = 12.0  # a quieter stretch than this ends the run, looking back,
    max_gap_share: float = 0.1  # or than this share of the time before the storm if longer
    max_lead_h: float = 4.0  # and the run's first post is at most this long before its second
    past_tip_h: float = 1.0  # the run is looked for up to this long after the tipping point
    min_run: int = 3  # and the run holds at least this many different texts
    min_posts: int = 20  # too few posts to contrast with: no hindsight


def storm_words(
    frame: Frame,
    owner: str,
    tip: datetime,
    cfg: Hindsight = Hindsight(),
    ignore: tuple[str, ...] = (),
) -> dict[str, int]:
    """The words (and pairs of neighbouring words, :func:`terms`) of the storm's first
    hours that its calm part hardly used, with the number of calm posts that used each.

    A storm word is in at least ``cfg.min_storm`` of the storm's posts, in at most
    ``cfg.max_calm`` of the calm posts (and no more than twice in all), and at least
    ``cfg.min_ratio`` times as common in the storm. The calm part is the first third of
    the stream before the tipping point (the weak signals would come later); when
    that holds fewer than ``cfg.min_calm`` posts, everything up to an hour before the
    tipping point. ``ignore`` holds the campaign's own names (hashtags, handles,
    keywords): every post carries them.
    """
    own = _own(frame, owner)
    a, b = to_us(tip), to_us(tip + timedelta(hours=cfg.storm_h))
    storm = own & (frame.t >= a) & (frame.t < b)
    calm = own & (frame.t < a - 2 * (a - int(frame.t[0])) // 3)
    if calm.sum() < cfg.min_calm:
        calm = own & (frame.t < a - 3_600_000_000)
    n_storm, n_calm = int(storm.sum()), int(calm.sum())
    if n_storm < cfg.min_posts or n_calm < cfg.min_posts:
        return {}
    skip = frozenset(
        w
        for term in (owner, *ignore)
        for w in words(term.lower().replace("@", " ").replace("#", " "))
    )
    target = Counter(w for i in np.flatnonzero(storm) for w in terms(frame.text[i], skip))
    rest = Counter(w for i in np.flatnonzero(calm) for w in terms(frame.text[i], skip))
    most = max(cfg.max_calm * n_calm, 2.0)
    keep = {
        w: y / n_storm
        for w, y in target.items()
        if y >= cfg.min_storm * n_storm
        and rest.get(w, 0) <= most
        and y / n_storm >= cfg.min_ratio * (rest.get(w, 0) + 0.5) / max(n_calm, cfg.ratio_n)
    }
    return {w: rest.get(w, 0) for w in sorted(keep, key=lambda w: (-keep[w], w))[: cfg.max_words]}


def hindsight(
    frame: Frame,
    owner: str,
    tip: datetime | None,
    cfg: Hindsight = Hindsight(),
    ignore: tuple[str, ...] = (),
) -> list[int]:
    """The first weak signals, found with hindsight: the posts before the tipping point
    (or within ``cfg.past_tip_h`` after it: a derived tipping point can come early) that
    carry the storm's words (its grievances and its phrasing), as the run that leads
    into the storm without a gap longer than ``cfg.max_gap_h``, oldest first.

    A post-mortem knows how the storm turned out: the words of its first hours that
    the stream had not used before (:func:`storm_words`) are what the storm was about.
    Walking back from the tipping point over the posts that carry at least
    ``cfg.min_shared`` of them and ``cfg.min_pairs`` of its pairs of neighbouring words
    (a grievance is a phrase: "taxpayer bailout", "pink slime"; two stray words in
    everyday talk are not), the run ends at the first quieter stretch (``cfg.max_gap_h``,
    or a tenth of the time before the storm in a slow one), and a lone first
    post more than ``cfg.max_lead_h`` before the next is dropped; the run's first post
    is the first weak signal. Empty when there is no storm or no such run.
    """
    if tip is None:
        return []
    vocab = storm_words(frame, owner, tip, cfg, ignore)
    if not vocab:
        return []
    end = to_us(tip + timedelta(hours=cfg.past_tip_h))  # a derived tip can come a bit early
    own = _own(frame, owner) & (frame.t < end)
    third = to_us(tip) - 2 * (to_us(tip) - int(frame.t[0])) // 3
    seen = {_norm(frame.text[i]) for i in np.flatnonzero(own & (frame.t < third))}
    skip = frozenset(
        w
        for term in (owner, *ignore)
        for w in words(term.lower().replace("@", " ").replace("#", " "))
    )
    hits = []
    for i in np.flatnonzero(own).tolist():
        shared = vocab.keys() & terms(frame.text[i], skip)
        pairs = sum(" " in w for w in shared)
        enough = pairs >= cfg.min_pairs and len(shared) - pairs >= cfg.min_shared
        if enough and _norm(frame.text[i]) not in seen:  # (not everyday talk come round again)
            hits.append(int(i))
    if not hits:
        return []
    gap = int(max(cfg.max_gap_h * 3.6e9, cfg.max_gap_share * (to_us(tip) - int(frame.t[0]))))
    run = [hits[-1]]
    if end - int(frame.t[hits[-1]]) > gap:
        return []
    for i in reversed(hits[:-1]):
        if int(frame.t[run[-1]]) - int(frame.t[i]) > gap:
            break
        run.append(i)
    run.sort()
    lead = cfg.max_lead_h * 3_600_000_000
    while len(run) > 1 and int(frame.t[run[1]]) - int(frame.t[run[0]]) > lead:
        run.pop(0)  # a lone post long before the rest is a coincidence, not the start
    texts = {_norm(frame.text[i]) for i in run}
    return run if len(texts) >= cfg.min_run else []


def terms(text: str, skip: frozenset[str] = frozenset()) -> set[str]:
    """The content words of ``text`` and its pairs of neighbouring content words.

    >>> sorted(terms("The London Whale lost $6 billion"))
    ['billion', 'london', 'london whale', 'lost', 'lost billion', 'whale', 'whale lost']
    """
    ws = words(text, skip)
    return {*ws, *(f"{a} {b}" for a, b in itertools.pairwise(ws))}


def _norm(text: str) -> str:
    return " ".join(words(text))


def _own(frame: Frame, owner: str) -> npt.NDArray[np.bool_]:
    """Posts in their authors' own words (no reposts), not by the owner."""
    o = owner.lower()
    not_owner = np.array([h.lower() != o for h in frame.handle], dtype=np.bool_)
    return np.asarray(frame.own_words & not_owner, dtype=np.bool_)


def _episode_start(detector: list[tuple[datetime, str]], tip: datetime | None) -> datetime | None:
    """The start of the last run of non-quiet detector phases that began before ``tip``."""
    start: datetime | None = None
    for at, ph in detector:
        if tip is not None and at > tip:
            break
        if ph == "quiet":
            start = None
        elif start is None:
            start = at
    return start


def _binned(t: npt.NDArray[np.int64], t0: int, width: int, n: int) -> npt.NDArray[np.int64]:
    idx = np.clip((t - t0) // width, 0, n - 1)
    return np.bincount(idx, minlength=n).astype(np.int64)


def tipping_point(frame: Frame, mine: npt.NDArray[np.bool_]) -> datetime | None:
    """Start of the sustained hostile surge that led to the busiest hostile 15 minutes.

    Hostile posts in the authors' own words, per 5 minutes; the surge is the run of
    15-minute windows, ending at the busiest one, whose hostile count stays above
    four times the usual (mean of everything before the last six hours) and above a
    floor of 3; the tipping point is the first 5 minutes with a hostile post in the
    run's first window. None when there is no such surge.
    """
    sel = frame.hostile & frame.own_words & ~mine
    if sel.sum() < 10:
        return None
    t0, width = int(frame.t[0]), 5 * _MIN
    n = int((frame.t[-1] - t0) // width) + 1
    h = _binned(frame.t[sel], t0, width, n)
    r = np.convolve(h, np.ones(3, dtype=np.int64))[:n]  # window ending at each bin
    p = int(np.argmax(r))
    before = r[: max(p - 72, 1)]
    usual = float(before.mean()) if len(before) else 0.0
    thr = max(4.0 * usual, usual + 4.0 * np.sqrt(usual), 3.0)
    if r[p] <= thr:
        return None
    i = p
    while i > 0 and r[i - 1] > thr:
        i -= 1
    first = next(j for j in range(max(i - 2, 0), i + 1) if h[j] > 0)
    return to_time(t0 + first * width)


def peak_time(frame: Frame, window_min: int = 15) -> datetime | None:
    """The start of the busiest ``window_min`` minutes of the campaign."""
    if len(frame) == 0:
        return None
    t0 = int(frame.t[0]) // _MIN * _MIN
    n = int((frame.t[-1] - t0) // _MIN) + 1
    per_min = _binned(frame.t, t0, _MIN, n)
    w = np.convolve(per_min, np.ones(window_min, dtype=np.int64), mode="valid")
    if len(w) == 0:
        return to_time(t0)
    return to_time(t0 + int(np.argmax(w)) * _MIN)


def _tone(frame: Frame, i: int) -> str:
    if frame.hostile[i]:
        return "hostile"
    if frame.mocking[i]:
        return "mocking"
    return "negative" if frame.negative[i] else ""


def _quote(frame: Frame, i: int) -> Quote:
    return Quote(
        at=to_time(int(frame.t[i])),
        handle=frame.handle[i],
        followers=int(frame.followers[i]),
        text=frame.text[i],
        kind=frame.kind[i],
        tag=_tone(frame, i),
        id=frame.ids[i],
    )


def first_trouble(
    frame: Frame, owner: str, weak: datetime | None, tip: datetime | None, limit: int = 4
) -> list[Quote]:
    """The first mocking or hostile posts in the authors' own words from the weak signal on."""
    if weak is None:
        return []
    lo, hi = to_us(weak), to_us(tip) if tip else int(frame.t[-1]) + 1
    own, o = frame.own_words, owner.lower()
    out: list[Quote] = []
    for i in np.flatnonzero((frame.t >= lo) & (frame.t < hi) & own):
        if frame.handle[i].lower() != o and (frame.hostile[i] or frame.mocking[i]):
            out.append(_quote(frame, int(i)))
            if len(out) >= limit:
                break
    return out


def _role(frame: Frame, i: int) -> str:
    if _NEWSROOM.search(f"{frame.handle[i]} {frame.name[i]}") or _REPORTER.search(
        frame.description[i]
    ):
        return "press"
    if _GROUP.search(f"{frame.handle[i]} {frame.name[i]} {frame.description[i]}"):
        return "group"
    return "verified" if frame.verified[i] else "account"


def amplifiers(
    frame: Frame,
    owner: str,
    since: datetime | None = None,
    min_followers: int = 20_000,
    limit: int = 25,
) -> list[Amplifier]:
    """Big accounts (``min_followers`` or more) by their first post, in join order.

    Kept: every press account or organised group, the first ten to join from ``since``
    on (the storm's early big voices) and the ten biggest; at most ``limit``.
    """
    first: dict[str, int] = {}
    o = owner.lower()
    for i in np.flatnonzero(frame.followers >= min_followers):
        h = frame.handle[i].lower()
        if h != o and h not in first:
            first[h] = int(i)
    idx = sorted(first.values())
    lo = to_us(since) if since else int(frame.t[0])
    keep = {i for i in idx if _role(frame, i) in ("press", "group")}
    keep |= set([i for i in idx if frame.t[i] >= lo][:10])
    keep |= set(sorted(idx, key=lambda i: (-int(frame.followers[i]), i))[:10])
    chosen = sorted(keep)[:limit]
    return [
        Amplifier(
            handle=frame.handle[i],
            name=frame.name[i],
            followers=int(frame.followers[i]),
            joined=to_time(int(frame.t[i])),
            role=_role(frame, i),
            tone=_tone(frame, i) or "neutral",
            text=frame.text[i],
        )
        for i in chosen
    ]


def press_posts(frame: Frame, owner: str, limit: int = 8) -> list[Quote]:
    """Posts by news accounts (by name, or big/verified accounts) linking a news site."""
    sites, o, out = news_domains(), owner.lower(), []
    for i in range(len(frame)):
        if frame.kind[i] == "repost" or frame.handle[i].lower() == o:
            continue
        if not any(is_news_domain(d, sites) for d in frame.domains[i]):
            continue
        if _role(frame, i) == "press" or frame.verified[i] or frame.followers[i] >= 50_000:
            out.append(_quote(frame, i))
            if len(out) >= limit:
                break
    return out


def owner_posts(frame: Frame, owner: str, tip: datetime | None) -> list[OwnerPost]:
    """The owner's own posts (reposts left out), with their delay from the tipping point."""
    if not owner:
        return []
    out = []
    for i in np.flatnonzero(frame.by(owner)):
        if frame.kind[i] == "repost":
            continue
        at = to_time(int(frame.t[i]))
        delay = at - tip if tip is not None and at >= tip else None
        out.append(OwnerPost(at=at, kind=frame.kind[i], text=frame.text[i], after_tipping=delay))
    return out


def aftermath(
    frame: Frame, owner: str, tip: datetime | None, respond: datetime | None
) -> dict[str, float]:
    """Posts and hostile share in the storm (tipping to response) and after the response."""
    if tip is None:
        return {}
    own = frame.own_words & ~frame.by(owner) & frame.labelled
    a, b = to_us(tip), to_us(respond) if respond else int(frame.t[-1]) + 1
    storm = own & (frame.t >= a) & (frame.t < b)
    after = own & (frame.t >= b)
    hours_after = max((int(frame.t[-1]) - b) / 3.6e9, 1e-9)
    hours_storm = max((b - a) / 3.6e9, 1e-9)
    return {
        "storm_posts": float(((frame.t >= a) & (frame.t < b)).sum()),
        "storm_posts_per_h": float(((frame.t >= a) & (frame.t < b)).sum()) / hours_storm,
        "storm_hostile_share": float(frame.hostile[storm].mean()) if storm.any() else 0.0,
        "after_posts": float((frame.t >= b).sum()),
        "after_posts_per_h": float((frame.t >= b).sum()) / hours_after if respond else 0.0,
        "after_hostile_share": float(frame.hostile[after].mean()) if after.any() else 0.0,
        "after_mocking_share": float(frame.mocking[after].mean()) if after.any() else 0.0,
    }
