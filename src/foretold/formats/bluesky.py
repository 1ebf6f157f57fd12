"""Bluesky Jetstream events: ``app.bsky.feed.post`` (and repost) commits, one event a line.

A post's id is its ``at://{did}/app.bsky.feed.post/{rkey}`` URI and its author is the
repository's DID (Jetstream names no handle and counts no followers). Hashtags,
mentions and links come from the facet features (and the record's ``tags``), never
by slicing the text: facet offsets count UTF-8 bytes. A mention is stored as the
mentioned DID, the only name the record gives. A post with ``reply`` is a ``reply``
to the parent post; one that embeds a post (``app.bsky.embed.record``, or
``recordWithMedia``) is a ``quote``; an ``app.bsky.embed.external`` card adds its URL.
Pictures (``app.bsky.embed.images``, alone or as a ``recordWithMedia``'s media) become
``media`` of type ``image``: the key is the blob's CID and the url the CDN's full-size
address built from the DID and the CID; a video (``app.bsky.embed.video``) keeps its CID
and alt text, without a url (the CDN serves it as a playlist, not a picture).

``created_at`` is the record's own ``createdAt`` (when the author posted, as their
client said), falling back to Jetstream's ``time_us`` (when the network saw it) when
``createdAt`` is missing or not a time.

An ``app.bsky.feed.repost`` record becomes a ``repost`` post with empty text and
``repost_of`` its subject: reposts are the amplification a campaign watcher counts,
even though the record carries none of the original's text. A ``delete`` commit of a
post or repost becomes a :class:`Deletion`. ``identity`` and ``account`` events, and
commits to other collections (likes, follows, profiles, ...), are not posts: no records.

>>> event = {"did": "did:plc:ann", "time_us": 1725911162329308, "kind": "commit",
...          "commit": {"rev": "3l3qo2vutsw2b", "operation": "create",
...          "collection": "app.bsky.feed.post", "rkey": "3l3qo2vuowo2b", "cid": "bafy",
...          "record": {"$type": "app.bsky.feed.post", "text": "Ask us! #AskBrand",
...          "createdAt": "2024-09-09T19:46:02.102Z", "langs": ["en"], "facets": [
...          {"index": {"byteStart": 8, "byteEnd": 17},
...           "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "AskBrand"}]}]}}}
>>> [post] = parse(event, b"")
>>> post.id, post.hashtags, post.lang
('at://did:plc:ann/app.bsky.feed.post/3l3qo2vuowo2b', ('askbrand',), 'en')
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from foretold.errors import FormatError
from foretold.formats.fields import domains_of, iso_time, tags, text_field
from foretold.post import Author, Deletion, Kind, Media, Post, Ref

NAME = "bluesky"
PLATFORM = "bluesky"

_POST = "app.bsky.feed.post"
_REPOST = "app.bsky.feed.repost"
_TAG = "app.bsky.richtext.facet#tag"
_MENTION = "app.bsky.richtext.facet#mention"
_LINK = "app.bsky.richtext.facet#link"
_EMBED_RECORD = "app.bsky.embed.record"
_EMBED_RECORD_WITH_MEDIA = "app.bsky.embed.recordWithMedia"
_EMBED_EXTERNAL = "app.bsky.embed.external"
_EMBED_IMAGES = "app.bsky.embed.images"
_EMBED_VIDEO = "app.bsky.embed.video"
#: the full-size picture of a blob, as the Bluesky app links it
CDN_FULLSIZE = "https://cdn.bsky.app/img/feed_fullsize/plain/{did}/{cid}@jpeg"
_QUIET_KINDS = frozenset({"identity", "account"})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def matches(obj: dict[str, Any]) -> bool:
    """Every Jetstream event names its repository ``did``, its ``kind`` and ``time_us``."""
    return "did" in obj and "time_us" in obj and "kind" in obj


def parse(obj: dict[str, Any], raw: bytes) -> list[Post | Deletion]:
    """A post, a repost or a deletion; nothing for events that are not about posts."""
    if not isinstance(obj, dict):
        raise FormatError(f"event: expected an object, got {type(obj).__name__}")
    did = text_field(obj, "did", "event")
    if not did.startswith("did:"):
        raise FormatError(f"event.did: not a DID: {did[:40]!r}")
    kind = obj.get("kind")
    if kind != "commit":
        if isinstance(kind, str) and kind in _QUIET_KINDS:
            return []
        raise FormatError(f"event.kind: expected commit, identity or account, got {kind!r:.40}")
    commit = obj.get("commit")
    if not isinstance(commit, dict):
        raise FormatError("event.commit: expected an object")
    collection = text_field(commit, "collection", "commit")
    if collection != _POST and collection != _REPOST:
        return []
    uri = f"at://{did}/{collection}/{text_field(commit, 'rkey', 'commit')}"
    operation = commit.get("operation")
    if operation == "delete":
        return [Deletion(PLATFORM, uri)]
    if operation != "create" and operation != "update":
        raise FormatError(
            f"commit.operation: expected create, update or delete, got {operation!r:.40}"
        )
    record = commit.get("record")
    if not isinstance(record, dict):
        raise FormatError("commit.record: expected an object")
    created = _created(record, obj.get("time_us"))
    if collection == _REPOST:
        return [_repost(uri, did, record, created, raw)]
    return [_post(uri, did, record, created, raw)]


def _created(record: dict[str, Any], time_us: Any) -> datetime:
    """The record's ``createdAt``, or Jetstream's ``time_us`` when that is unusable."""
    if not isinstance(time_us, int) or isinstance(time_us, bool):
        raise FormatError(f"event.time_us: expected an integer, got {type(time_us).__name__}")
    value = record.get("createdAt")
    if isinstance(value, str):
        try:
            return iso_time(value, "record.createdAt")
        except FormatError:
            pass
    try:
        return _EPOCH + timedelta(microseconds=time_us)
    except OverflowError:
        raise FormatError(f"event.time_us: out of range: {time_us}") from None


def _post(uri: str, did: str, record: dict[str, Any], created: datetime, raw: bytes) -> Post:
    text = text_field(record, "text", "record")
    hashtags, mentions, links = _facets(record.get("facets"))
    extra_tags = record.get("tags")
    if extra_tags is not None:
        if not isinstance(extra_tags, list):
            raise FormatError("record.tags: expected a list of text")
        hashtags = tuple(dict.fromkeys(hashtags + tags(extra_tags)))
    quote_of, external = _embed(record.get("embed"))
    urls = tuple(dict.fromkeys(links + external))
    reply_to, root = _reply(record.get("reply"))
    kind: Kind = "reply" if reply_to else "quote" if quote_of else "original"
    return Post(
        platform=PLATFORM,
        id=uri,
        text=text,
        created_at=created,
        author=Author(id=did),
        kind=kind,
        reply_to=reply_to,
        quote_of=quote_of,
        hashtags=hashtags,
        mentions=mentions,
        urls=urls,
        domains=domains_of(urls),
        lang=_lang(record.get("langs")),
        conversation_id=root or uri,
        raw=raw,
        media=_media(record.get("embed"), did),
    )


def _repost(uri: str, did: str, record: dict[str, Any], created: datetime, raw: bytes) -> Post:
    subject = _strong_ref(record.get("subject"), "record.subject")
    return Post(
        platform=PLATFORM,
        id=uri,
        text="",
        created_at=created,
        author=Author(id=did),
        kind="repost",
        repost_of=_ref(subject),
        raw=raw,
    )


def _facets(facets: Any) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Hashtags, mentioned DIDs and link URIs, read from the facet features."""
    if facets is None:
        return (), (), ()
    if not isinstance(facets, list):
        raise FormatError("record.facets: expected a list")
    hashtags: list[str] = []
    mentions: list[str] = []
    links: dict[str, None] = {}
    for facet in facets:
        features = facet.get("features") if isinstance(facet, dict) else None
        if not isinstance(features, list):
            raise FormatError("record.facets[].features: expected a list")
        for feature in features:
            if not isinstance(feature, dict):
                raise FormatError("record.facets[].features[]: expected an object")
            ftype = feature.get("$type")
            if ftype == _TAG:
                hashtags.append(_feature_text(feature, "tag"))
            elif ftype == _MENTION:
                mentions.append(_feature_text(feature, "did"))
            elif ftype == _LINK:
                links[_feature_text(feature, "uri")] = None
    return tags(hashtags), tags(mentions), tuple(links)


def _feature_text(feature: dict[str, Any], key: str) -> str:
    value = feature.get(key)
    if isinstance(value, str):
        return value
    raise FormatError(f"record.facets[].features[].{key}: expected text")


def _embed(embed: Any) -> tuple[Ref | None, tuple[str, ...]]:
    """The quoted post (if the embed is one) and the external link card's URL."""
    if embed is None:
        return None, ()
    if not isinstance(embed, dict):
        raise FormatError("record.embed: expected an object")
    etype = embed.get("$type")
    if etype == _EMBED_RECORD:
        return _quoted(embed.get("record"), "record.embed.record"), ()
    if etype == _EMBED_RECORD_WITH_MEDIA:
        inner = embed.get("record")
        if not isinstance(inner, dict):
            raise FormatError("record.embed.record: expected an object")
        media = embed.get("media")
        external = _external(media) if isinstance(media, dict) else ()
        return _quoted(inner.get("record"), "record.embed.record.record"), external
    if etype == _EMBED_EXTERNAL:
        return None, _external(embed)
    return None, ()  # images, video: no text, no link


def _media(embed: Any, did: str) -> tuple[Media, ...]:
    """The pictures (or the video) of a post's embed, its own or a recordWithMedia's."""
    if not isinstance(embed, dict):
        return ()  # None; anything else _embed has refused already
    if embed.get("$type") == _EMBED_RECORD_WITH_MEDIA:
        embed = embed.get("media")
        if not isinstance(embed, dict):
            return ()
    etype = embed.get("$type")
    if etype == _EMBED_IMAGES:
        images = embed.get("images")
        if not isinstance(images, list):
            raise FormatError("record.embed.images: expected a list")
        out = []
        for image in images:
            if not isinstance(image, dict):
                raise FormatError("record.embed.images[]: expected an object")
            cid = _blob_cid(image.get("image"), "record.embed.images[].image")
            url = CDN_FULLSIZE.format(did=did, cid=cid) if cid else None
            out.append(Media("image", url, _alt(image, "images[]"), cid or None))
        return tuple(out)
    if etype == _EMBED_VIDEO:
        cid = _blob_cid(embed.get("video"), "record.embed.video.video")
        return (Media("video", None, _alt(embed, "video"), cid or None),)
    return ()


def _blob_cid(blob: Any, where: str) -> str:
    """A blob's CID: ``ref.$link`` (blob), or ``cid`` (the legacy blob shape)."""
    if not isinstance(blob, dict):
        raise FormatError(f"{where}: expected a blob object")
    ref = blob.get("ref")
    cid = ref.get("$link") if isinstance(ref, dict) else blob.get("cid")
    if not isinstance(cid, str) or "/" in cid:
        raise FormatError(f"{where}.ref: expected a CID")
    return cid


def _alt(item: dict[str, Any], where: str) -> str | None:
    alt = item.get("alt")
    if alt is None or isinstance(alt, str):
        return alt or None
    raise FormatError(f"record.embed.{where}.alt: expected text")


def _external(embed: dict[str, Any]) -> tuple[str, ...]:
    if embed.get("$type") != _EMBED_EXTERNAL:
        return ()
    external = embed.get("external")
    uri = external.get("uri") if isinstance(external, dict) else None
    if not isinstance(uri, str):
        raise FormatError("record.embed.external.uri: expected text")
    return (uri,) if uri else ()


def _quoted(strong_ref: Any, where: str) -> Ref | None:
    """A quote only when the embedded record is a post (not a feed, list or pack)."""
    uri = _strong_ref(strong_ref, where)
    if _collection(uri) != _POST:
        return None
    return _ref(uri)


def _reply(reply: Any) -> tuple[Ref | None, str]:
    """The parent post and the thread's root URI."""
    if reply is None:
        return None, ""
    if not isinstance(reply, dict):
        raise FormatError("record.reply: expected an object")
    parent = _strong_ref(reply.get("parent"), "record.reply.parent")
    root = _strong_ref(reply.get("root"), "record.reply.root")
    return _ref(parent), root


def _strong_ref(value: Any, where: str) -> str:
    """The ``uri`` of a ``com.atproto.repo.strongRef`` (``{"uri", "cid"}``)."""
    uri = value.get("uri") if isinstance(value, dict) else None
    if not isinstance(uri, str) or not uri:
        raise FormatError(f"{where}.uri: expected an at:// URI")
    return uri


def _ref(uri: str) -> Ref:
    """A post reference; its author is the DID the ``at://`` URI names."""
    authority = uri[5:].split("/", 1)[0] if uri.startswith("at://") else ""
    return Ref(id=uri, author_id=authority if authority.startswith("did:") else "")


def _collection(uri: str) -> str:
    parts = uri[5:].split("/") if uri.startswith("at://") else ()
    return parts[1] if len(parts) > 2 else ""


def _lang(langs: Any) -> str | None:
    if langs is None:
        return None
    if not isinstance(langs, list):
        raise FormatError("record.langs: expected a list of language tags")
    first = langs[0] if langs else None
    return first if isinstance(first, str) and first else None
