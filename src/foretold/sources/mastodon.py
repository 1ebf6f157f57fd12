"""Mastodon: the hashtag stream of one instance, as server-sent events.

``GET {instance}/api/v1/streaming/hashtag?tag=...`` sends ``event: update`` with a
Status JSON in ``data:``, and ``:thump`` comments as heartbeats. The cursor is the
newest status id read (ids grow with time on an instance). Every (re)connection
with a cursor first backfills from ``/api/v1/timelines/tag/:hashtag`` with
``min_id`` (page after page, oldest first) and drops statuses already passed on. A
429 waits until ``X-RateLimit-Reset``. The token, when the instance wants one, is
read from the environment variable the config names.

:meth:`MastodonSource.search` is the one-shot form ``foretold precheck`` uses: the
hashtag timeline newest first, ``max_id`` page after page, back to a start time.

>>> list(sse_events(["event: update", "data: {}", "", ":thump", "event: delete", "data: 7", ""]))
[('update', '{}'), ('\\x00heartbeat', ''), ('delete', '7')]
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote

import orjson

from foretold.formats import mastodon
from foretold.ingest import IngestStats, Quarantine
from foretold.post import Post
from foretold.sources.base import (
    Decoder,
    Disconnected,
    LiveSource,
    RateLimited,
    RecentKeys,
    Record,
    Refused,
    SearchProgress,
    SearchResult,
    SourceBatch,
    Stalled,
    rate_limit_note,
    reset_from_headers,
)
from foretold.sources.http import SEARCH_READ_S, httpx_module
from foretold.sources.http import client as http_client

HEARTBEAT = "\x00heartbeat"


def sse_events(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """``(event, data)`` pairs from server-sent-event lines; comments yield heartbeats."""
    event, data = "message", list[str]()
    for line in lines:
        if not line:
            if data:
                yield event, "\n".join(data)
            event, data = "message", list[str]()
        elif line.startswith(":"):
            yield HEARTBEAT, ""
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)


class MastodonSource(LiveSource):
    """Statuses tagged ``tag`` on ``instance`` (a base URL such as https://mastodon.social)."""

    kind = "mastodon"

    def __init__(
        self,
        name: str,
        instance: str,
        tag: str,
        stats: IngestStats,
        quarantine: Quarantine,
        token: str | None = None,
        transport: Any = None,
        **kw: Any,
    ) -> None:
        kw.setdefault("stall_seconds", 60.0)  # Mastodon sends :thump every few seconds
        super().__init__(name, **kw)
        self.instance = instance.rstrip("/")
        self.tag = tag.lstrip("#").lower()
        self._token = token
        self.transport = transport
        self._decode = Decoder(name, mastodon, quarantine, stats)
        self._seen = RecentKeys()

    def __repr__(self) -> str:  # never show the token
        return f"MastodonSource({self.name!r}, {self.instance!r}, tag={self.tag!r})"

    def connect(self, stop: threading.Event) -> Iterator[SourceBatch]:
        """Backfill since the cursor, then follow the hashtag stream."""
        httpx = httpx_module()
        with self._client(self.stall_seconds, "text/event-stream") as client:
            self._close_hooks.append(client.close)
            try:
                if self.cursor:
                    yield from self._backfill(client)
                yield from self._stream(client, stop)
            except httpx.ReadTimeout:
                raise Stalled(f"no status and no heartbeat for {self.stall_seconds:g} s") from None
            except httpx.HTTPError as e:
                raise Disconnected(f"Mastodon: {type(e).__name__}: {e}") from None
            finally:
                self._close_hooks.remove(client.close)

    def _stream(self, client: Any, stop: threading.Event) -> Iterator[SourceBatch]:
        with client.stream("GET", "/api/v1/streaming/hashtag", params={"tag": self.tag}) as r:
            self._check(r, "hashtag stream")
            self.set_state("connected", f"{self.instance} #{self.tag}")
            for event, data in sse_events(r.iter_lines()):
                if stop.is_set():
                    return
                if event != "update":
                    continue  # heartbeats, deletes and edits of statuses already stored
                raw = data.encode()
                obj = self._decode.loads(raw)
                if obj is None:
                    continue
                records = self._fresh(self._decode.records(obj, raw), [obj])
                if records:
                    yield SourceBatch(records, self.cursor)

    def search(
        self,
        since: datetime,
        max_posts: int,
        on_progress: Callable[[SearchProgress], None] | None = None,
        max_wait_s: float = 900.0,
    ) -> SearchResult:
        """One-shot: the hashtag timeline back to ``since``, newest first, ``limit=40`` a
        page and ``max_id`` to the next older page, up to ``max_posts`` statuses.

        A 429 waits on the clock until ``X-RateLimit-Reset`` when that is at most
        ``max_wait_s`` away, else the search stops there and says so in the notes. A
        refused token raises :class:`Refused`, a network failure :class:`Disconnected`,
        both naming the source.
        """
        httpx = httpx_module()
        posts: list[Post] = []
        pages, notes = 0, []
        params: dict[str, Any] = {"limit": 40}

        def on_wait(e: RateLimited) -> None:
            if on_progress is not None:
                on_progress(SearchProgress(self.name, len(posts), pages, e.reset_at))

        with self._client(SEARCH_READ_S, "application/json") as client:
            credentials = "the token: token_env"
            with self.failing_clearly(f"Mastodon hashtag timeline at {self.instance}",
                                      httpx.HTTPError, credentials):  # fmt: skip
                try:
                    while len(posts) < max_posts:
                        page = self.wait_out(lambda: self._timeline(client, params), max_wait_s,
                                             on_wait)  # fmt: skip
                        if not page:
                            break
                        pages += 1
                        page = sorted(page, key=_id_of, reverse=True)
                        older = False
                        for s in page:
                            for r in self._decode.records(s, orjson.dumps(s)):
                                if not isinstance(r, Post):
                                    continue
                                if r.created_at < since:
                                    older = True
                                else:
                                    posts.append(r)
                        if on_progress is not None:
                            on_progress(SearchProgress(self.name, len(posts), pages))
                        if older or not _id_of(page[-1]):
                            break
                        params["max_id"] = str(_id_of(page[-1]))
                    else:
                        notes.append(f"stopped at max_posts = {max_posts:,}; there were more")
                except RateLimited as e:
                    notes.append(rate_limit_note(e, max_wait_s, len(posts)))
        del posts[max_posts:]
        return SearchResult(self.name, posts, pages, notes)

    def _timeline(self, client: Any, params: dict[str, Any]) -> list[Any]:
        """One page of the hashtag timeline: a list of statuses (anything else ends it)."""
        r = client.get(f"/api/v1/timelines/tag/{quote(self.tag)}", params=params)
        self._check(r, "hashtag timeline")
        try:
            page = orjson.loads(r.content)
        except orjson.JSONDecodeError:
            raise Disconnected(
                f"Mastodon hashtag timeline: not JSON: {r.content[:200]!r}"
            ) from None
        return page if isinstance(page, list) else []

    def _backfill(self, client: Any) -> Iterator[SourceBatch]:
        min_id = self.cursor
        statuses: list[dict[str, Any]] = []
        while True:
            page = self._timeline(client, {"min_id": min_id, "limit": 40})
            if not page:
                break
            page = sorted(page, key=_id_of)
            statuses.extend(page)
            min_id = str(_id_of(page[-1]))
        records: list[Record] = []
        for s in statuses:
            records.extend(self._decode.records(s, orjson.dumps(s)))
        fresh = self._fresh(records, statuses)
        if fresh:
            yield SourceBatch(fresh, self.cursor)

    def _fresh(self, records: list[Record], statuses: list[Any]) -> list[Record]:
        for s in statuses:
            sid = _id_of(s)
            if sid and (self.cursor is None or sid > int(self.cursor)):
                self.cursor = str(sid)
        out: list[Record] = []
        for rec in records:
            if isinstance(rec, Post) and not self._seen.add(rec.id):
                self.stats.duplicates_dropped += 1
                continue
            out.append(rec)
        return out

    def _check(self, r: Any, what: str) -> None:
        if r.status_code == 429:
            reset = reset_from_headers(r.headers, self.clock.now())
            raise RateLimited(f"Mastodon {what}: HTTP 429", reset)
        if r.status_code >= 400:
            r.read()
            error = Refused if r.status_code in (401, 403) else Disconnected
            raise error(f"Mastodon {what}: HTTP {r.status_code}: {r.text[:300]!r}")

    def _client(self, read_s: float, accept: str) -> Any:
        headers = {"User-Agent": "foretold", "Accept": accept}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        return http_client(self.instance, headers, read_s, self.transport, follow_redirects=True)


def _id_of(status: Any) -> int:
    sid = status.get("id") if isinstance(status, dict) else None
    return int(sid) if isinstance(sid, str) and sid.isdigit() else 0
