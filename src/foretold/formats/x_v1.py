"""X API v1.1 tweet JSON, as archives from 2013-2022 hold it (one tweet or notice a line).

The full text is taken from ``extended_tweet.full_text`` (compatibility mode,
where ``text`` is cut at 140 characters), then ``full_text`` (``tweet_mode=extended``),
then ``text``; the ``&amp;``, ``&lt;`` and ``&gt;`` the API escapes are undone.
Hashtags, mentions and URLs come from the entity values, never by slicing the text
(entity ``indices`` count UTF-16 code units, not Python characters).

A retweet is a ``repost`` of ``retweeted_status``; its text is ``RT @author: `` and
the original's full text, and its entities are its own plus the original's, as the
v2 reader does, so a retweet reads the same from either API. A tweet with
``in_reply_to_status_id_str`` is a ``reply`` (even when it also quotes); one with a
``quoted_status`` is a ``quote``.

Stream notices: ``{"delete": {"status": ...}}`` becomes a :class:`Deletion`.
``limit`` (a count of tweets the stream could not deliver), ``scrub_geo``,
``status_withheld``, ``user_withheld``, ``disconnect`` and ``warning`` are about
the connection or about stored data, not posts, so they give no records.

>>> tweet = {"id_str": "400", "created_at": "Wed Nov 13 21:04:00 +0000 2013",
...          "text": "Q &amp; A? #AskJPM", "user": {"id_str": "7", "screen_name": "Ann",
...          "followers_count": 85}, "entities": {"hashtags": [{"text": "AskJPM"}]}}
>>> [post] = parse(tweet, b"")
>>> post.text, post.hashtags, post.author.followers, post.kind
('Q & A? #AskJPM', ('askjpm',), 85, 'original')
>>> parse({"delete": {"status": {"id_str": "400", "user_id_str": "7"}}}, b"")
[Deletion(platform='x', id='400')]
"""

from __future__ import annotations

from typing import Any

from foretold.errors import FormatError
from foretold.formats.fields import count, domains_of, id_field, opt_count, parse_x_v1_time, tags
from foretold.post import Author, Counts, Deletion, Kind, Media, Post, Ref

NAME = "x_v1"
PLATFORM = "x"  # the same as the v2 reader, so a tweet read from both is stored once

# Stream messages that carry no post (see the module docstring); "delete" is handled.
_QUIET_NOTICES = frozenset(
    {"limit", "scrub_geo", "status_withheld", "user_withheld", "disconnect", "warning"}
)
_NOTICES = _QUIET_NOTICES | {"delete"}

Entities = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def matches(obj: dict[str, Any]) -> bool:
    """A tweet embeds its author as ``user``; a stream notice is one known key."""
    if "user" in obj:
        return "author_id" not in obj
    return len(obj) == 1 and next(iter(obj)) in _NOTICES


def parse(obj: dict[str, Any], raw: bytes) -> list[Post | Deletion]:
    """One tweet, one deletion, or nothing for a notice that is not about a post."""
    if not isinstance(obj, dict):
        raise FormatError(f"tweet: expected an object, got {type(obj).__name__}")
    if "user" in obj:
        return [_tweet(obj, raw)]
    if "delete" in obj:
        return [_deletion(obj["delete"])]
    if len(obj) == 1 and next(iter(obj)) in _QUIET_NOTICES:
        return []
    raise FormatError("tweet.user: missing (not a v1.1 tweet or stream notice)")


def _deletion(notice: Any) -> Deletion:
    status = notice.get("status") if isinstance(notice, dict) else None
    if not isinstance(status, dict):
        raise FormatError("delete.status: expected an object")
    return Deletion(PLATFORM, _id(status, "delete.status"))


def _tweet(t: dict[str, Any], raw: bytes) -> Post:
    tid = _id(t, "tweet")
    created = parse_x_v1_time(t.get("created_at"), "created_at")
    author = _author(t.get("user"), "user")
    counts = Counts(
        reposts=count(t, "retweet_count"),
        replies=count(t, "reply_count"),
        likes=count(t, "favorite_count"),
        quotes=count(t, "quote_count"),
    )
    text, entities = _full_text(t, "tweet")
    hashtags, mentions, urls = _entities(entities, "entities")
    withheld = _withheld(t)
    kind: Kind = "original"
    reply_to = quote_of = repost_of = None

    original = t.get("retweeted_status")
    if original is not None:
        if not isinstance(original, dict):
            raise FormatError("retweeted_status: expected a tweet object")
        kind = "repost"
        counts = Counts()  # the API reports the original's counts on a retweet, not its own
        repost_of = _ref(original, "retweeted_status")
        original_text, original_entities = _full_text(original, "retweeted_status")
        handle = repost_of.author_handle
        text = f"RT @{handle}: {original_text}" if handle else original_text
        more = _entities(original_entities, "retweeted_status.entities")
        hashtags, mentions, urls = _merge((hashtags, mentions, urls), more)
        withheld = withheld or _withheld(original)
    else:
        reply_to = _reply_to(t)
        quote_of = _quote_of(t)
        if reply_to is not None:
            kind = "reply"
        elif quote_of is not None:
            kind = "quote"

    media = _media(t, "tweet")
    if not media and original is not None:
        media = _media(original, "retweeted_status")
    lang = t.get("lang")
    return Post(
        platform=PLATFORM,
        id=tid,
        text=text,
        created_at=created,
        author=author,
        counts=counts,
        kind=kind,
        reply_to=reply_to,
        quote_of=quote_of,
        repost_of=repost_of,
        hashtags=hashtags,
        mentions=mentions,
        urls=urls,
        domains=domains_of(urls),
        lang=lang if isinstance(lang, str) else None,
        withheld=withheld,
        raw=raw,
        media=media,
    )


def _media(t: dict[str, Any], where: str) -> tuple[Media, ...]:
    """``extended_entities.media`` (every picture, the video or GIF), else the one photo of
    ``entities.media``; in compatibility mode both live in ``extended_tweet``. The url is
    ``media_url_https`` (for a video, its still), the alt text ``ext_alt_text``."""
    holders = [t]
    extended = t.get("extended_tweet")
    if isinstance(extended, dict):
        holders.insert(0, extended)
    for key in ("extended_entities", "entities"):
        for holder in holders:
            group = holder.get(key)
            items = group.get("media") if isinstance(group, dict) else None
            if items is None:
                continue
            if not isinstance(items, list):
                raise FormatError(f"{where}.{key}.media: expected a list")
            return tuple(_one_media(item, f"{where}.{key}.media[]") for item in items)
    return ()


def _one_media(item: Any, where: str) -> Media:
    if not isinstance(item, dict):
        raise FormatError(f"{where}: expected an object, got {type(item).__name__}")
    url = item.get("media_url_https") or item.get("media_url")
    mtype, alt = item.get("type"), item.get("ext_alt_text")
    for value, name in ((mtype, "type"), (url, "media_url_https"), (alt, "ext_alt_text")):
        if value is not None and not isinstance(value, str):
            raise FormatError(f"{where}.{name}: expected text, got {type(value).__name__}")
    key = _opt_id(item, "id_str", where) if ("id_str" in item or "id" in item) else ""
    return Media(type=mtype or "photo", url=url or None, alt_text=alt or None, key=key or None)


def _id(obj: dict[str, Any], where: str) -> str:
    """``id_str``, or the integer ``id`` of older archives."""
    value = obj.get("id_str")
    if isinstance(value, str) and value:
        return value
    return id_field(obj, "id", where)


def _opt_id(obj: dict[str, Any], key: str, where: str) -> str:
    """An optional ``*_id_str`` with its integer twin (``key`` without ``_str``); "" if null."""
    value = obj.get(key)
    if isinstance(value, str) and value:
        return value
    twin = key.removesuffix("_str")
    if obj.get(twin) is None:
        return ""
    return id_field(obj, twin, where)


def _opt_text(obj: dict[str, Any], key: str, where: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    raise FormatError(f"{where}.{key}: expected text, got {type(value).__name__}")


def _full_text(t: dict[str, Any], where: str) -> tuple[str, Any]:
    """The untruncated text and the entities that go with it."""
    extended = t.get("extended_tweet")
    if extended is not None:
        full = extended.get("full_text") if isinstance(extended, dict) else None
        if not isinstance(full, str):
            raise FormatError(f"{where}.extended_tweet.full_text: expected text")
        return _unescape(full), extended.get("entities")
    for key in ("full_text", "text"):
        value = t.get(key)
        if isinstance(value, str):
            return _unescape(value), t.get("entities")
        if value is not None:
            raise FormatError(f"{where}.{key}: expected text, got {type(value).__name__}")
    raise FormatError(f"{where}.text: missing")


def _unescape(text: str) -> str:
    """Undo the three HTML escapes the v1.1 API applies to tweet text."""
    if "&" not in text:
        return text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _author(user: Any, where: str) -> Author:
    if not isinstance(user, dict):
        raise FormatError(f"{where}: expected an object, got {type(user).__name__}")
    try:
        followers = opt_count(user, "followers_count")
        following = opt_count(user, "friends_count")
        posts = opt_count(user, "statuses_count")
    except FormatError as e:
        raise FormatError(f"{where}.{e.reason}") from None
    verified = user.get("verified")
    if verified is not None and not isinstance(verified, bool):
        raise FormatError(
            f"{where}.verified: expected true or false, got {type(verified).__name__}"
        )
    created = user.get("created_at")
    return Author(
        id=_id(user, where),
        handle=_opt_text(user, "screen_name", where),
        name=_opt_text(user, "name", where),
        followers=followers,
        following=following,
        posts=posts,
        verified=bool(verified),
        description=_opt_text(user, "description", where),
        created_at=None if created is None else parse_x_v1_time(created, f"{where}.created_at"),
    )


def _ref(t: dict[str, Any], where: str) -> Ref:
    """A reference to an embedded tweet (retweeted or quoted) and its author."""
    user = t.get("user")
    if user is None:
        return Ref(id=_id(t, where))
    if not isinstance(user, dict):
        raise FormatError(f"{where}.user: expected an object, got {type(user).__name__}")
    return Ref(
        id=_id(t, where),
        author_id=_opt_id(user, "id_str", f"{where}.user"),
        author_handle=_opt_text(user, "screen_name", f"{where}.user"),
    )


def _reply_to(t: dict[str, Any]) -> Ref | None:
    status = _opt_id(t, "in_reply_to_status_id_str", "tweet")
    if not status:
        return None  # an old-style "@name ..." with no status to point to is not a reply
    return Ref(
        id=status,
        author_id=_opt_id(t, "in_reply_to_user_id_str", "tweet"),
        author_handle=_opt_text(t, "in_reply_to_screen_name", "tweet"),
    )


def _quote_of(t: dict[str, Any]) -> Ref | None:
    quoted = t.get("quoted_status")
    if isinstance(quoted, dict):
        return _ref(quoted, "quoted_status")
    if quoted is not None:
        raise FormatError(f"quoted_status: expected a tweet object, got {type(quoted).__name__}")
    # The quoted tweet may be gone (deleted, protected): only its id is left.
    qid = _opt_id(t, "quoted_status_id_str", "tweet")
    return Ref(id=qid) if qid else None


def _withheld(t: dict[str, Any]) -> bool:
    return bool(t.get("withheld_in_countries")) or t.get("withheld_copyright") is True


def _entities(entities: Any, where: str) -> Entities:
    """Hashtags, mentions and expanded URLs from the entity values."""
    if not entities:
        return (), (), ()
    if not isinstance(entities, dict):
        raise FormatError(f"{where}: expected an object, got {type(entities).__name__}")
    hashtags = tags(_values(entities, "hashtags", "text", where))
    mentions = tags(_values(entities, "user_mentions", "screen_name", where))
    urls: dict[str, None] = {}
    for u in _items(entities, "urls", where):
        unwound = u.get("unwound")
        url = (unwound.get("url") if isinstance(unwound, dict) else None) or (
            u.get("expanded_url") or u.get("url")
        )
        if isinstance(url, str) and url:
            urls[url] = None
    return hashtags, mentions, tuple(urls)


def _items(entities: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    items = entities.get(key)
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise FormatError(f"{where}.{key}: expected a list of objects")
    return items


def _values(entities: dict[str, Any], key: str, field: str, where: str) -> list[str]:
    out = []
    for item in _items(entities, key, where):
        value = item.get(field)
        if not isinstance(value, str):
            raise FormatError(f"{where}.{key}[].{field}: expected text")
        out.append(value)
    return out


def _merge(a: Entities, b: Entities) -> Entities:
    hashtags, mentions, urls = (tuple(dict.fromkeys(x + y)) for x, y in zip(a, b, strict=True))
    return hashtags, mentions, urls
