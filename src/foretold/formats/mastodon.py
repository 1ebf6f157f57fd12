"""Mastodon ``Status`` entities, as the REST API and the streaming ``update`` payload send them.

A post's id is the status ``uri``, the ActivityPub id that names the same status on
every server (the numeric ``id`` is one server's database key, so the same status
read from two servers has two ``id`` s but one ``uri``); ``url`` stays in ``raw``.
The author is ``account.id`` on the server the status was read from. Handles and
mentions are always ``name@domain``: ``acct`` is only ``name`` for accounts local to
the server that answered, so the domain of the account's ``url`` is added, and the
same account reads the same whichever server the status came from.

``content`` is sanitised HTML: paragraphs are separated by a blank line, ``<br>``
becomes a newline, tags are dropped and entities unescaped. Mastodon splits a long
link into ``invisible`` and ``ellipsis`` spans for display; their text is kept, so the
plain text holds the whole URL. A non-empty ``spoiler_text`` (content warning)
comes first, separated by a blank line. URLs are the ``<a href>`` of the content that
are not mention or hashtag links, and the preview ``card.url``.

A reblog is a ``repost`` whose text, tags, mentions and links are the reblogged
status's. A status with ``in_reply_to_id`` is a ``reply``; the reference holds the
server-local ids (the parent's ``uri`` is not in the entity) and the parent author's
handle when the status mentions them (Mastodon mentions the replied-to author). A
status with a ``quote`` (Mastodon 4.4+: a ``Quote`` with the ``quoted_status``, or a
``ShallowQuote`` with its id only) is a ``quote``, and the ``quote-inline`` "RE: ..."
fallback paragraph is left out of its text.

``media_attachments`` become ``media``: the attachment's ``type`` and ``id``, its
``description`` as the alt text, and a picture's address: ``url`` (the answering
server's copy, else ``remote_url``) for an image or an ``unknown`` attachment (one the
server has not copied), the still ``preview_url`` for a video, a ``gifv`` or audio.
A reblog's media are the reblogged status's.

>>> status = {"id": "1", "uri": "https://social.example/users/ann/statuses/1",
...           "created_at": "2024-05-01T10:00:00.000Z",
...           "content": "<p>Q &amp; A? <a href=\\"https://social.example/tags/askbrand\\" "
...                      "class=\\"mention hashtag\\">#<span>AskBrand</span></a></p>",
...           "tags": [{"name": "AskBrand"}],
...           "account": {"id": "7", "acct": "ann", "url": "https://social.example/@ann"}}
>>> [post] = parse(status, b"")
>>> post.text, post.hashtags, post.author.handle, post.urls
('Q & A? #AskBrand', ('askbrand',), 'ann@social.example', ())
"""

from __future__ import annotations

from functools import lru_cache
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from foretold.errors import FormatError
from foretold.formats.fields import count, domains_of, id_field, iso_time, opt_count, tags
from foretold.post import Author, Counts, Deletion, Kind, Media, Post, Ref

NAME = "mastodon"
PLATFORM = "mastodon"


def matches(obj: dict[str, Any]) -> bool:
    """A status names its federation ``uri`` and embeds its ``account``."""
    return "account" in obj and "uri" in obj and "created_at" in obj


def parse(obj: dict[str, Any], raw: bytes) -> list[Post | Deletion]:
    """One status: an original, a reply, a quote or a reblog."""
    if not isinstance(obj, dict):
        raise FormatError(f"status: expected an object, got {type(obj).__name__}")
    return [_status(obj, raw)]


def _status(s: dict[str, Any], raw: bytes) -> Post:
    uri = _uri(s, "status")
    id_field(s, "id", "status")  # required by the entity, even though the uri is the key
    created = iso_time(s.get("created_at"), "status.created_at")
    author = _author(s.get("account"), "account")
    try:
        counts = Counts(
            reposts=count(s, "reblogs_count"),
            replies=count(s, "replies_count"),
            likes=count(s, "favourites_count"),
            quotes=count(s, "quotes_count"),
        )
    except FormatError as e:
        raise FormatError(f"status.{e.reason}") from None

    kind: Kind = "original"
    reply_to = quote_of = repost_of = None
    source = s
    reblog = s.get("reblog")
    if reblog is not None:
        if not isinstance(reblog, dict):
            raise FormatError(f"status.reblog: expected a status, got {type(reblog).__name__}")
        source = reblog
        kind = "repost"
        repost_of = _ref(reblog, "reblog")
    else:
        quote_of = _quote_of(s.get("quote"))
        reply_to = _reply_to(s)
        if reply_to is not None:
            kind = "reply"
        elif quote_of is not None:
            kind = "quote"

    where = "status.reblog" if source is reblog else "status"
    body = _html(source.get("content"), f"{where}.content", source.get("quote") is not None)
    text = body.text
    spoiler = source.get("spoiler_text")
    if spoiler:
        if not isinstance(spoiler, str):
            raise FormatError(f"{where}.spoiler_text: expected text")
        text = f"{spoiler}\n\n{text}" if text else spoiler
    urls = _urls(body.links, source.get("card"), where)
    lang = source.get("language")
    return Post(
        platform=PLATFORM,
        id=uri,
        text=text,
        created_at=created,
        author=author,
        counts=counts,
        kind=kind,
        reply_to=reply_to,
        quote_of=quote_of,
        repost_of=repost_of,
        hashtags=tags(_names(source, "tags", "name", where)),
        mentions=tags(_mentions(source, where)),
        urls=urls,
        domains=domains_of(urls),
        lang=lang if isinstance(lang, str) and lang else None,
        raw=raw,
        media=_media(source.get("media_attachments"), where),
    )


def _media(items: Any, where: str) -> tuple[Media, ...]:
    if items is None:
        return ()
    if not isinstance(items, list):
        raise FormatError(f"{where}.media_attachments: expected a list")
    out = []
    for item in items:
        here = f"{where}.media_attachments[]"
        if not isinstance(item, dict):
            raise FormatError(f"{here}: expected an object, got {type(item).__name__}")
        mtype = item.get("type")
        urls = (
            ("url", "remote_url") if mtype in ("image", "unknown") else ("preview_url", "url")
        )  # "unknown": the server has not fetched the remote file; remote_url still has it
        url = next((item[k] for k in urls if item.get(k)), None)
        alt = item.get("description")
        for value, name in ((mtype, "type"), (url, "url"), (alt, "description")):
            if value is not None and not isinstance(value, str):
                raise FormatError(f"{here}.{name}: expected text, got {type(value).__name__}")
        key = id_field(item, "id", here) if item.get("id") is not None else None
        out.append(Media(mtype or "unknown", url, alt or None, key))
    return tuple(out)


def _uri(s: dict[str, Any], where: str) -> str:
    value = s.get("uri")
    if isinstance(value, str) and value:
        return value
    if value is None or value == "":
        raise FormatError(f"{where}.uri: missing id")
    raise FormatError(f"{where}.uri: expected text, got {type(value).__name__}")


def _author(account: Any, where: str) -> Author:
    if not isinstance(account, dict):
        raise FormatError(f"{where}: expected an object, got {type(account).__name__}")
    try:
        followers = opt_count(account, "followers_count")
        following = opt_count(account, "following_count")
        posts = opt_count(account, "statuses_count")
    except FormatError as e:
        raise FormatError(f"{where}.{e.reason}") from None
    note = _opt_text(account, "note", where)
    created = account.get("created_at")
    return Author(
        id=id_field(account, "id", where),
        handle=_handle(account, where),
        name=_opt_text(account, "display_name", where),
        followers=followers,
        following=following,
        posts=posts,
        description=_note_text(note) if note else "",
        created_at=None if created is None else iso_time(created, f"{where}.created_at"),
    )


def _opt_text(obj: dict[str, Any], key: str, where: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    raise FormatError(f"{where}.{key}: expected text, got {type(value).__name__}")


def _handle(account: dict[str, Any], where: str) -> str:
    """``acct`` as ``name@domain``, the domain taken from ``url`` for local accounts."""
    acct = _opt_text(account, "acct", where)
    if not acct or "@" in acct:
        return acct
    url = account.get("url")
    try:
        host = urlsplit(url).hostname if isinstance(url, str) else None
    except ValueError:
        host = None
    return f"{acct}@{host}" if host else acct


def _ref(status: dict[str, Any], where: str) -> Ref:
    """A reference to an embedded status (reblogged or quoted) and its author."""
    account = status.get("account")
    if not isinstance(account, dict):
        raise FormatError(f"{where}.account: expected an object")
    return Ref(
        id=_uri(status, where),
        author_id=id_field(account, "id", f"{where}.account"),
        author_handle=_handle(account, f"{where}.account"),
    )


def _reply_to(s: dict[str, Any]) -> Ref | None:
    if s.get("in_reply_to_id") is None:
        return None
    parent = id_field(s, "in_reply_to_id", "status")
    author_id = ""
    if s.get("in_reply_to_account_id") is not None:
        author_id = id_field(s, "in_reply_to_account_id", "status")
    return Ref(id=parent, author_id=author_id, author_handle=_acct_of(s, author_id))


def _acct_of(s: dict[str, Any], account_id: str) -> str:
    """The replied-to author's ``acct``: themselves, or the mention with their id."""
    if not account_id:
        return ""
    account = s.get("account")
    if isinstance(account, dict) and account.get("id") == account_id:
        return _handle(account, "account")
    mentions = s.get("mentions")
    for m in mentions if isinstance(mentions, list) else ():
        if isinstance(m, dict) and m.get("id") == account_id:
            return _handle(m, "status.mentions[]")
    return ""


def _quote_of(quote: Any) -> Ref | None:
    """A ``Quote`` (with the status), a ``ShallowQuote`` (its id), or a bare status."""
    if quote is None:
        return None
    if not isinstance(quote, dict):
        raise FormatError(f"status.quote: expected an object, got {type(quote).__name__}")
    quoted = quote.get("quoted_status")
    if isinstance(quoted, dict):
        return _ref(quoted, "status.quote.quoted_status")
    if quote.get("quoted_status_id") is not None:
        return Ref(id=id_field(quote, "quoted_status_id", "status.quote"))
    if "uri" in quote and "account" in quote:  # servers that send the quoted status itself
        return _ref(quote, "status.quote")
    return None  # pending, rejected, revoked or deleted: nothing to point to


def _names(s: dict[str, Any], key: str, field: str, where: str) -> list[str]:
    items = s.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        raise FormatError(f"{where}.{key}: expected a list of objects")
    out = []
    for item in items:
        value = item.get(field) if isinstance(item, dict) else None
        if not isinstance(value, str):
            raise FormatError(f"{where}.{key}[].{field}: expected text")
        out.append(value)
    return out


def _mentions(s: dict[str, Any], where: str) -> list[str]:
    items = s.get("mentions")
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(m, dict) for m in items):
        raise FormatError(f"{where}.mentions: expected a list of objects")
    out = []
    for m in items:
        if not isinstance(m.get("acct"), str):
            raise FormatError(f"{where}.mentions[].acct: expected text")
        out.append(_handle(m, f"{where}.mentions[]"))
    return out


def _urls(links: list[str], card: Any, where: str) -> tuple[str, ...]:
    urls = dict.fromkeys(links)
    if card is not None:
        url = card.get("url") if isinstance(card, dict) else None
        if not isinstance(url, str):
            raise FormatError(f"{where}.card.url: expected text")
        if url:
            urls[url] = None
    return tuple(urls)


class _Body:
    """Plain text and outbound links of a status's HTML ``content``."""

    __slots__ = ("links", "text")

    def __init__(self, text: str, links: list[str]) -> None:
        self.text = text
        self.links = links


def _html(content: Any, where: str, quoted: bool) -> _Body:
    if content is None:
        return _Body("", [])
    if not isinstance(content, str):
        raise FormatError(f"{where}: expected HTML text, got {type(content).__name__}")
    if "<" not in content and "&" not in content:
        return _Body(content.strip(), [])
    reader = _HtmlReader(drop_quote_inline=quoted)
    try:
        reader.feed(content)
        reader.close()
    except Exception:  # html.parser can assert on broken markup; it is still bad input
        raise FormatError(f"{where}: unreadable HTML") from None
    return _Body(reader.text(), reader.links)


@lru_cache(maxsize=4096)
def _note_text(note: str) -> str:
    """An account's ``note`` (bio) as plain text; the same accounts recur, so cached."""
    return _html(note, "account.note", False).text


_BLOCKS = frozenset({"p", "div", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4", "h5"})
_VOID = frozenset({"br", "img", "hr", "wbr", "input", "meta", "link"})


class _HtmlReader(HTMLParser):
    """Collects text and non-mention, non-hashtag link targets from sanitised HTML."""

    def __init__(self, drop_quote_inline: bool) -> None:
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self._skip = 0  # depth inside a dropped element (the quote-inline fallback)
        self._drop_quote_inline = drop_quote_inline
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip:
            if tag not in _VOID:
                self._skip += 1
            return
        attr = dict(attrs)
        classes = (attr.get("class") or "").split()
        if self._drop_quote_inline and "quote-inline" in classes and tag not in _VOID:
            self._skip = 1
            return
        if tag in _BLOCKS:
            self._break("\n\n")
        elif tag == "br" or tag == "li":
            self._break("\n")
        elif tag == "a":
            href = attr.get("href")
            rel = (attr.get("rel") or "").split()
            if href and "mention" not in classes and "hashtag" not in classes and "tag" not in rel:
                self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if self._skip and tag not in _VOID:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._parts.append(data)

    def _break(self, sep: str) -> None:
        """A line break before new text; paragraph breaks do not pile up."""
        if not self._parts or self._parts[-1] == "\n\n":
            return
        if sep == "\n\n" and self._parts[-1] == "\n":
            self._parts[-1] = sep
        else:
            self._parts.append(sep)

    def text(self) -> str:
        return "".join(self._parts).strip()
