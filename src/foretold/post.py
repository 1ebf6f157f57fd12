"""The Post record: one public post from any platform, in one normalised shape.

Every reader in :mod:`foretold.formats` turns a platform record into ``Post``
objects; every later stage (understanding, windows, detectors, store, reports)
reads only this shape. ``to_dict`` / ``Post.from_dict`` are the round trip to the
normalised JSON that ``foretold export --format jsonl`` writes and the
``foretold`` reader takes back.

>>> from datetime import datetime, timezone
>>> post = Post(platform="x", id="1", text="What is the max wealth allowed into Heaven? #AskJPM",
...             created_at=datetime(2013, 11, 13, 21, 4, tzinfo=timezone.utc),
...             author=Author(id="42", handle="someone", followers=1200),
...             hashtags=("askjpm",))
>>> Post.from_dict(post.to_dict()) == post
True
>>> post.key
('x', '1')

A post's pictures and videos are :class:`Media` items in ``media``, in the platform's
order; the normalised JSON keeps them as a list of ``{type, url, alt_text, key}``:

>>> meme = Media(type="photo", url="https://pbs.twimg.com/media/Fa1.jpg",
...              alt_text="a bank vault", key="3_1")
>>> with_meme = Post(platform="x", id="2", text="lol", created_at=post.created_at,
...                  author=post.author, media=(meme,))
>>> with_meme.to_dict()["media"]
[{'type': 'photo', 'url': 'https://pbs.twimg.com/media/Fa1.jpg', 'alt_text': 'a bank vault', 'key': '3_1'}]
>>> Post.from_dict(with_meme.to_dict()) == with_meme
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, cast

import orjson

INT64 = (-(2**63), 2**63 - 1)  # the counts a SQLite INTEGER (and so the store) can hold

Kind = Literal["original", "reply", "repost", "quote"]
KINDS: tuple[Kind, ...] = ("original", "reply", "repost", "quote")


@dataclass(slots=True)
class Author:
    """Who wrote a post, as the platform described them when the post was read."""

    id: str
    handle: str = ""
    name: str = ""
    followers: int | None = None
    following: int | None = None
    posts: int | None = None
    verified: bool = False
    description: str = ""
    created_at: datetime | None = None


@dataclass(slots=True)
class Counts:
    """Engagement counts as last seen; updated when the same post is seen again."""

    reposts: int = 0
    replies: int = 0
    likes: int = 0
    quotes: int = 0


@dataclass(slots=True)
class Ref:
    """A post this post replies to, quotes or reposts: its id and, when known, its author."""

    id: str
    author_id: str = ""
    author_handle: str = ""


@dataclass(frozen=True, slots=True)
class Media:
    """One picture, video or GIF attached to a post, as its platform described it.

    ``type`` is the platform's own word (``photo``, ``video``, ``animated_gif`` on X;
    ``image`` on Bluesky; ``image``, ``gifv``, ``video`` on Mastodon). ``url`` is the
    full-size address (for a video, its preview picture), ``alt_text`` the description
    the author wrote, ``key`` the platform's id of the file (X ``media_key`` or
    ``id_str``, the Bluesky blob CID, the Mastodon attachment id). See docs/media.md.
    """

    type: str
    url: str | None = None
    alt_text: str | None = None
    key: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """The normalised JSON shape: ``{type, url, alt_text, key}``."""
        return {"type": self.type, "url": self.url, "alt_text": self.alt_text, "key": self.key}

    @classmethod
    def from_dict(cls, data: object) -> Media:
        """A Media from :meth:`to_dict` output; raises KeyError/TypeError."""
        if not isinstance(data, dict):
            raise TypeError(f"expected a media object, got {type(data).__name__}")
        return cls(
            type=_str(data["type"]),
            url=_opt_str(data.get("url")),
            alt_text=_opt_str(data.get("alt_text")),
            key=_opt_str(data.get("key")),
        )


def media_json(media: tuple[Media, ...]) -> str:
    """A post's media as one JSON list (the store's and the CSV export's ``media`` cell);
    no media is the empty string.

    >>> media_json(()), media_from_json(media_json((Media("photo", key="k"),)))
    ('', (Media(type='photo', url=None, alt_text=None, key='k'),))
    """
    if not media:
        return ""
    return orjson.dumps([m.to_dict() for m in media]).decode()


def media_from_json(value: str | None) -> tuple[Media, ...]:
    """What :func:`media_json` wrote, back as Media; raises ValueError/TypeError/KeyError."""
    if not value:
        return ()
    items = orjson.loads(value)
    if not isinstance(items, list):
        raise TypeError(f"media: expected a list, got {type(items).__name__}")
    return tuple(Media.from_dict(item) for item in items)


@dataclass(slots=True)
class Post:
    """One public post in foretold's normalised shape.

    ``created_at`` is timezone-aware UTC. ``hashtags`` are lower-cased without ``#``;
    ``mentions`` are lower-cased handles without ``@``; ``urls`` are expanded;
    ``domains`` are their host names without ``www.``. ``raw`` is the original
    record as JSON bytes, kept so nothing the platform said is lost.
    """

    platform: str
    id: str
    text: str
    created_at: datetime
    author: Author
    counts: Counts = field(default_factory=Counts)
    kind: Kind = "original"
    reply_to: Ref | None = None
    quote_of: Ref | None = None
    repost_of: Ref | None = None
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    lang: str | None = None
    conversation_id: str | None = None
    withheld: bool = False
    raw: bytes = b""
    media: tuple[Media, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        """The identity of a post across runs: (platform, id)."""
        return (self.platform, self.id)

    def to_dict(self) -> dict[str, Any]:
        """The normalised JSON shape (``raw`` left out: it is the platform's, not ours)."""
        return {
            "platform": self.platform,
            "id": self.id,
            "text": self.text,
            "created_at": format_time(self.created_at),
            "author": {
                "id": self.author.id,
                "handle": self.author.handle,
                "name": self.author.name,
                "followers": self.author.followers,
                "following": self.author.following,
                "posts": self.author.posts,
                "verified": self.author.verified,
                "description": self.author.description,
                "created_at": format_time(self.author.created_at)
                if self.author.created_at
                else None,
            },
            "counts": {
                "reposts": self.counts.reposts,
                "replies": self.counts.replies,
                "likes": self.counts.likes,
                "quotes": self.counts.quotes,
            },
            "kind": self.kind,
            "reply_to": _ref_dict(self.reply_to),
            "quote_of": _ref_dict(self.quote_of),
            "repost_of": _ref_dict(self.repost_of),
            "hashtags": list(self.hashtags),
            "mentions": list(self.mentions),
            "urls": list(self.urls),
            "domains": list(self.domains),
            "lang": self.lang,
            "conversation_id": self.conversation_id,
            "withheld": self.withheld,
            "media": [m.to_dict() for m in self.media],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], raw: bytes = b"") -> Post:
        """Build a Post from :meth:`to_dict` output; raises KeyError/TypeError/ValueError."""
        a = data["author"]
        c = data.get("counts") or {}
        kind = data.get("kind", "original")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        return cls(
            platform=_str(data["platform"]),
            id=_str(data["id"]),
            text=_str(data["text"]),
            created_at=parse_time(data["created_at"]),
            author=Author(
                id=_str(a["id"]),
                handle=_str(a.get("handle") or ""),
                name=_str(a.get("name") or ""),
                followers=_opt_int(a.get("followers")),
                following=_opt_int(a.get("following")),
                posts=_opt_int(a.get("posts")),
                verified=bool(a.get("verified", False)),
                description=_str(a.get("description") or ""),
                created_at=parse_time(a["created_at"]) if a.get("created_at") else None,
            ),
            counts=Counts(
                reposts=_int(c.get("reposts", 0)),
                replies=_int(c.get("replies", 0)),
                likes=_int(c.get("likes", 0)),
                quotes=_int(c.get("quotes", 0)),
            ),
            kind=cast(Kind, kind),
            reply_to=_ref(data.get("reply_to")),
            quote_of=_ref(data.get("quote_of")),
            repost_of=_ref(data.get("repost_of")),
            hashtags=tuple(_str(h) for h in data.get("hashtags") or ()),
            mentions=tuple(_str(m) for m in data.get("mentions") or ()),
            urls=tuple(_str(u) for u in data.get("urls") or ()),
            domains=tuple(_str(d) for d in data.get("domains") or ()),
            lang=data.get("lang"),
            conversation_id=data.get("conversation_id"),
            withheld=bool(data.get("withheld", False)),
            raw=raw,
            media=_media_list(data.get("media")),
        )


@dataclass(slots=True)
class Deletion:
    """A platform said a post was deleted (v1.1 ``delete``, Jetstream delete commit, ...)."""

    platform: str
    id: str


def format_time(t: datetime) -> str:
    """UTC time as ``2013-11-13T21:04:00.000Z`` (the X API v2 style); microseconds
    are written only when the time has them, so nothing is rounded away."""
    t = t.astimezone(UTC)
    us = t.microsecond
    frac = f"{us // 1000:03d}" if us % 1000 == 0 else f"{us:06d}"
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + frac + "Z"


def parse_time(value: object) -> datetime:
    """ISO-8601 text (``Z`` or offset) or epoch seconds to an aware UTC datetime."""
    if isinstance(value, datetime):
        t = value
    elif isinstance(value, str):
        t = datetime.fromisoformat(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=UTC)
    else:
        raise TypeError(f"expected a time, got {type(value).__name__}")
    if t.tzinfo is None:
        return t.replace(tzinfo=UTC)
    return t.astimezone(UTC)


def _ref_dict(ref: Ref | None) -> dict[str, str] | None:
    if ref is None:
        return None
    return {"id": ref.id, "author_id": ref.author_id, "author_handle": ref.author_handle}


def _ref(data: object) -> Ref | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise TypeError(f"expected a reference object, got {type(data).__name__}")
    return Ref(
        id=_str(data["id"]),
        author_id=_str(data.get("author_id") or ""),
        author_handle=_str(data.get("author_handle") or ""),
    )


def _media_list(data: object) -> tuple[Media, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        raise TypeError(f"media: expected a list, got {type(data).__name__}")
    return tuple(Media.from_dict(item) for item in data)


def _opt_str(value: object) -> str | None:
    return None if value is None else _str(value)


def _str(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"expected text, got {type(value).__name__}")


def _int(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        if INT64[0] <= value <= INT64[1]:
            return value
        raise TypeError("an integer beyond 64 bits")
    raise TypeError(f"expected an integer, got {type(value).__name__}")


def _opt_int(value: object) -> int | None:
    return None if value is None else _int(value)
