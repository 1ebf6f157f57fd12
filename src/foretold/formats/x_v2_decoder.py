"""A typed decoder for the common case: one twarc2-flattened tweet per line.

``orjson.loads`` builds a dict for every object in a line (the author, metrics,
entities, context annotations, ``__twarc``, ...) and :func:`x_v2.parse` then walks
them. msgspec decodes straight into the few typed fields a Post needs and skips
the rest, about twice as fast for the whole step. It is a fast path only:

- it answers ``None`` for anything it is not sure of (a field of an unexpected
  type, a long ``note_tweet``, not JSON at all, another platform's shape), and the
  caller then takes the general path (``orjson`` + :mod:`foretold.formats`), which
  also gives the quarantine reason;
- where it answers, the Post equals what :func:`x_v2.parse` makes of the same line
  (a property test checks this on fixtures, a generated stream and mutated records).

>>> line = (b'{"id": "9", "text": "Q &amp; A #AskJPM", "created_at": "2013-11-13T21:04:00.000Z",'
...         b' "author_id": "1", "author": {"id": "1", "username": "Ann"},'
...         b' "entities": {"hashtags": [{"start": 6, "end": 13, "tag": "AskJPM"}]}}')
>>> post = decode_tweet(line)
>>> post.text, post.hashtags, post.author.handle
('Q & A #AskJPM', ('askjpm',), 'Ann')
>>> decode_tweet(b'{"id": 9}') is None
True
"""

from __future__ import annotations

from typing import Any

import msgspec

from foretold.errors import FormatError
from foretold.formats.fields import domains_of, iso_time
from foretold.formats.x_v2 import _KIND_OF_REF, _KIND_RANK, PLATFORM, _unescape
from foretold.post import Author, Counts, Kind, Post, Ref

UNSET = msgspec.UNSET


class _Metrics(msgspec.Struct):
    retweet_count: int = 0
    reply_count: int = 0
    like_count: int = 0
    quote_count: int = 0


class _UserMetrics(msgspec.Struct):
    followers_count: int | None = None
    following_count: int | None = None
    tweet_count: int | None = None


class _User(msgspec.Struct):
    username: str | None = None
    name: str | None = None
    description: str | None = None
    verified: bool | None = None
    created_at: str | None = None
    public_metrics: _UserMetrics | None = None


class _Tag(msgspec.Struct):
    tag: str


class _Mention(msgspec.Struct):
    username: str


class _Url(msgspec.Struct):
    url: str | None = None
    expanded_url: str | None = None
    unwound_url: str | None = None


class _Entities(msgspec.Struct):
    hashtags: list[_Tag] | None = None
    mentions: list[_Mention] | None = None
    urls: list[_Url] | None = None


class _RefUser(msgspec.Struct):
    username: str | None = None


class _Referenced(msgspec.Struct):
    type: str
    id: str
    text: str | msgspec.UnsetType = UNSET
    author_id: str | None = None
    author: _RefUser | None = None
    entities: _Entities | None = None


class _Tweet(msgspec.Struct):
    id: str
    text: str
    created_at: str
    author_id: str
    author: _User | None = None
    public_metrics: _Metrics | None = None
    entities: _Entities | None = None
    referenced_tweets: list[_Referenced] | None = None
    in_reply_to_user_id: Any = None
    conversation_id: Any = None
    lang: Any = None
    withheld: Any = None
    note_tweet: Any = None


_decoder = msgspec.json.Decoder(_Tweet)


def decode_tweet(line: bytes) -> Post | None:
    """The Post of a flattened-tweet line, or None when the general path must decide."""
    try:
        t = _decoder.decode(line)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    if t.note_tweet is not None or not t.id or not t.author_id:
        return None
    try:
        return _post(t, line.rstrip(b"\r\n"))
    except (FormatError, KeyError, TypeError, AttributeError):
        return None


def _post(t: _Tweet, raw: bytes) -> Post:
    text = _unescape(t.text) if "&" in t.text else t.text
    kind: Kind = "original"
    refs: dict[str, Ref] = {}
    original: _Referenced | None = None
    for r in t.referenced_tweets or ():
        rkind = _KIND_OF_REF[r.type]  # an unknown type: KeyError, the general path explains
        if r.text is UNSET:
            refs[rkind] = Ref(id=r.id)
        else:
            handle = r.author.username if r.author is not None else None
            refs[rkind] = Ref(id=r.id, author_id=r.author_id or "", author_handle=handle or "")
        if rkind == "repost":
            original = r if r.text is not UNSET else None
        if _KIND_RANK[rkind] > _KIND_RANK[kind]:
            kind = rkind
    if kind == "reply" and not refs["reply"].author_id and isinstance(t.in_reply_to_user_id, str):
        refs["reply"].author_id = t.in_reply_to_user_id

    hashtags, mentions, urls = _entities(t.entities, None)
    if original is not None and isinstance(original.text, str):
        handle = refs["repost"].author_handle
        if handle:
            text = f"RT @{handle}: {_unescape(original.text)}"
        hashtags, mentions, urls = _entities(t.entities, original.entities)

    m = t.public_metrics
    counts = Counts() if m is None or kind == "repost" else Counts(
        m.retweet_count, m.reply_count, m.like_count, m.quote_count
    )  # fmt: skip
    return Post(
        platform=PLATFORM,
        id=t.id,
        text=text,
        created_at=iso_time(t.created_at, "tweet.created_at"),
        author=_author(t.author, t.author_id),
        counts=counts,
        kind=kind,
        reply_to=refs.get("reply"),
        quote_of=refs.get("quote"),
        repost_of=refs.get("repost"),
        hashtags=hashtags,
        mentions=mentions,
        urls=urls,
        domains=domains_of(urls),
        lang=t.lang if isinstance(t.lang, str) else None,
        conversation_id=t.conversation_id if isinstance(t.conversation_id, str) else None,
        withheld=bool(t.withheld),
        raw=raw,
    )


def _author(u: _User | None, author_id: str) -> Author:
    if u is None:
        return Author(id=author_id)
    m = u.public_metrics
    return Author(
        id=author_id,
        handle=u.username or "",
        name=u.name or "",
        followers=m.followers_count if m else None,
        following=m.following_count if m else None,
        posts=m.tweet_count if m else None,
        verified=bool(u.verified),
        description=u.description or "",
        created_at=iso_time(u.created_at, "author.created_at")
        if u.created_at is not None
        else None,
    )


def _entities(
    own: _Entities | None, original: _Entities | None
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    hashtags: dict[str, None] = {}
    mentions: dict[str, None] = {}
    urls: dict[str, None] = {}
    for e in (own, original):
        if e is None:
            continue
        for h in e.hashtags or ():
            hashtags[h.tag.lower()] = None
        for mention in e.mentions or ():
            mentions[mention.username.lower()] = None
        for u in e.urls or ():
            url = u.unwound_url or u.expanded_url or u.url
            if url is not None:
                urls[url] = None
    return tuple(hashtags), tuple(mentions), tuple(urls)
