"""Alerts that explain themselves: one plain sentence and the evidence behind it.

The sentence names the share of hostile posts against the campaign's own baseline,
how far hostile volume is above normal, who joined and whether the press links to
it; the evidence names the posts, the people (with follower counts), the links and
the numbers.

>>> from foretold.signals import Note
>>> notes = [Note("amplifier", "9", "occupy_the_banks", 192_000),
...          Note("hostile", "7", "amy10506", 900), Note("link", "8", "x", 10, "http://a.org/doc")]
>>> people(notes, 3)
['@occupy_the_banks (192k followers)', '@amy10506 (900 followers)']
>>> top_links(notes + [Note("news", "5", "huff", 1, "https://huffpost.com/a")], 5)
['http://a.org/doc', 'https://huffpost.com/a']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from foretold.alerts import followers_text, percent
from foretold.campaigns import Campaign
from foretold.signals import Note, WindowSignals


def display_name(c: Campaign) -> str:
    """How a person calls the campaign: its first hashtag, else handle, else name."""
    if c.hashtags:
        return "#" + c.hashtags[0]
    if c.handles:
        return "@" + c.handles[0]
    return c.name


def notable_posts(notes: Sequence[Note], n: int) -> list[str]:
    """Ids of the amplifiers' and the biggest hostile accounts' posts, biggest first."""
    ranked = sorted(
        (x for x in notes if x.kind in ("amplifier", "hostile")),
        key=lambda x: (x.kind != "amplifier", -x.followers, x.created_us, x.post_id),
    )
    out: list[str] = []
    for x in ranked:
        if x.post_id not in out:
            out.append(x.post_id)
        if len(out) == n:
            break
    return out


def people(notes: Sequence[Note], n: int) -> list[str]:
    """``@handle (192k followers)`` for amplifiers first, then hostile authors, biggest first."""
    ranked = sorted(
        (x for x in notes if x.kind in ("amplifier", "hostile")),
        key=lambda x: (x.kind != "amplifier", -x.followers, x.handle),
    )
    seen: set[str] = set()
    out: list[str] = []
    for x in ranked:
        if x.handle.lower() in seen:
            continue
        seen.add(x.handle.lower())
        out.append(f"@{x.handle} ({followers_text(x.followers)} followers)")
        if len(out) == n:
            break
    return out


def top_links(notes: Sequence[Note], n: int) -> list[str]:
    """The most shared outside links (documents, petitions, news), most shared first."""
    counts = Counter(x.url for x in notes if x.kind in ("link", "news") and x.url)
    return [u for u, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def summary(
    level: str,
    name: str,
    w15: WindowSignals,
    w60: WindowSignals,
    baseline_share: float,
    surge: float | None,
    amplifiers: Sequence[str],
    news_links: Sequence[str],
    since: datetime | None,
    voices: int | None = None,
) -> str:
    """One plain sentence a community manager understands; ``surge`` is the hostile
    voices' ratio to the brand's normal and ``voices`` their count in the last 15 min
    (a watch on the usual mix of posts names them instead of the share)."""
    base = percent(baseline_share)
    if level == "all_clear":
        share = w60.hostile_share
        if share is not None and percent(share) != base and share > baseline_share:
            # calm hours without a surge, the mix still above the usual: not "normal"
            return (
                f"All clear: the surge on {name} is over; hostile posts are {percent(share)} "
                f"of the last hour (baseline {base}), no longer rising."
            )
        now = f"hostile posts {percent(share)} of the last hour" if share is not None else "calm"
        return f"All clear: {name} is back to normal ({now}, baseline {base})."
    if level == "watch":
        w, span = (w15, "15 min") if _higher(w15, w60) else (w60, "hour")
        share = w.hostile_share if w.hostile_share is not None else 0.0
        start = f" since {since.astimezone(UTC).strftime('%b %d %H:%M')} UTC" if since else ""
        if surge is not None and voices is not None and share <= baseline_share:
            # the usual mix, more of it: say what rose (the volume), not a share that did not
            return (
                f"Worth a look: more hostile posts than usual on {name}, {voices:,} with their "
                f"reposts in the last 15 min, {surge:.1f}x the usual for the hour (the usual "
                f"mix: {percent(share)} hostile, baseline {base}), building up{start}."
            )
        return (
            f"Worth a look: hostile posts are {percent(share)} of {name} "
            f"in the last {span} (baseline {base}), building up{start}."
        )
    share = w15.hostile_share if w15.hostile_share is not None else 0.0
    if level == "crisis":
        lead = "Crisis"
    elif share > baseline_share:  # a campaign's hashtag taken over; on a brand's handle
        # alone there is no campaign to hijack: many people turning on one account
        lead = "A hijack is forming" if name.startswith("#") else "A pile-on is forming"
    else:  # the share is usual: it is the volume of hostile posts that jumped (news, grief)
        lead = "Hostile volume is surging"
    text = (
        f"{lead}: hostile posts are {percent(share)} of {name} in the last 15 min (baseline {base})"
    )
    if surge is not None and surge >= 2.0:
        text += f", {w15.hostile:,} of them, {surge:.0f}x the usual"
    if amplifiers:
        text += "; " + " and ".join(amplifiers[:2]) + " joined"
    if news_links:
        text += "; news sites link to it"
    return text + "."


def _higher(a: WindowSignals, b: WindowSignals) -> bool:
    """Whether window ``a`` has the higher hostile share (on at least 10 labelled posts)."""
    if a.hostile_share is None or a.labelled < 10:
        return False
    return b.hostile_share is None or b.labelled < 10 or a.hostile_share > b.hostile_share


def when(us: int) -> datetime:
    """Stream microseconds to an aware UTC datetime."""
    return _EPOCH + timedelta(microseconds=us)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
