"""X API v2 tweets: twarc2's flattened lines and raw API v2 response pages.

A flattened line (``twarc2 flatten``) is one tweet with its author embedded as
``author`` and referenced tweets expanded in place. A response page is
``{"data": [...], "includes": {"users": [...], "tweets": [...]}, "meta": {...}}``
as the API sends it; authors and referenced tweets are joined from ``includes``.

>>> line = {"id": "9", "text": "Why? #AskJPM", "created_at": "2013-11-13T21:04:00.000Z",
...         "author_id": "1", "author": {"id": "1", "username": "Ann",
...         "public_metrics": {"followers_count": 85}}}
>>> [post] = parse(line, b"")
>>> post.author.handle, post.author.followers, post.kind
('Ann', 85, 'original')

Pictures: a page names them in ``attachments.media_keys``, joined with
``includes.media``; a flattened line has them inlined as ``attachments.media``. A
photo's ``url`` is its full-size address; a video or GIF has only a
``preview_image_url``, which stands in as its url. A key with no media object in the
page is kept with type ``unknown`` (the key still finds a file in ``--media-dir``).

>>> line["attachments"] = {"media_keys": ["3_1"], "media": [{"media_key": "3_1",
...     "type": "photo", "url": "https://pbs.twimg.com/media/Fa1.jpg", "alt_text": "a vault"}]}
>>> parse(line, b"")[0].media
(Media(type='photo', url='https://pbs.twimg.com/media/Fa1.jpg', alt_text='a vault', key='3_1'),)
"""

from __future__ import annotations

from typing import Any

from foretold.errors import FormatError
from foretold.formats.fields import count, domains_of, id_field, in_int64, iso_time
from foretold.post import INT64, Author, Counts, Deletion, Kind, Media, Post, Ref

NAME = "x_v2"
PLATFORM = "x"

# shared with the typed fast path (x_v2_decoder), which must answer exactly as parse does
KIND_OF_REF: dict[str, Kind] = {"retweeted": "repost", "replied_to": "reply", "quoted": "quote"}
_NO_METRICS: dict[str, Any] = {}
KIND_RANK = {"original": 0, "quote": 1, "reply": 2, "repost": 3}


_PAGE_KEYS = frozenset(("data", "includes", "meta", "errors"))


def matches(obj: dict[str, Any]) -> bool:
    """A flattened tweet has ``author_id``; a response page has only page keys."""
    return "author_id" in obj or (bool(obj) and _PAGE_KEYS.issuperset(obj))


def parse(obj: dict[str, Any], raw: bytes) -> list[Post | Deletion]:
    """The tweets of one line: one for a flattened tweet, all of ``data`` for a page.

    A page without ``data`` (no results, or only ``errors`` for tweets that are
    gone) holds no posts and returns an empty list.
    """
    if "author_id" not in obj:
        return _parse_page(obj) if "data" in obj else []
    return [_tweet(obj, raw, None, None, None)]


def _parse_page(page: dict[str, Any]) -> list[Post | Deletion]:
    data = page["data"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise FormatError(f"data: expected a list of tweets, got {type(data).__name__}")
    includes = page.get("includes") or {}
    if not isinstance(includes, dict):
        raise FormatError(f"includes: expected an object, got {type(includes).__name__}")
    users = _index(includes.get("users"), "includes.users")
    tweets = _index(includes.get("tweets"), "includes.tweets")
    media = _index_media(includes.get("media"))
    from orjson import dumps

    out: list[Post | Deletion] = []
    for tweet in data:
        if not isinstance(tweet, dict):
            raise FormatError(f"data[]: expected a tweet object, got {type(tweet).__name__}")
        try:
            raw = dumps(tweet)
        except TypeError as e:  # e.g. an integer beyond 64 bits
            raise FormatError(f"data[]: cannot keep the raw tweet: {e}") from None
        out.append(_tweet(tweet, raw, users, tweets, media))
    return out


def _index(items: Any, where: str) -> dict[str, dict[str, Any]]:
    if items is None:
        return {}
    if not isinstance(items, list):
        raise FormatError(f"{where}: expected a list, got {type(items).__name__}")
    return {str(i["id"]): i for i in items if isinstance(i, dict) and "id" in i}


def _tweet(
    t: dict[str, Any],
    raw: bytes,
    users: dict[str, dict[str, Any]] | None,
    tweets: dict[str, dict[str, Any]] | None,
    media_index: dict[str, dict[str, Any]] | None,
) -> Post:
    tid = id_field(t, "id", "tweet")
    text = t.get("text")
    entities = t.get("entities")
    note = t.get("note_tweet")
    if isinstance(note, dict) and isinstance(note.get("text"), str):
        text = note["text"]  # long posts: the full text and its entities live in note_tweet
        entities = _merge_entities(entities, note.get("entities"))
    if not isinstance(text, str):
        raise FormatError(f"tweet.text: expected text, got {type(text).__name__}")
    if "&" in text:
        text = unescape(text)
    created = iso_time(t.get("created_at"), "tweet.created_at")
    author_id = id_field(t, "author_id", "tweet")
    user = t.get("author")
    if user is None and users is not None:
        user = users.get(author_id)
    author = _author(user, author_id)

    counts = _counts(t.get("public_metrics"))

    kind: Kind = "original"
    refs: dict[str, Ref] = {}
    original: dict[str, Any] | None = None
    for r in t.get("referenced_tweets") or ():
        if not isinstance(r, dict):
            raise FormatError("referenced_tweets[]: expected an object")
        rtype = r.get("type")
        rkind = KIND_OF_REF.get(rtype) if isinstance(rtype, str) else None
        if rkind is None:
            raise FormatError(f"referenced_tweets[].type: unknown {rtype!r}")
        rid = id_field(r, "id", "referenced_tweets[]")
        full = r if "text" in r else (tweets.get(rid) if tweets else None)
        refs[rkind] = _ref(rid, full, users)
        if rkind == "repost":
            original = full
        if KIND_RANK[rkind] > KIND_RANK[kind]:
            kind = rkind
    if kind == "reply" and "reply" in refs and not refs["reply"].author_id:
        reply_user = t.get("in_reply_to_user_id")
        if isinstance(reply_user, str):
            refs["reply"].author_id = reply_user

    if original is not None and isinstance(original.get("text"), str):
        handle = refs["repost"].author_handle
        if handle:  # the API truncates "RT @x: ..." text; the original is complete
            text = f"RT @{handle}: {unescape(original['text'])}"
        entities = _merge_entities(entities, original.get("entities"))
    hashtags, mentions, urls = _entities(entities)

    media = media_of(t.get("attachments"), media_index)
    if not media and original is not None:
        media = media_of(original.get("attachments"), media_index)
    if kind == "repost":
        counts = Counts()  # the API reports the original's counts on a repost, not its own
    withheld = t.get("withheld")
    return Post(
        platform=PLATFORM,
        id=tid,
        text=text,
        created_at=created,
        author=author,
        counts=counts,
        kind=kind,
        reply_to=refs.get("reply"),
        quote_of=refs.get("quote"),
        repost_of=refs.get("repost"),
        hashtags=hashtags,
        mentions=mentions,
        urls=urls,
        domains=domains_of(urls),
        lang=t.get("lang") if isinstance(t.get("lang"), str) else None,
        conversation_id=t.get("conversation_id")
        if isinstance(t.get("conversation_id"), str)
        else None,
        withheld=bool(withheld),
        raw=raw,
        media=media,
    )


def _index_media(items: Any) -> dict[str, dict[str, Any]]:
    if items is None:
        return {}
    if not isinstance(items, list):
        raise FormatError(f"includes.media: expected a list, got {type(items).__name__}")
    return {i["media_key"]: i for i in items if isinstance(i, dict) and "media_key" in i}


def media_of(attachments: Any, media_index: dict[str, dict[str, Any]] | None) -> tuple[Media, ...]:
    """A tweet's media from its ``attachments``: inlined ``media`` objects (twarc2
    flattened) or ``media_keys`` joined with a page's ``includes.media``. Shared with
    the typed fast path."""
    if not attachments:
        return ()
    if type(attachments) is not dict:
        raise FormatError(f"attachments: expected an object, got {type(attachments).__name__}")
    inlined = attachments.get("media")
    keys = attachments.get("media_keys")
    if inlined is not None:
        if type(inlined) is not list:
            raise FormatError("attachments.media: expected a list")
        return tuple(_media(item, "attachments.media[]") for item in inlined)
    if keys is None:
        return ()
    if type(keys) is not list or not all(type(k) is str for k in keys):
        raise FormatError("attachments.media_keys: expected a list of text")
    index = media_index or {}
    return tuple(
        _media(index[k], "includes.media[]") if k in index else Media(type="unknown", key=k)
        for k in keys
    )


def _media(item: Any, where: str) -> Media:
    if type(item) is not dict:
        raise FormatError(f"{where}: expected an object, got {type(item).__name__}")
    get = item.get
    mtype, key, url, alt = get("type"), get("media_key"), get("url"), get("alt_text")
    url = url if url is not None else get("preview_image_url")
    for value, name in ((mtype, "type"), (key, "media_key"), (url, "url"), (alt, "alt_text")):
        if value is not None and type(value) is not str:
            raise FormatError(f"{where}.{name}: expected text, got {type(value).__name__}")
    return Media(type=mtype or "unknown", url=url or None, alt_text=alt or None, key=key or None)


def _counts(m: Any) -> Counts:
    if not m:
        return Counts()
    if not isinstance(m, dict):
        raise FormatError(f"public_metrics: expected an object, got {type(m).__name__}")
    get = m.get
    c = Counts(get("retweet_count", 0), get("reply_count", 0), get("like_count", 0),
               get("quote_count", 0))  # fmt: skip
    if not (type(c.reposts) is type(c.replies) is type(c.likes) is type(c.quotes) is int) or not (
        INT64[0] <= min(c.reposts, c.replies, c.likes, c.quotes)
        and max(c.reposts, c.replies, c.likes, c.quotes) <= INT64[1]
    ):
        for key in ("retweet_count", "reply_count", "like_count", "quote_count"):
            count(m, key)  # raises FormatError naming the field
        return Counts(count(m, "retweet_count"), count(m, "reply_count"),
                      count(m, "like_count"), count(m, "quote_count"))  # fmt: skip
    return c


def unescape(text: str) -> str:
    """X escapes ``&``, ``<`` and ``>`` in post text as HTML entities; undo exactly those."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _author(user: Any, author_id: str) -> Author:
    if user is None:
        return Author(id=author_id)
    if type(user) is not dict:
        raise FormatError(f"author: expected an object, got {type(user).__name__}")
    get = user.get
    m = get("public_metrics") or _NO_METRICS
    if type(m) is not dict:
        raise FormatError(f"author.public_metrics: expected an object, got {type(m).__name__}")
    followers = m.get("followers_count")
    following = m.get("following_count")
    posts = m.get("tweet_count")
    for value, key in ((followers, "followers_count"), (following, "following_count"),
                       (posts, "tweet_count")):  # fmt: skip
        if value is not None:
            if type(value) is not int:
                raise FormatError(f"author.{key}: expected an integer, got {type(value).__name__}")
            in_int64(value, f"author.{key}")
    handle = get("username") or ""
    name = get("name") or ""
    description = get("description") or ""
    if not (type(handle) is type(name) is type(description) is str):
        raise FormatError("author: username, name and description must be text")
    created = get("created_at")
    return Author(
        id=author_id,
        handle=handle,
        name=name,
        followers=followers,
        following=following,
        posts=posts,
        verified=bool(get("verified", False)),
        description=description,
        created_at=iso_time(created, "author.created_at") if created is not None else None,
    )


def _ref(rid: str, full: dict[str, Any] | None, users: dict[str, dict[str, Any]] | None) -> Ref:
    if not full:
        return Ref(id=rid)
    author_id = full.get("author_id")
    author_id = author_id if isinstance(author_id, str) else ""
    user = full.get("author")
    if not isinstance(user, dict) and users is not None:
        user = users.get(author_id)
    handle = user.get("username") if isinstance(user, dict) else None
    return Ref(id=rid, author_id=author_id, author_handle=handle if isinstance(handle, str) else "")


def _merge_entities(own: Any, original: Any) -> dict[str, list[Any]]:
    merged: dict[str, list[Any]] = {}
    for source in (own, original):
        if isinstance(source, dict):
            for key in ("hashtags", "mentions", "urls"):
                items = source.get(key)
                if isinstance(items, list):
                    merged.setdefault(key, []).extend(items)
    return merged


def _entities(entities: Any) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    if not entities:
        return (), (), ()
    if type(entities) is not dict:
        raise FormatError(f"entities: expected an object, got {type(entities).__name__}")
    get = entities.get
    try:
        hashtags = tuple({h["tag"].lower(): None for h in get("hashtags") or ()})
        mentions = tuple({m["username"].lower(): None for m in get("mentions") or ()})
        urls = tuple(
            {
                url: None
                for u in get("urls") or ()
                if type(url := u.get("unwound_url") or u.get("expanded_url") or u.get("url")) is str
            }
        )
    except (KeyError, TypeError, AttributeError):
        raise FormatError("entities: malformed hashtags, mentions or urls") from None
    return hashtags, mentions, urls
