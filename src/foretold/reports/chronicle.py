"""The chronicle: a self-contained HTML post-mortem of a campaign, told as a story.

One file, no script and no network: styles inline, charts as inline SVG
(:mod:`foretold.reports.charts`). Every piece of post text, handle and name goes
through :func:`html.escape`. Timelines are binned before drawing and only a handful
of posts are quoted, so a 100,000-post campaign renders in seconds and opens fast.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any

import numpy as np

from foretold.coordination.report import html_section as coordination_section
from foretold.media.locate import picture
from foretold.reports.charts import LEVEL_COLOURS, Mark, Series, bin_width_us, bins, timeline
from foretold.reports.frame import to_time, to_us
from foretold.reports.languages import html_section as language_section
from foretold.reports.story import Quote, Story, build_story
from foretold.reports.topics import Topic, grievance_topics
from foretold.store import Store

_PHASE_TITLES = {
    "launch": "The launch",
    "first_weak_signal": "The first sign of trouble",
    "negative_turn": "The negative turn",
    "tipping_point": "The tipping point",
    "peak": "The peak",
    "press_pickup": "The press picks it up",
    "brand_response": "The brand responds",
    "end": "The aftermath",
}
_CSS = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:980px;
margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.7em;margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #ddd}
.sub{color:#666}.chart{display:block;margin:1em 0;max-width:100%;height:auto}
.ct{font-weight:600;font-size:13px}.ax{font-size:11px;fill:#555}.pm{font-size:10px;fill:#333}
blockquote{margin:.6em 0;padding:.4em .8em;border-left:4px solid #c33;background:#faf6f6}
blockquote.mocking{border-color:#d9a400}blockquote.neutral,blockquote.owner{border-color:#46a}
.meta{font-size:12px;color:#666}table{border-collapse:collapse;width:100%;font-size:13px}
td,th{border-bottom:1px solid #eee;padding:3px 6px;text-align:left;vertical-align:top}
.lvl{font-weight:600}.watch{color:#b08600}.warning{color:#e06c00}.crisis{color:#c00020}
.all_clear{color:#2a8a2a}.note{font-size:12px;color:#777}
.pic{font-size:13px;color:#444;margin:.2em 0}.thumb{max-width:96px;max-height:96px}
"""


def _when(t: datetime) -> str:
    return t.strftime("%a %b %d, %H:%M UTC")


def _delta(d: timedelta) -> str:
    m = round(d.total_seconds() / 60)
    sign, m = ("-" if m < 0 else ""), abs(m)
    return f"{sign}{m // 60} h {m % 60:02d} min" if m >= 60 else f"{sign}{m} min"


def _followers(n: int) -> str:
    return f"{n / 1e6:.1f}M" if n >= 1_000_000 else f"{n / 1000:.0f}k" if n >= 1000 else str(n)


@dataclass(frozen=True)
class Pictures:
    """What the chronicle shows of the campaign's pictures: the quoted posts' pictures
    by post id (``{type, alt_text, image_text}``, :meth:`Store.post_images`), the most
    repeated pictures of the storm (:meth:`Store.repeated_images`), and a ``data:``
    thumbnail per repeated picture's phash where a local copy was allowed."""

    by_post: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    memes: list[dict[str, Any]] = field(default_factory=list)
    thumbs: dict[str, str] = field(default_factory=dict)


_NO_PICTURES = Pictures()


def _pictures_of(images: list[dict[str, Any]]) -> str:
    """A quoted post's pictures: the text read in each and its alt text, escaped."""
    out = []
    for m in images:
        bits = []
        if m.get("image_text"):
            bits.append(f"image text: <q>{escape(m['image_text'])}</q>")
        if m.get("alt_text"):
            bits.append(f"alt: <q>{escape(m['alt_text'])}</q>")
        kind = escape(str(m.get("type") or "picture"))
        out.append(f'<div class="pic">[{kind}] {" · ".join(bits) or "not read"}</div>')
    return "".join(out)


def _quote(q: Quote, pictures: Pictures = _NO_PICTURES, followers: bool = True) -> str:
    """A quoted post; ``followers`` False: the stream gives no follower counts (an R
    export, a CSV without the column), so none is shown rather than a false 0."""
    tone = q.tag or "neutral"
    reach = f" ({_followers(q.followers)} followers)" if followers else ""
    return (
        f'<blockquote class="{escape(tone)}"><div>{escape(q.text)}</div>'
        f"{_pictures_of(pictures.by_post.get(q.id, []))}"
        f'<div class="meta">@{escape(q.handle)}{reach} · '
        f"{escape(_when(q.at))} · {escape(q.kind)}{' · ' + escape(q.tag) if q.tag else ''}</div>"
        "</blockquote>"
    )


def render(
    story: Story,
    topics: Sequence[Topic],
    languages: dict[str, Any] | None = None,
    pictures: Pictures = _NO_PICTURES,
) -> str:
    """The chronicle of ``story`` as one HTML document (``languages``: the store's
    language mix of the campaign, :meth:`~foretold.store.Store.dashboard_languages`;
    ``pictures``: what was read in the campaign's pictures, :class:`Pictures`)."""
    s = story
    tags = ", ".join(s.hashtags) or s.campaign
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        f"<title>Chronicle: {escape(tags)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(tags)}: chronicle of a campaign</h1>",
        f'<p class="sub">Campaign <b>{escape(s.campaign)}</b>, {_owner_line(s)}; '
        f"{s.posts:,} posts from {escape(_when(s.start))} to {escape(_when(s.end))}. "
        "Written by foretold from the stored stream after the fact.</p>",
        _owner_hint(s),
        _story_section(s, pictures),
        "<h2>Charts</h2>",
        *_charts(s),
        _amplifier_section(s),
        _press_section(s, pictures),
        _brand_section(s),
        _topic_section(topics),
        _meme_section(pictures),
        language_section(languages) if languages is not None else "",
        _alert_section(s),
        coordination_section(s.alerts),
        _aftermath_section(s),
        _phase_table(s),
        "</body></html>",
    ]
    return "\n".join(parts)


def _owner_line(s: Story) -> str:
    if not s.owner:
        return "owner unknown"
    if not s.followers_known:
        return f"owner @{escape(s.owner)}"
    return f"owner @{escape(s.owner)} ({_followers(s.owner_followers)} followers)"


#: What the chronicle says when it cannot tell the brand's own posts.
OWNER_HINT = (
    "The campaign names no owner, so the brand's own posts (the launch, the invitations, "
    "the response and its delay) cannot be told apart. Track the brand's handle too "
    "(<code>--track @handle</code>, or <code>handles</code> in the config) or set "
    '<code>owner = "@handle"</code> in its <code>[[campaign]]</code>, and replay.'
)


def _owner_hint(s: Story) -> str:
    if s.owner and s.owner_posts:
        return ""
    if s.owner:
        return (
            f'<p class="note">@{escape(s.owner)} posted nothing in the campaign, so it has no '
            "launch post and no response: if the brand posts from another account, set that "
            "handle as <code>owner</code> in its <code>[[campaign]]</code>.</p>"
        )
    return f'<p class="note">{OWNER_HINT}</p>'


def _story_section(s: Story, pictures: Pictures = _NO_PICTURES) -> str:
    out = ["<h2>The story</h2>"]
    owner_first = s.owner_posts[0] if s.owner_posts else None
    for p in s.phases:
        title = _PHASE_TITLES.get(p.name, p.name)
        out.append(f"<h3>{escape(title)} <span class='sub'>{escape(_when(p.at))}</span></h3>")
        if p.name == "launch" and owner_first:
            out.append(f"<p>@{escape(s.owner)} opened the campaign:</p>")
            out.append(
                _quote(
                    Quote(
                        owner_first.at,
                        s.owner,
                        s.owner_followers,
                        owner_first.text,
                        owner_first.kind,
                    ),
                    followers=s.followers_known,
                )
            )
            n = sum(
                1
                for o in s.owner_posts
                if s.phase("tipping_point") is None or o.after_tipping is None
            )
            out.append(
                f"<p>Before the storm the brand posted {n} times (invitations, reminders and replies).</p>"
            )
        elif p.name == "first_weak_signal" and p.source == "derived":
            out.append(
                "<p>Looking back from the storm: the earliest run of posts that carried its "
                "grievances and its phrasing, leading into it. The first of them:</p>"
            )
            out.extend(_quote(q, pictures, s.followers_known) for q in s.weak_signals)
        elif p.name == "first_weak_signal":
            out.append(
                "<p>foretold's detector saw the first weak signals (its first non-quiet phase "
                "of the episode). The first mocking or hostile posts from then on:</p>"
            )
            out.extend(_quote(q, pictures, s.followers_known) for q in s.weak_signals)
        elif p.name == "negative_turn":
            out.append(
                "<p>Hostility started bursting: the detector moved to the negative turn.</p>"
            )
        elif p.name == "tipping_point":
            joined = [a for a in s.amplifiers if p.at <= a.joined <= p.at + timedelta(hours=2)]
            who = ", ".join(f"@{escape(a.handle)} ({_followers(a.followers)})" for a in joined[:6])
            out.append(
                "<p>The few negative posts turned into a sustained stream of hostile ones."
                + (f" Big accounts joined within two hours: {who}." if who else "")
                + "</p>"
            )
        elif p.name == "peak":
            out.append("<p>The busiest 15 minutes of the campaign began.</p>")
        elif p.name == "press_pickup" and s.press:
            out.append(
                "<p>The first news account linked a news site:</p>"
                + _quote(s.press[0], pictures, s.followers_known)
            )
        elif p.name == "brand_response":
            tip = s.phase("tipping_point")
            first = next((o for o in s.owner_posts if o.at == p.at), None)
            if first and tip:
                out.append(
                    f"<p>{_delta(p.at - tip.at)} after the tipping point, @{escape(s.owner)} posted:</p>"
                )
                out.append(
                    _quote(
                        Quote(first.at, s.owner, s.owner_followers, first.text, first.kind),
                        followers=s.followers_known,
                    )
                )
        elif p.name == "end":
            out.append("<p>The stream ends; see the aftermath below.</p>")
        out.append(f"<p class='note'>{escape(p.source)}: {escape(p.note)}</p>")
    return "\n".join(out)


def _marks(s: Story) -> list[Mark]:
    out = [
        Mark(to_us(p.at), p.name.replace("_", " "), "#555")
        for p in s.phases
        if p.name not in ("end",)
    ]
    out += [
        Mark(
            to_us(datetime.fromisoformat(a["at"].replace("Z", "+00:00"))),
            f"{a['level']}: {a.get('summary', '')}",
            LEVEL_COLOURS.get(a["level"], "#000"),
            "dot",
        )
        for a in s.alerts
    ]
    return out


def _charts(s: Story) -> list[str]:
    f = s.frame
    own = f.own_words & f.labelled
    charts = []
    windows = [(int(f.t[0]), int(f.t[-1]), "whole campaign")]
    tip = s.phase("tipping_point")
    if tip is not None:
        windows.append(
            (
                to_us(tip.at - timedelta(hours=6)),
                int(f.t[-1]),
                "the storm, from 6 h before the tipping point",
            )
        )
    for lo, hi, label in windows:
        width = bin_width_us(hi - lo + 1, 240)
        n = (hi - lo) // width + 1
        sel = (f.t >= lo) & (f.t <= hi)
        t = f.t[sel]
        unit = f"{width // 60_000_000} min"
        marks = [m for m in _marks(s) if lo <= m.at_us <= hi]
        charts.append(
            timeline(
                [
                    Series("all posts", bins(t, lo, width, n), "#4469aa"),
                    Series("hostile posts", bins(f.t[sel & f.hostile], lo, width, n), "#c00020"),
                ],
                t0=lo,
                width_us=width,
                title=f"Posts per {unit}: {label}",
                marks=marks,
            )
        )
        total = np.maximum(bins(f.t[sel & own], lo, width, n), 1)
        hostile = bins(f.t[sel & own & f.hostile], lo, width, n) / total
        mocking = bins(f.t[sel & own & f.mocking & ~f.hostile], lo, width, n) / total
        negative = bins(f.t[sel & own & f.negative & ~f.hostile & ~f.mocking], lo, width, n) / total
        charts.append(
            timeline(
                [
                    Series("hostile", hostile, "#c00020"),
                    Series("mocking (irony)", mocking, "#d9a400"),
                    Series("other negative", negative, "#8a5a9a"),
                ],
                t0=lo,
                width_us=width,
                title=f"Label mix of posts in the authors' own words: {label}",
                marks=marks,
                stacked=True,
            )
        )
        reach = bins(t, lo, width, n, f.followers[sel].astype(np.float64))
        charts.append(
            timeline(
                [Series("followers reached", reach, "#2a8a2a")],
                t0=lo,
                width_us=width,
                title=f"Reach (followers of the posting accounts, log scale): {label}",
                marks=marks,
                log=True,
            )
        )
    return charts


def _amplifier_section(s: Story) -> str:
    rows = "".join(
        f"<tr><td>{escape(_when(a.joined))}</td><td>@{escape(a.handle)}</td><td>{escape(a.name)}</td>"
        f"<td>{_followers(a.followers)}</td><td>{escape(a.role)}</td><td>{escape(a.tone)}</td>"
        f"<td>{escape(a.text[:160])}</td></tr>"
        for a in s.amplifiers
    )
    return (
        "<h2>Who joined, and when</h2><p>Accounts with 20k followers or more, by their first post "
        "(press and organised groups, the first to join around the tipping point, the biggest).</p>"
        "<table><tr><th>joined</th><th>account</th><th>name</th><th>followers</th><th>role</th>"
        f"<th>tone</th><th>first post</th></tr>{rows}</table>"
    )


def _press_section(s: Story, pictures: Pictures = _NO_PICTURES) -> str:
    if not s.press:
        return "<h2>Press pickup</h2><p>No news account linked a news site.</p>"
    return "<h2>Press pickup</h2>" + "".join(
        _quote(q, pictures, s.followers_known) for q in s.press
    )


def _brand_section(s: Story) -> str:
    tip = s.phase("tipping_point")
    rows = "".join(
        f"<tr><td>{escape(_when(o.at))}</td><td>{escape(o.kind)}</td>"
        f"<td>{escape(_delta(o.after_tipping)) if o.after_tipping is not None else 'before'}</td>"
        f"<td>{escape(o.text)}</td></tr>"
        for o in s.owner_posts
    )
    lead = ""
    if tip is not None:
        after = [o for o in s.owner_posts if o.after_tipping is not None]
        lead = (
            "<p>The brand's first post after the tipping point came "
            f"{_delta(after[0].after_tipping or timedelta())} after it.</p>"
            if after
            else "<p>The brand did not post after the tipping point.</p>"
        )
    return (
        f"<h2>The brand's responses</h2>{lead}<table><tr><th>when</th><th>kind</th>"
        f"<th>after the tipping point</th><th>text</th></tr>{rows}</table>"
    )


def _topic_section(topics: Sequence[Topic]) -> str:
    if not topics:
        return "<h2>Grievances</h2><p>Too few hostile or negative posts to group.</p>"
    out = [
        "<h2>Grievances</h2><p>Hostile and negative posts in the authors' own words and their "
        "reposts, grouped by the words they share (TF-IDF and seeded k-means); each topic is "
        "named by its top terms.</p>"
    ]
    for tp in topics:
        out.append(
            f"<h3>{escape(', '.join(tp.terms))} <span class='sub'>"
            f"{tp.share:.0%} of the weight, {tp.posts:,} posts</span></h3>"
        )
        out.extend(
            f"<blockquote><div>{escape(text)}</div><div class='meta'>shared {n:,} times</div></blockquote>"
            for text, n in tp.examples
        )
    return "\n".join(out)


def _alert_section(s: Story) -> str:
    response = s.phase("brand_response")
    rows = []
    for a in s.alerts:
        at = datetime.fromisoformat(a["at"].replace("Z", "+00:00"))
        lead = (
            _delta(response.at - at) + " before"
            if response and at <= response.at
            else "after"
            if response
            else ""
        )
        lvl = escape(a["level"])
        rows.append(
            f"<tr><td>{escape(_when(at))}</td><td class='lvl {lvl}'>{lvl}</td>"
            f"<td>{escape(lead)}</td><td>{escape(a.get('summary', ''))}</td></tr>"
        )
    if not rows:
        return "<h2>What foretold said</h2><p>No alerts were raised.</p>"
    return (
        "<h2>What foretold said, against when the brand acted</h2><table><tr><th>alert</th><th>level</th>"
        "<th>lead over the brand's response</th><th>summary</th></tr>" + "".join(rows) + "</table>"
    )


def _aftermath_section(s: Story) -> str:
    a = s.aftermath
    if not a:
        return ""
    return (
        "<h2>The aftermath</h2>"
        f"<p>Between the tipping point and the brand's response: {a['storm_posts']:,.0f} posts "
        f"({a['storm_posts_per_h']:,.0f} an hour), {a['storm_hostile_share']:.0%} of them hostile. "
        f"After the response: {a['after_posts']:,.0f} posts ({a['after_posts_per_h']:,.0f} an hour), "
        f"{a['after_hostile_share']:.0%} hostile and {a['after_mocking_share']:.0%} mocking.</p>"
    )


def _phase_table(s: Story) -> str:
    rows = "".join(
        f"<tr><td>{escape(p.name)}</td><td>{escape(_when(p.at))}</td><td>{escape(p.source)}</td><td>{escape(p.note)}</td></tr>"
        for p in s.phases
    )
    det = "".join(
        f"<tr><td>{escape(ph)}</td><td>{escape(_when(at))}</td></tr>"
        for at, ph in s.detector_phases
    )
    return (
        "<h2>Phases</h2><table><tr><th>phase</th><th>start</th><th>source</th><th>how</th></tr>"
        f"{rows}</table><h3>The detector's phases, as it labelled them live</h3><table>{det}</table>"
    )


def _meme_section(pictures: Pictures) -> str:
    if not pictures.memes:
        return ""
    rows = "".join(
        f"<tr><td>{_thumb(pictures.thumbs.get(m['phash']))}</td>"
        f"<td>{m['posts']:,}</td><td>{m['accounts']:,}</td>"
        f"<td>{escape(_when(datetime.fromisoformat(m['first_at'])))}</td>"
        f"<td>{escape(m['text'] or '')}</td><td>{escape(m['alt_text'] or '')}</td></tr>"
        for m in pictures.memes
    )
    return (
        "<h2>The most repeated pictures</h2><p>Pictures posted again and again during the "
        "storm, counted as one when their perceptual hashes are within "
        f"{MEME_NEAR_BITS} bits (a meme re-saved or recompressed by each account), with the "
        "text read in them and an alt text one of their posts gave.</p>"
        "<table><tr><th>picture</th><th>posts</th><th>accounts</th><th>first seen</th>"
        f"<th>text in the picture</th><th>alt text</th></tr>{rows}</table>"
    )


def _thumb(data_uri: str | None) -> str:
    if not data_uri:
        return '<span class="note">not kept</span>'
    return f'<img class="thumb" alt="" src="{escape(data_uri)}">'


#: perceptual hashes this many bits apart count as one picture in the chronicle's table
MEME_NEAR_BITS = 6
#: the largest local copy embedded in the chronicle as a thumbnail (the file stays small)
THUMB_BYTES = 256 << 10


def pictures_of(
    store: Store, story: Story, media_dirs: Sequence[Path] = (), limit: int = 10
) -> Pictures:
    """What the chronicle shows of ``story``'s pictures (see :class:`Pictures`). A
    repeated picture's thumbnail is embedded from its local copy only when that lies in
    ``media_dirs`` or the watch's cache ``NAME.media`` beside the store."""
    ids = [q.id for q in (*story.weak_signals, *story.press) if q.id]
    by_post = store.post_images(story.campaign, ids) if ids else {}
    memes = store.repeated_images(
        story.campaign, to_us(story.start), to_us(story.end) + 1, limit, near=MEME_NEAR_BITS
    )
    roots = list(media_dirs)
    if store.path != ":memory:":
        cache = Path(store.path).with_suffix(".media")
        if cache.is_dir():
            roots.append(cache)
    thumbs = {}
    for m in memes:
        found = picture(m["cache_path"], roots, THUMB_BYTES) if m["cache_path"] else None
        if found is not None:
            thumbs[m["phash"]] = f"data:{found[1]};base64,{base64.b64encode(found[0]).decode()}"
    return Pictures(by_post, memes, thumbs)


def write_chronicle(
    store: Store, campaign: str, out: str | Path, media_dirs: Sequence[Path] = ()
) -> Story:
    """Write the chronicle of ``campaign`` to ``out``; returns the story it tells.
    ``media_dirs``: folders whose pictures may be embedded as thumbnails."""
    story = build_story(store, campaign)
    topics = grievance_topics(story.frame, owner=story.owner)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    languages = store.dashboard_languages(campaign)
    pictures = pictures_of(store, story, media_dirs)
    Path(out).write_text(render(story, topics, languages, pictures), encoding="utf-8")
    return story


__all__ = ["Pictures", "pictures_of", "render", "to_time", "write_chronicle"]
