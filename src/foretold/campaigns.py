"""Campaigns: which posts belong to which campaign, from ``foretold.toml`` or ``--track``.

A post belongs to every campaign it matches: one of its hashtags, a mention of,
reply to, quote or repost of one of the campaign's handles (or a post by that
account), or one of its keywords in the text (case-insensitive, whole words).

>>> from datetime import datetime, timezone
>>> from foretold.post import Author, Post
>>> jpm = Campaign.from_track(["#AskJPM", "@jpmorgan"])
>>> jpm.name
'askjpm'
>>> p = Post(platform="x", id="1", text="Q for @JPMorgan", author=Author(id="1"),
...          created_at=datetime(2013, 11, 13, tzinfo=timezone.utc), mentions=("jpmorgan",))
>>> jpm.matches(p)
True
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from foretold.errors import ConfigError
from foretold.post import Post, parse_time
from foretold.records import Batch


@dataclass(frozen=True)
class Campaign:
    """One tracked campaign; ``hashtags`` and ``handles`` are stored lower-case, bare."""

    name: str
    hashtags: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    owner: str = ""
    launched_at: datetime | None = None
    sinks: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # ISO 639-1 codes read for it (empty: every covered one)
    _keyword_re: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)
    _tags: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)
    _handles: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", self.name):
            raise ConfigError(
                f"campaign name {self.name!r}: use 1-64 letters, digits, '_', '.' or '-'"
            )
        object.__setattr__(self, "hashtags", tuple(h.lstrip("#").lower() for h in self.hashtags))
        object.__setattr__(self, "handles", tuple(h.lstrip("@").lower() for h in self.handles))
        object.__setattr__(self, "_tags", frozenset(self.hashtags))
        object.__setattr__(self, "_handles", frozenset(self.handles))
        if self.keywords:
            words = "|".join(re.escape(k) for k in self.keywords)
            object.__setattr__(
                self, "_keyword_re", re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)
            )
        for lang in self.languages:
            if not re.fullmatch(r"[a-z]{2,3}", lang):
                raise ConfigError(
                    f"campaign {self.name!r}: language {lang!r} is not an ISO 639-1 code"
                )
        if not (self.hashtags or self.handles or self.keywords):
            raise ConfigError(
                f"campaign {self.name!r} tracks nothing: give hashtags, handles or keywords"
            )

    @classmethod
    def from_track(cls, terms: Sequence[str], name: str | None = None, owner: str = "") -> Campaign:
        """A campaign from ``--track`` terms: ``#tag``, ``@handle`` or a keyword; ``owner``
        (``--owner``) is the brand's own account."""
        if not terms:
            raise ConfigError("--track needs at least one term")
        hashtags = [t for t in terms if t.startswith("#")]
        handles = [t for t in terms if t.startswith("@")]
        keywords = [t for t in terms if not t.startswith(("#", "@"))]
        if name is None:
            first = terms[0].lstrip("#@").lower()
            name = re.sub(r"[^a-z0-9_.-]+", "-", first).strip("-") or "campaign"
        return cls(name=name, hashtags=tuple(hashtags), handles=tuple(handles),
                   keywords=tuple(keywords), owner=owner)  # fmt: skip

    def matches(self, post: Post) -> bool:
        """Whether the post belongs to this campaign."""
        if self._tags and not self._tags.isdisjoint(post.hashtags):
            return True
        if self._handles:
            handles = self._handles
            if post.author.handle.lower() in handles:
                return True
            if not handles.isdisjoint(post.mentions):
                return True
            for ref in (post.reply_to, post.quote_of, post.repost_of):
                if ref is not None and ref.author_handle.lower() in handles:
                    return True
        return self._keyword_re is not None and self._keyword_re.search(post.text) is not None

    def to_config(self) -> dict[str, Any]:
        """The campaign as its ``[[campaign]]`` table."""
        table: dict[str, Any] = {
            "name": self.name,
            "hashtags": [f"#{h}" for h in self.hashtags],
            "handles": [f"@{h}" for h in self.handles],
            "keywords": list(self.keywords),
            "owner": self.owner,
            "launched_at": self.launched_at.isoformat() if self.launched_at else None,
            "sinks": list(self.sinks),
        }
        if self.languages:
            table["languages"] = list(self.languages)
        return table


class Track:
    """The stage that fills campaign membership: which campaigns each post belongs to.

    >>> from datetime import UTC, datetime
    >>> from foretold.post import Author, Post
    >>> p = Post(platform="x", id="1", text="#AskJPM hi", author=Author(id="7"),
    ...          created_at=datetime(2013, 11, 13, tzinfo=UTC), hashtags=("askjpm",))
    >>> batch = Batch(posts=[p])
    >>> Track([Campaign.from_track(["#AskJPM"])]).process(batch)
    >>> batch.memberships
    [('askjpm', 'x', '1')]
    """

    name = "track"

    def __init__(self, campaigns: Sequence[Campaign]) -> None:
        self.campaigns = tuple(campaigns)

    def process(self, batch: Batch) -> None:
        """Add ``(campaign, platform, id)`` for every match."""
        out = batch.memberships
        for post in batch.posts:
            for c in self.campaigns:
                if c.matches(post):
                    out.append((c.name, post.platform, post.id))


def match_all(campaigns: Iterable[Campaign], post: Post) -> list[str]:
    """Names of every campaign the post belongs to."""
    return [c.name for c in campaigns if c.matches(post)]


@dataclass(frozen=True)
class Config:
    """A parsed ``foretold.toml``: campaigns, sources and sinks (the latter two as tables),
    and the ``[media]`` table."""

    campaigns: tuple[Campaign, ...]
    sources: tuple[dict[str, Any], ...] = ()
    sinks: tuple[dict[str, Any], ...] = ()
    media: dict[str, Any] = field(default_factory=dict)  # the [media] table (docs/media.md)


def load_config(path: str | Path) -> Config:
    """Read ``foretold.toml`` and check all of it (:mod:`foretold.config_check`) before
    anything runs; ConfigError names the file, the table and the key that is wrong."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError(f"cannot read config {str(path)!r}: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    from foretold.config_check import check_config, check_tables

    check_tables(data, path)
    campaigns = []
    for i, table in enumerate(data.get("campaign", [])):
        where = f"{path}: [[campaign]] #{i + 1}"
        if not isinstance(table, dict) or "name" not in table:
            raise ConfigError(f"{where}: needs a name")
        try:
            launched = table.get("launched_at")
            campaigns.append(
                Campaign(
                    name=str(table["name"]),
                    hashtags=tuple(_strings(table, "hashtags", where)),
                    handles=tuple(_strings(table, "handles", where)),
                    keywords=tuple(_strings(table, "keywords", where)),
                    owner=str(table.get("owner", "")),
                    launched_at=parse_time(launched) if launched is not None else None,
                    sinks=tuple(_strings(table, "sinks", where)),
                    languages=tuple(_strings(table, "languages", where)),
                )
            )
        except (TypeError, ValueError) as e:
            raise ConfigError(f"{where}: {e}") from None
    names = [c.name for c in campaigns]
    if len(set(names)) != len(names):
        raise ConfigError(f"{path}: campaign names must be unique, got {names}")
    config = Config(
        campaigns=tuple(campaigns),
        sources=tuple(data.get("source", [])),
        sinks=tuple(data.get("sink", [])),
        media=dict(data.get("media", {})),
    )
    check_config(config, path)
    return config


def _strings(table: dict[str, Any], key: str, where: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key} must be a list of strings")
    return value
