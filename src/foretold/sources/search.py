"""One-shot search of recent posts about a brand, through the configured live sources.

``foretold precheck --config`` asks every ``[[source]]`` that can search for the
posts of the last days about a brand and its hashtag:

- X: recent search for ``(#tag OR "Brand Name" OR BrandName) -is:retweet`` (the
  stream rule of a campaign made of the hashtag and the brand, retweets left out:
  they repeat other posts' words and would spend the post budget), from ``start_time``
  (at most 7 days back), every page through ``next_token``;
- Mastodon: the hashtag timeline of each instance, newest first, ``max_id`` page after
  page back to the start time, for the hashtag and for the brand written as one word;
- file tails and Bluesky Jetstream cannot search: they are skipped with a note.

Each source is built from its table exactly as ``foretold watch`` builds it, so the
requests, parsing, rate-limit waits and errors are the live sources' own.

>>> brand_campaign("JP Morgan", "#AskJPM").keywords
('JP Morgan', 'JPMorgan')
>>> brand_tags("JP Morgan", "#AskJPM")
['askjpm', 'jpmorgan']
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from foretold.campaigns import Campaign
from foretold.clock import Clock
from foretold.errors import ConfigError
from foretold.ingest import IngestStats, Quarantine
from foretold.sources.base import SearchProgress, SearchResult
from foretold.sources.config import build_sources


@runtime_checkable
class Searcher(Protocol):
    """A source that can search back in time (X, Mastodon)."""

    name: str

    def search(
        self,
        since: datetime,
        max_posts: int,
        on_progress: Callable[[SearchProgress], None] | None = None,
        max_wait_s: float = 900.0,
    ) -> SearchResult: ...


def brand_campaign(brand: str, hashtag: str) -> Campaign:
    """The campaign a search looks for: the hashtag, the brand's name and its one-word form."""
    words = " ".join(brand.split())
    keywords = [words] if words else []
    joined = words.replace(" ", "")
    if joined and joined != words:
        keywords.append(joined)
    tags = (hashtag,) if hashtag.strip("# ") else ()
    if not (keywords or tags):
        raise ConfigError("search: give a brand name or a hashtag")
    return Campaign("precheck", hashtags=tags, keywords=tuple(keywords))


def brand_tags(brand: str, hashtag: str) -> list[str]:
    """Hashtags to read timelines of: the hashtag, and the brand as one word when that is one."""
    tags = [hashtag.lstrip("#").lower()] if hashtag.strip("# ") else []
    joined = "".join(brand.split()).lower()
    if re.fullmatch(r"\w+", joined) and joined not in tags:
        tags.append(joined)
    return tags


def searchers(
    tables: Sequence[Mapping[str, Any]],
    brand: str,
    hashtag: str,
    env: Mapping[str, str],
    stats: IngestStats,
    quarantine: Quarantine,
    clock: Clock | None = None,
    rng: random.Random | None = None,
) -> tuple[list[Searcher], list[str]]:
    """The sources of ``tables`` set to search for the brand, and a note per source skipped.

    X tables search the brand's campaign (not the config's campaigns); Mastodon tables
    read the brand's hashtags (not the hashtags they watch).
    """
    tags = brand_tags(brand, hashtag)
    chosen: list[Mapping[str, Any]] = []
    skipped: list[str] = []
    for i, t in enumerate(tables):
        if t.get("type") == "mastodon":
            if not tags:
                where = t.get("instance", f"[[source]] #{i + 1}")
                skipped.append(f"mastodon {where}: no hashtag to read (give --hashtag); skipped")
                continue
            t = {**t, "hashtags": tags}
        chosen.append(t)
    built = build_sources(chosen, [brand_campaign(brand, hashtag)], env, stats, quarantine,
                          clock, rng)  # fmt: skip
    can: list[Searcher] = [s for s in built if isinstance(s, Searcher)]
    skipped += [
        f"{s.name}: a {s.kind} source cannot search back in time; skipped"
        for s in built
        if not isinstance(s, Searcher)
    ]
    return can, skipped
