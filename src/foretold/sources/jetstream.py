"""Bluesky Jetstream: the public firehose of posts over a websocket, no account needed.

``{base}/subscribe?wantedCollections=app.bsky.feed.post`` sends one JSON event per
message; every event has ``time_us``, the cursor. On reconnect the source asks for
``cursor = last time_us - rewind`` (a few seconds back, so nothing between the last
stored event and the drop is missed) and drops the events it has already passed on,
keyed by ``(did, time_us, rkey)``. Jetstream sends no keep-alive messages: a
stream that sends nothing for ``stall_seconds`` is stalled and reconnected. A
refused handshake with HTTP 429 waits for ``Retry-After``.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

from foretold.errors import MissingExtraError
from foretold.formats import bluesky
from foretold.ingest import IngestStats, Quarantine
from foretold.post import Post
from foretold.sources.base import (
    Decoder,
    Disconnected,
    LiveSource,
    RateLimited,
    RecentKeys,
    Record,
    SourceBatch,
    Stalled,
    reset_from_headers,
)

DEFAULT_URL = "wss://jetstream2.us-east.bsky.network"


class Jetstream(LiveSource):
    """Bluesky posts from a Jetstream instance; ``keep`` filters posts (e.g. campaigns)."""

    kind = "bluesky"

    def __init__(
        self,
        name: str,
        stats: IngestStats,
        quarantine: Quarantine,
        url: str = DEFAULT_URL,
        rewind_s: float = 3.0,
        keep: Callable[[Post], bool] | None = None,
        **kw: Any,
    ) -> None:
        kw.setdefault("stall_seconds", 30.0)
        super().__init__(name, **kw)
        self.url = url.rstrip("/")
        self.rewind_s = rewind_s
        self.keep = keep
        self._decode = Decoder(name, bluesky, quarantine, stats)
        self._seen = RecentKeys()

    def subscribe_url(self) -> str:
        """The subscribe URL, with the rewound cursor when resuming.

        >>> from foretold.ingest import IngestStats, Quarantine
        >>> j = Jetstream("bsky", IngestStats(), Quarantine(), url="ws://127.0.0.1:1")
        >>> j.cursor = "1725911162329308"
        >>> j.subscribe_url()
        'ws://127.0.0.1:1/subscribe?wantedCollections=app.bsky.feed.post&cursor=1725911159329308'
        """
        params: dict[str, str] = {"wantedCollections": "app.bsky.feed.post"}
        if self.cursor:
            params["cursor"] = str(max(0, int(self.cursor) - int(self.rewind_s * 1_000_000)))
        return f"{self.url}/subscribe?{urlencode(params)}"

    def connect(self, stop: threading.Event) -> Iterator[SourceBatch]:
        """One websocket session: events until it drops, stalls or ``stop``."""
        try:
            from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException
            from websockets.sync.client import connect
        except ImportError:  # pragma: no cover - depends on the install
            raise MissingExtraError("websockets", "live") from None
        stack = contextlib.ExitStack()
        try:
            ws = stack.enter_context(
                connect(self.subscribe_url(), open_timeout=10, close_timeout=1, max_size=1 << 22)
            )
        except InvalidStatus as e:
            status = e.response.status_code
            if status == 429:
                reset = reset_from_headers(e.response.headers, self.clock.now())
                raise RateLimited("HTTP 429 from Jetstream", reset) from None
            raise Disconnected(f"Jetstream refused the websocket: HTTP {status}") from None
        except (OSError, TimeoutError, WebSocketException) as e:
            raise Disconnected(f"cannot reach Jetstream: {type(e).__name__}: {e}") from None
        self._close_hooks.append(ws.close)
        self.set_state("connected", self.url)
        try:
            while not stop.is_set():
                try:
                    message = ws.recv(timeout=self.stall_seconds)
                except TimeoutError:
                    raise Stalled(f"no event for {self.stall_seconds:g} s") from None
                except ConnectionClosed as e:
                    raise Disconnected(f"Jetstream closed the websocket: {e}") from None
                except (OSError, WebSocketException) as e:
                    raise Disconnected(f"Jetstream connection lost: {e}") from None
                raw = message.encode() if isinstance(message, str) else message
                batch = self._event(raw)
                if batch is not None:
                    yield batch
        finally:
            self._close_hooks.remove(ws.close)
            with contextlib.suppress(Exception):
                stack.close()

    def _event(self, raw: bytes) -> SourceBatch | None:
        obj = self._decode.loads(raw)
        if obj is None:
            return None
        time_us = obj.get("time_us") if isinstance(obj, dict) else None
        if not isinstance(time_us, int):
            self._decode.refuse(raw, "bluesky: time_us: expected an integer")
            return None
        commit = obj.get("commit")
        rkey = commit.get("rkey", "") if isinstance(commit, dict) else ""
        if not self._seen.add(f"{obj.get('did')}\t{time_us}\t{rkey}"):
            self.stats.duplicates_dropped += 1
            return None
        records: list[Record] = self._decode.records(obj, raw)
        if self.keep is not None:
            records = [r for r in records if not isinstance(r, Post) or self.keep(r)]
        if self.cursor is None or time_us > int(self.cursor):
            self.cursor = str(time_us)
        return SourceBatch(records, self.cursor)
