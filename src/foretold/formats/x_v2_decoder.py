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

from datetime import datetime
from typing import Annotated, Any

import msgspec

from foretold.errors import FormatError
from foretold.formats.fields import as_utc, domains_of
from foretold.formats.x_v2 import KIND_OF_REF, KIND_RANK, PLATFORM, unescape
from foretold.post import INT64, Author, Counts, Kind, Media, Post, Ref

UNSET = msgspec.UNSET
# counts beyond SQLite's 64-bit integers are refused here; the general path then says why
Int64 = Annotated[int, msgspec.Meta(ge=INT64[0], le=INT64[1])]


class _Metrics(msgspec.Struct):
    retweet_count: Int64 = 0
    reply_count: Int64 = 0
    like_count: Int64 = 0
    quote_count: Int64 = 0


class _UserMetrics(msgspec.Struct):
    followers_count: Int64 | None = None
    following_count: Int64 | None = None
    tweet_count: Int64 | None = None


class _User(msgspec.Struct):
    username: str | None = None
    name: str | None = None
    description: str | None = None
    verified: bool | None = None
    created_at: datetime | None = None
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


class _MediaItem(msgspec.Struct):
    media_key: str | None = None
    type: str | None = None
    url: str | None = None
    preview_image_url: str | None = None
    alt_text: str | None = None


class _Attachments(msgspec.Struct):
    media_keys: list[str] | None = None
    media: list[_MediaItem] | None = None


class _RefUser(msgspec.Struct):
    username: str | None = None


class _Referenced(msgspec.Struct):
    type: str
    id: str
    text: str | msgspec.UnsetType = UNSET
    author_id: str | None = None
    author: _RefUser | None = None
    entities: _Entities | None = None
    attachments: _Attachments | None = None


class _Tweet(msgspec.Struct):
    id: str
    text: str
    created_at: datetime  # RFC 3339, parsed by msgspec; other spellings take the general path
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
    attachments: _Attachments | None = None


_decoder = msgspec.json.Decoder(_Tweet)


def decode_tweet(line: bytes) -> Post | None:
    """The Post of a flattened-tweet line, or None when the general path must decide."""
    try:
        t = _decoder.decode(line)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return None  # RecursionError: nested too deep; orjson's depth limit then says so
    if t.note_tweet is not None or not t.id or not t.author_id:
        return None
    try:
        return _post(t, line.rstrip(b"\r\n"))
    except (FormatError, KeyError, TypeError, AttributeError):
        return None


def _post(t: _Tweet, raw: bytes) -> Post:
    text = unescape(t.text) if "&" in t.text else t.text
    kind: Kind = "original"
    refs: dict[str, Ref] = {}
    original: _Referenced | None = None
    for r in t.referenced_tweets or ():
        rkind = KIND_OF_REF[r.type]  # an unknown type: KeyError, the general path explains
        if r.text is UNSET:
            refs[rkind] = Ref(id=r.id)
        else:
            handle = r.author.username if r.author is not None else None
            refs[rkind] = Ref(id=r.id, author_id=r.author_id or "", author_handle=handle or "")
        if rkind == "repost":
            original = r if r.text is not UNSET else None
        if KIND_RANK[rkind] > KIND_RANK[kind]:
            kind = rkind
    if kind == "reply" and not refs["reply"].author_id and isinstance(t.in_reply_to_user_id, str):
        refs["reply"].author_id = t.in_reply_to_user_id

    hashtags, mentions, urls = _entities(t.entities, None)
    if original is not None and isinstance(original.text, str):
        handle = refs["repost"].author_handle
        if handle:
            text = f"RT @{handle}: {unescape(original.text)}"
        hashtags, mentions, urls = _entities(t.entities, original.entities)

    media = _media(t.attachments)
    if not media and original is not None:
        media = _media(original.attachments)
    m = t.public_metrics
    counts = Counts() if m is None or kind == "repost" else Counts(
        m.retweet_count, m.reply_count, m.like_count, m.quote_count
    )  # fmt: skip
    # positional: keyword arguments cost more than the rest of a slotted dataclass's
    # __init__, and this runs once per post of a firehose (fields in Post's order)
    return Post(
        PLATFORM, t.id, text, as_utc(t.created_at), _author(t.author, t.author_id), counts,
        kind, refs.get("reply"), refs.get("quote"), refs.get("repost"),
        hashtags, mentions, urls, domains_of(urls),
        t.lang if isinstance(t.lang, str) else None,
        t.conversation_id if isinstance(t.conversation_id, str) else None,
        bool(t.withheld), raw, media,
    )  # fmt: skip


def _media(a: _Attachments | None) -> tuple[Media, ...]:
    """As :func:`x_v2.media_of` on a flattened line (no page index to join keys with)."""
    if a is None:
        return ()
    if a.media is not None:
        return tuple(
            Media(m.type or "unknown", (m.url if m.url is not None else m.preview_image_url)
                  or None, m.alt_text or None, m.media_key or None)
            for m in a.media
        )  # fmt: skip
    return tuple(Media("unknown", None, None, k) for k in a.media_keys or ())


def _author(u: _User | None, author_id: str) -> Author:
    if u is None:
        return Author(id=author_id)
    m = u.public_metrics
    return Author(  # positional, in Author's field order (see Post above)
        author_id, u.username or "", u.name or "",
        m.followers_count if m else None, m.following_count if m else None,
        m.tweet_count if m else None, bool(u.verified), u.description or "",
        as_utc(u.created_at) if u.created_at is not None else None,
    )  # fmt: skip


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
