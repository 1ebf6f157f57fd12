"""X API v2: the filtered stream with rules kept in step with the campaigns, and recent search.

The stream is ``GET /2/tweets/search/stream`` (HTTP chunked, one JSON message a line,
``\\r\\n`` keep-alives about every 20 s) asking for the same fields and expansions as
twarc2, so each tweet comes with its author and the tweets it references. Before
streaming, the rules are synced: one rule per campaign, tagged with the campaign's
name; missing rules are added and stale ones deleted.

The cursor is the newest tweet id stored (a ``since_id``). The filtered stream
cannot resume by itself, so every (re)connection with a cursor first backfills the
gap with recent search (``since_id``, all pages, oldest first) and drops tweets it
has already passed on. ``mode = "search"`` polls recent search only (the fallback
for access levels without the stream). A 429 waits until ``x-rate-limit-reset``.

:meth:`XSource.search` is the one-shot form ``foretold precheck`` uses: recent search
for the campaigns' query without retweets, from a ``start_time`` (at most 7 days
back), every page up to a number of posts.

>>> from foretold.campaigns import Campaign
>>> rule_for(Campaign("askjpm", hashtags=("#AskJPM",), handles=("@jpmorgan",), keywords=("JP Morgan",)))
'#askjpm OR @jpmorgan OR from:jpmorgan OR "JP Morgan"'
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from foretold.campaigns import Campaign
from foretold.errors import ConfigError
from foretold.formats import x_v2
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

DEFAULT_URL = "https://api.x.com"
# what twarc2 asks for (twarc/expansions.py): authors and referenced tweets come along
EXPANSIONS = (
    "author_id,in_reply_to_user_id,referenced_tweets.id,referenced_tweets.id.author_id,"
    "entities.mentions.username,attachments.poll_ids,attachments.media_keys,geo.place_id,"
    "edit_history_tweet_ids"
)
TWEET_FIELDS = (
    "attachments,author_id,context_annotations,conversation_id,created_at,edit_controls,"
    "edit_history_tweet_ids,entities,geo,id,in_reply_to_user_id,lang,public_metrics,"
    "possibly_sensitive,referenced_tweets,reply_settings,source,text,withheld"
)
USER_FIELDS = (
    "created_at,description,entities,id,location,name,pinned_tweet_id,profile_image_url,"
    "protected,public_metrics,url,username,verified,withheld"
)
MEDIA_FIELDS = (
    "alt_text,duration_ms,height,media_key,preview_image_url,type,url,width,public_metrics"
)
POLL_FIELDS = "duration_minutes,end_datetime,id,options,voting_status"
PLACE_FIELDS = "contained_within,country,country_code,full_name,geo,id,name,place_type"
FIELDS = {
    "expansions": EXPANSIONS, "tweet.fields": TWEET_FIELDS, "user.fields": USER_FIELDS,
    "media.fields": MEDIA_FIELDS, "poll.fields": POLL_FIELDS, "place.fields": PLACE_FIELDS,
}  # fmt: skip
# recent search reaches back 7 days; a minute less, so a start_time is never refused
SEARCH_WINDOW = timedelta(days=7) - timedelta(minutes=1)


def rule_for(c: Campaign) -> str:
    """The filtered-stream rule of one campaign: its hashtags, handles and keywords."""
    terms = [f"#{h}" for h in c.hashtags]
    for h in c.handles:
        terms += [f"@{h}", f"from:{h}"]
    terms += [f'"{k}"' if " " in k else k for k in c.keywords]
    return " OR ".join(terms)


class XSource(LiveSource):
    """Tweets from X API v2 for ``campaigns``: filtered stream (default) or recent search."""

    kind = "x"

    def __init__(
        self,
        name: str,
        campaigns: Sequence[Campaign],
        bearer_token: str,
        stats: IngestStats,
        quarantine: Quarantine,
        base_url: str = DEFAULT_URL,
        mode: str = "stream",
        poll_s: float = 60.0,
        manage_rules: bool = True,
        transport: Any = None,
        **kw: Any,
    ) -> None:
        kw.setdefault("stall_seconds", 30.0)  # X sends a keep-alive every 20 s
        super().__init__(name, **kw)
        if mode not in ("stream", "search"):
            raise ConfigError(f"source {name!r}: mode must be 'stream' or 'search', got {mode!r}")
        if not campaigns:
            raise ConfigError(f"source {name!r}: X needs at least one campaign to track")
        self.campaigns = tuple(campaigns)
        self._token = bearer_token
        self.base_url = base_url.rstrip("/")
        self.mode = mode
        self.poll_s = poll_s
        self.manage_rules = manage_rules
        self.transport = transport
        self._decode = Decoder(name, x_v2, quarantine, stats)
        self._seen = RecentKeys()
        self._rules_synced = False

    def __repr__(self) -> str:  # never show the token
        return f"XSource({self.name!r}, mode={self.mode!r}, base_url={self.base_url!r})"

    def connect(self, stop: threading.Event) -> Iterator[SourceBatch]:
        """Sync rules, backfill since the cursor, then stream (or poll search)."""
        httpx = httpx_module()
        with self._client(self.stall_seconds) as client:
            self._close_hooks.append(client.close)
            try:
                yield from self._session(client, stop)
            except httpx.ReadTimeout:
                raise Stalled(f"no tweet and no keep-alive for {self.stall_seconds:g} s") from None
            except httpx.HTTPError as e:
                raise Disconnected(f"X API: {type(e).__name__}: {e}") from None
            finally:
                self._close_hooks.remove(client.close)

    def _session(self, client: Any, stop: threading.Event) -> Iterator[SourceBatch]:
        if self.mode == "search":
            while not stop.is_set():
                yield from self._backfill(client)
                self.set_state("connected", "polling recent search")
                self.sleep(self.poll_s, stop)
            return
        if self.manage_rules and not self._rules_synced:
            self.sync_rules(client)
            self._rules_synced = True
        if self.cursor:
            yield from self._backfill(client)
        with client.stream("GET", "/2/tweets/search/stream", params=FIELDS) as r:
            self._check(r, "filtered stream")
            self.set_state("connected", "filtered stream")
            for line in r.iter_lines():
                if stop.is_set():
                    return
                if not line.strip():
                    continue  # keep-alive
                raw = line.encode()
                obj = self._decode.loads(raw)
                if obj is None:
                    continue
                if isinstance(obj, dict) and "data" not in obj and "errors" in obj:
                    raise Disconnected(f"X stream error: {line[:300]}")
                records = self._fresh(self._decode.records(obj, raw))
                if records:
                    yield SourceBatch(records, self.cursor)

    def sync_rules(self, client: Any) -> None:
        """Add the campaigns' missing rules and delete stale ones (tag = campaign name)."""
        r = client.get("/2/tweets/search/stream/rules")
        self._check(r, "stream rules")
        have = {(d["value"], d.get("tag", "")): d["id"] for d in r.json().get("data", [])}
        want = {(rule_for(c), c.name) for c in self.campaigns}
        stale = [rid for key, rid in have.items() if key not in want]
        missing = [{"value": v, "tag": t} for v, t in sorted(want - set(have))]
        if stale:
            self._check(client.post("/2/tweets/search/stream/rules",
                                     json={"delete": {"ids": stale}}), "delete rules")  # fmt: skip
        if missing:
            self._check(client.post("/2/tweets/search/stream/rules",
                                    json={"add": missing}), "add rules")  # fmt: skip

    def query(self) -> str:
        """The recent-search query of the campaigns: their stream rules, OR-ed."""
        return " OR ".join(f"({rule_for(c)})" for c in self.campaigns)

    def search(
        self,
        since: datetime,
        max_posts: int,
        on_progress: Callable[[SearchProgress], None] | None = None,
        max_wait_s: float = 900.0,
        retweets: bool = False,
    ) -> SearchResult:
        """One-shot recent search for the campaigns: tweets since ``since`` (X keeps 7 days),
        every page up to ``max_posts``, retweets left out unless ``retweets``.

        A 429 waits on the clock until ``x-rate-limit-reset`` when that is at most
        ``max_wait_s`` away, else the search stops there and says so in the notes. A
        refused token raises :class:`Refused`, a network failure :class:`Disconnected`,
        both naming the source.
        """
        now = self.clock.now()
        start, notes = max(since, now - SEARCH_WINDOW), []
        if since < now - timedelta(days=7, minutes=1):
            days = (now - since).total_seconds() / 86_400
            notes.append(f"X recent search reaches back 7 days, not {days:.3g}")
        query = self.query() + ("" if retweets else " -is:retweet")
        params = {"query": query, "start_time": _rfc3339(start), **FIELDS}
        posts: list[Post] = []
        pages = 0

        def on_wait(e: RateLimited) -> None:
            if on_progress is not None:
                on_progress(SearchProgress(self.name, len(posts), pages, e.reset_at))

        httpx = httpx_module()
        more = False
        with self._client(SEARCH_READ_S) as client:

            def get(p: dict[str, str]) -> tuple[dict[str, Any], bytes]:
                return self.wait_out(lambda: self._get(client, p), max_wait_s, on_wait)

            credentials = "the bearer token: bearer_token_env, X_BEARER_TOKEN by default"
            with self.failing_clearly(f"X recent search at {self.base_url}", httpx.HTTPError,
                                      credentials):  # fmt: skip
                try:
                    for page, raw in self._pages(get, params, max_posts):
                        pages += 1
                        posts.extend(r for r in self._decode.records(page, raw)
                                     if isinstance(r, Post))  # fmt: skip
                        more = bool((page.get("meta") or {}).get("next_token"))
                        if on_progress is not None:
                            on_progress(SearchProgress(self.name, len(posts), pages))
                except RateLimited as e:
                    notes.append(rate_limit_note(e, max_wait_s, len(posts)))
        if len(posts) >= max_posts and more:
            notes.append(f"stopped at max_posts = {max_posts:,}; there were more")
        del posts[max_posts:]
        return SearchResult(self.name, posts, pages, notes)

    def _pages(
        self,
        get: Callable[[dict[str, str]], tuple[dict[str, Any], bytes]],
        params: dict[str, str],
        max_posts: int | None = None,
    ) -> Iterator[tuple[dict[str, Any], bytes]]:
        """Recent search pages, newest first, following ``next_token`` to the last page
        (or until ``max_posts`` tweets)."""
        params = dict(params)
        n = 0
        while True:
            if max_posts is not None:
                params["max_results"] = str(min(100, max(10, max_posts - n)))
            page, raw = get(params)
            yield page, raw
            data = page.get("data")
            n += len(data) if isinstance(data, list) else 0
            token = (page.get("meta") or {}).get("next_token")
            if not token or (max_posts is not None and n >= max_posts):
                return
            params["next_token"] = token

    def _get(self, client: Any, params: dict[str, str]) -> tuple[dict[str, Any], bytes]:
        r = client.get("/2/tweets/search/recent", params=params)
        self._check(r, "recent search")
        raw = r.content
        try:
            page = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise Disconnected(f"X recent search: not JSON: {raw[:200]!r}") from None
        if not isinstance(page, dict):
            raise Disconnected(f"X recent search: expected an object, got {raw[:200]!r}")
        return page, raw

    def _backfill(self, client: Any) -> Iterator[SourceBatch]:
        """Recent search since the cursor, every page, oldest first, as one batch."""
        params: dict[str, str] = {"query": self.query(), "max_results": "100", **FIELDS}
        if self.cursor:
            params["since_id"] = self.cursor
        pages = list(self._pages(lambda p: self._get(client, p), params))
        records: list[Record] = []
        for page, raw in pages:
            records.extend(self._decode.records(page, raw))
        records.sort(key=lambda p: int(p.id) if p.id.isdigit() else 0)
        fresh = self._fresh(records)
        if fresh:
            yield SourceBatch(fresh, self.cursor)

    def _fresh(self, records: list[Record]) -> list[Record]:
        out: list[Record] = []
        for rec in records:
            if isinstance(rec, Post):
                if not self._seen.add(rec.id):
                    self.stats.duplicates_dropped += 1
                    continue
                if rec.id.isdigit() and (self.cursor is None or int(rec.id) > int(self.cursor)):
                    self.cursor = rec.id
            out.append(rec)
        return out

    def _check(self, r: Any, what: str) -> None:
        if r.status_code == 429:
            reset = reset_from_headers(r.headers, self.clock.now())
            raise RateLimited(f"X {what}: HTTP 429", reset)
        if r.status_code >= 400:
            if hasattr(r, "read"):
                r.read()
            body = r.text[:300].replace("\n", " ")
            error = Refused if r.status_code in (401, 403) else Disconnected
            raise error(f"X {what}: HTTP {r.status_code}: {body}")

    def _client(self, read_s: float) -> Any:
        headers = {"Authorization": f"Bearer {self._token}", "User-Agent": "foretold"}
        return http_client(self.base_url, headers, read_s, self.transport)


def _rfc3339(t: datetime) -> str:
    """``2024-09-09T19:00:00Z``: whole seconds, as X's ``start_time`` wants them."""
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
