"""Local servers on 127.0.0.1 that speak each platform's live protocol, with faults.

Each server plays a :class:`Timeline`: ``n`` payloads in the platform's own shape
(built from the recorded fixtures), published in order while a client streams them.
Faults are keyed by the index of the payload about to be published:

``disconnect``      the connection drops mid-stream; ``gap`` payloads are published
                    while the client is away (only a resume can get them back)
``disconnect+429``  the same, and the next request is answered 429 with a reset header
``stall``           nothing, not even a keep-alive, until the client gives up and closes
                    (its read timeout; at most ``stall_hold_s`` when the server cannot
                    see the connection), so a client busy with a backlog still stalls
``malformed``       a broken frame before the payload
``restart``         (Jetstream) the server stops, starts again on the same port and
                    replays from the client's cursor

Time in the sources under test is a :class:`FastClock`: backoff and rate-limit waits
are counted in full but slept a thousandth of real time.
"""

from __future__ import annotations

import contextlib
import copy
import json
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
T0 = datetime(2024, 9, 9, 19, 0, tzinfo=UTC)
TOKEN = "test-bearer-token-never-logged"


class FastClock:
    """Wall time that moves with sleeps; each sleep also waits ``scale`` of it for real."""

    def __init__(self, start: datetime = T0, scale: float = 0.001) -> None:
        self._now = start
        self._mono = 0.0
        self.scale = scale
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        with self._lock:
            return self._mono

    def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        with self._lock:
            self._mono += seconds
            self._now += timedelta(seconds=seconds)
        time.sleep(seconds * self.scale)


# ---------------------------------------------------------------- payloads


def x_tweets(
    n: int, spacing: timedelta = timedelta(milliseconds=10)
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``n`` API v2 tweets (ascending ids, ``spacing`` apart from T0) and their authors,
    from the recorded page."""
    page = json.loads((FIXTURES / "x_v2" / "pages.jsonl").read_text().splitlines()[0])
    users = page["includes"]["users"]
    tweets = []
    for i in range(n):
        tid = str(1_833_000_000_000_000_000 + i)
        author = users[i % len(users)]
        text = f"Question {i} for the bank? #AskBrand"
        tweets.append({
            "id": tid, "text": text, "author_id": author["id"], "conversation_id": tid,
            "created_at": _iso(T0 + i * spacing), "lang": "en",
            "edit_history_tweet_ids": [tid],
            "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": i % 7,
                               "quote_count": 0},
            "entities": {"hashtags": [{"start": len(text) - 9, "end": len(text),
                                       "tag": "AskBrand"}]},
        })  # fmt: skip
    return tweets, users


def jetstream_events(n: int, spacing_us: int = 5000) -> list[dict[str, Any]]:
    """``n`` ``app.bsky.feed.post`` create commits, ``time_us`` ascending."""
    base = json.loads((FIXTURES / "bluesky" / "jetstream.jsonl").read_text().splitlines()[0])
    t0 = int(T0.timestamp() * 1_000_000)
    out = []
    for i in range(n):
        ev = copy.deepcopy(base)
        ev["did"] = f"did:plc:user{i % 97:04d}"
        ev["time_us"] = t0 + i * spacing_us
        ev["commit"]["rkey"] = f"3l{i:011d}"
        ev["commit"]["record"]["createdAt"] = _iso(T0 + timedelta(microseconds=i * spacing_us))
        out.append(ev)
    return out


def mastodon_statuses(
    n: int, host: str = "mastodon.social", spacing: timedelta = timedelta(milliseconds=10)
) -> list[dict[str, Any]]:
    """``n`` Status entities, ids ascending, ``spacing`` apart from T0, from the recorded status."""
    base = json.loads((FIXTURES / "mastodon" / "statuses.jsonl").read_text().splitlines()[0])
    out = []
    for i in range(n):
        s = copy.deepcopy(base)
        sid = str(113_107_200_000_000_000 + i)
        s["id"] = sid
        s["uri"] = f"https://{host}/users/ann/statuses/{sid}"
        s["url"] = f"https://{host}/@ann/{sid}"
        s["created_at"] = _iso(T0 + i * spacing)
        out.append(s)
    return out


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# ---------------------------------------------------------------- the timeline


@dataclass
class Timeline:
    """What the platform has published, and the faults still to inject."""

    n: int
    faults: dict[int, str] = field(default_factory=dict)
    gap: int = 25
    stall_hold_s: float = 0.8
    reset_after_s: float = 60.0  # a 429's reset header: this far after the clock's now
    keepalive_every: int = 250
    clock: Any = None
    published: int = 0
    connections: int = 0
    rate_limit_next: bool = False
    resets_sent: list[datetime] = field(default_factory=list)
    closing: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_fault(self, i: int) -> str | None:
        with self.lock:
            return self.faults.pop(i, None)

    def take_429(self) -> datetime | None:
        """The reset time when this request must be refused with 429."""
        with self.lock:
            if not self.rate_limit_next:
                return None
            self.rate_limit_next = False
            reset = self.clock.now() + timedelta(seconds=self.reset_after_s)
            reset = reset.replace(microsecond=0)  # headers carry whole seconds
            self.resets_sent.append(reset)
            return reset

    def publish_to(self, i: int) -> None:
        with self.lock:
            self.published = max(self.published, i)


def closed_by_peer(sock: socket.socket) -> Callable[[], bool]:
    """Whether the client has closed ``sock`` (end of stream, or reset)."""

    def gone() -> bool:
        try:
            readable, _, _ = select.select([sock], [], [], 0)
        except ValueError:  # closed on this side meanwhile (server shutdown): gone too
            return True
        if not readable:
            return False
        try:
            return sock.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    return gone


def play(
    tl: Timeline,
    start: int,
    send: Callable[[int], None],
    malformed: Callable[[], None],
    keepalive: Callable[[], None],
    on_restart: Callable[[], None] | None = None,
    peer_gone: Callable[[], bool] | None = None,
) -> None:
    """Send payloads from ``start`` with the timeline's faults; returns to drop the connection."""
    i = start
    while not tl.closing.is_set():
        if i >= tl.n:
            keepalive()
            time.sleep(0.05)
            continue
        fault = tl.take_fault(i)
        if fault in ("disconnect", "disconnect+429"):
            tl.publish_to(i + tl.gap)
            if fault == "disconnect+429":
                tl.rate_limit_next = True
            return
        if fault == "restart" and on_restart is not None:
            tl.publish_to(i + tl.gap)
            on_restart()
            return
        if fault == "stall":
            hold = tl.stall_hold_s if peer_gone is None else 30.0
            deadline = time.monotonic() + hold
            while time.monotonic() < deadline and not tl.closing.is_set():
                if peer_gone is not None and peer_gone():
                    break
                time.sleep(0.02)
            return
        if fault == "malformed":
            malformed()
        send(i)
        i += 1
        tl.publish_to(i)
        if i % tl.keepalive_every == 0:
            keepalive()


# ---------------------------------------------------------------- HTTP base


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    app: Any = None

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.app.handle(self, "GET")

    def do_POST(self) -> None:
        self.app.handle(self, "POST")


class HttpApp:
    """A threaded HTTP/1.1 server on a free 127.0.0.1 port."""

    def __init__(self) -> None:
        handler = type("Handler", (_Handler,), {"app": self})
        self.server = _Server(("127.0.0.1", 0), handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.requests: list[tuple[str, str]] = []
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HttpApp:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.timeline_closing()
        self.server.shutdown()
        self.server.server_close()

    def timeline_closing(self) -> None:
        pass

    def handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        raise NotImplementedError

    # helpers
    @staticmethod
    def json(
        h: BaseHTTPRequestHandler, status: int, body: Any, headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(body).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)

    @staticmethod
    def start_chunked(h: BaseHTTPRequestHandler, content_type: str) -> Callable[[bytes], None]:
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        h.wfile.flush()

        def write(data: bytes) -> None:
            h.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            h.wfile.flush()

        return write


# ---------------------------------------------------------------- X API v2


class XServer(HttpApp):
    """Filtered stream, its rules, and recent search, as ``api.x.com`` serves them.

    Recent search pages newest first through ``next_token``, honours ``since_id``,
    ``start_time`` and ``end_time``, and refuses (400, X's problem shape) a
    ``max_results`` outside 10-100 or, when the timeline has a clock, a ``start_time``
    more than 7 days before its now.
    """

    def __init__(
        self,
        tl: Timeline,
        rules: list[dict[str, str]] | None = None,
        spacing: timedelta = timedelta(milliseconds=10),
    ) -> None:
        super().__init__()
        self.tl = tl
        self.tweets, users = x_tweets(tl.n, spacing)
        self.users = {u["id"]: u for u in users}
        self.rules = {str(i + 1): r for i, r in enumerate(rules or [])}
        self.stream_params: list[dict[str, list[str]]] = []
        self.search_params: list[dict[str, list[str]]] = []

    def timeline_closing(self) -> None:
        self.tl.closing.set()

    def handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(h.path)
        params = parse_qs(url.query)
        self.requests.append((method, url.path))
        if h.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self.json(h, 401, {"title": "Unauthorized", "status": 401})
        if url.path == "/2/tweets/search/stream/rules":
            return self._rules(h, method)
        reset = self.tl.take_429()
        if reset is not None:
            return self.json(h, 429, {"title": "Too Many Requests", "status": 429},
                             {"x-rate-limit-reset": str(int(reset.timestamp())),
                              "x-rate-limit-remaining": "0"})  # fmt: skip
        if url.path == "/2/tweets/search/stream":
            self.stream_params.append(params)
            return self._stream(h)
        if url.path == "/2/tweets/search/recent":
            self.search_params.append(params)
            return self._search(h, params)
        return self.json(h, 404, {"title": "Not Found"})

    def _message(self, i: int) -> dict[str, Any]:
        t = self.tweets[i]
        return {"data": t, "includes": {"users": [self.users[t["author_id"]]]},
                "matching_rules": [{"id": "1", "tag": "askbrand"}]}  # fmt: skip

    def _stream(self, h: BaseHTTPRequestHandler) -> None:
        self.tl.connections += 1
        write = self.start_chunked(h, "application/json")
        with contextlib.suppress(OSError):
            play(
                self.tl, self.tl.published,
                send=lambda i: write(json.dumps(self._message(i)).encode() + b"\r\n"),
                malformed=lambda: write(b'{"data": {"id": "17", "text\r\n'),
                keepalive=lambda: write(b"\r\n"), peer_gone=closed_by_peer(h.connection),
            )  # fmt: skip
        h.close_connection = True  # no terminating chunk: the client sees a broken stream

    def _search(self, h: BaseHTTPRequestHandler, params: dict[str, list[str]]) -> None:
        since = int(params.get("since_id", ["0"])[0])
        size = int(params.get("max_results", ["10"])[0])
        page = int(params.get("next_token", ["0"])[0])
        if not 10 <= size <= 100:
            return self._invalid(h, "max_results", str(size), "must be between 10 and 100")
        start = params.get("start_time", [None])[0]
        end = params.get("end_time", [None])[0]
        if start and self.tl.clock is not None:
            earliest = self.tl.clock.now() - timedelta(days=7)
            if _time(start) < earliest:
                return self._invalid(h, "start_time", start,
                                     f"must be on or after {_iso(earliest)}")  # fmt: skip
        hits = [
            t for t in self.tweets[: self.tl.published]
            if int(t["id"]) > since
            and (not start or _time(t["created_at"]) >= _time(start))
            and (not end or _time(t["created_at"]) < _time(end))
        ][::-1]  # fmt: skip
        chunk = hits[page * size : (page + 1) * size]
        meta: dict[str, Any] = {"result_count": len(chunk)}
        if chunk:
            meta |= {"newest_id": chunk[0]["id"], "oldest_id": chunk[-1]["id"]}
        if (page + 1) * size < len(hits):
            meta["next_token"] = str(page + 1)
        body: dict[str, Any] = {"meta": meta}
        if chunk:
            body["data"] = chunk
            body["includes"] = {"users": list({t["author_id"]: self.users[t["author_id"]]
                                               for t in chunk}.values())}  # fmt: skip
        self.json(h, 200, body)

    def _invalid(self, h: BaseHTTPRequestHandler, name: str, value: str, why: str) -> None:
        self.json(h, 400, {
            "errors": [{"parameters": {name: [value]},
                        "message": f"Invalid '{name}':'{value}'. '{name}' {why}"}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        })  # fmt: skip

    def _rules(self, h: BaseHTTPRequestHandler, method: str) -> None:
        if method == "GET":
            data = [{"id": k, **v} for k, v in self.rules.items()]
            body: dict[str, Any] = {"meta": {"sent": _iso(T0), "result_count": len(data)}}
            if data:
                body["data"] = data
            return self.json(h, 200, body)
        length = int(h.headers.get("Content-Length", "0"))
        req = json.loads(h.rfile.read(length))
        created = []
        for rule in req.get("add", []):
            rid = str(1000 + len(self.requests))
            self.rules[rid] = {"value": rule["value"], "tag": rule.get("tag", "")}
            created.append({"id": rid, **self.rules[rid]})
        for rid in req.get("delete", {}).get("ids", []):
            self.rules.pop(rid, None)
        meta = {
            "sent": _iso(T0),
            "summary": {
                "created": len(created),
                "not_created": 0,
                "valid": len(created),
                "invalid": 0,
            },
        }
        return self.json(h, 201 if created else 200, {"data": created, "meta": meta})


# ---------------------------------------------------------------- Mastodon


class MastodonServer(HttpApp):
    """The hashtag stream (server-sent events) and the hashtag timeline of one instance.

    The timeline pages as Mastodon does: newest first below ``max_id`` and above
    ``since_id``, or the page right after ``min_id``; at most 40 a page; another tag's
    timeline is an empty list.
    """

    def __init__(
        self,
        tl: Timeline,
        tag: str = "askbrand",
        token: str | None = None,
        spacing: timedelta = timedelta(milliseconds=10),
    ) -> None:
        super().__init__()
        self.tl = tl
        self.tag = tag
        self.token = token
        self.statuses = mastodon_statuses(tl.n, spacing=spacing)
        self.timeline_params: list[dict[str, list[str]]] = []

    def timeline_closing(self) -> None:
        self.tl.closing.set()

    def handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(h.path)
        params = parse_qs(url.query)
        self.requests.append((method, url.path))
        if self.token and h.headers.get("Authorization") != f"Bearer {self.token}":
            return self.json(h, 401, {"error": "The access token is invalid"})
        reset = self.tl.take_429()
        if reset is not None:
            return self.json(h, 429, {"error": "Too many requests"},
                             {"X-RateLimit-Reset": reset.isoformat().replace("+00:00", "Z"),
                              "X-RateLimit-Remaining": "0"})  # fmt: skip
        if url.path == "/api/v1/streaming/hashtag" and params.get("tag") == [self.tag]:
            return self._stream(h)
        if url.path == f"/api/v1/timelines/tag/{self.tag}":
            self.timeline_params.append(params)
            return self._timeline(h, params)
        if url.path.startswith("/api/v1/timelines/tag/"):
            return self.json(h, 200, [])  # a tag nobody used
        return self.json(h, 404, {"error": "Record not found"})

    def _stream(self, h: BaseHTTPRequestHandler) -> None:
        self.tl.connections += 1
        write = self.start_chunked(h, "text/event-stream")

        def send(i: int) -> None:
            data = json.dumps(self.statuses[i])
            write(f"event: update\ndata: {data}\n\n".encode())

        try:
            write(b":)\n")
            play(self.tl, self.tl.published, send=send,
                 malformed=lambda: write(b'event: update\ndata: {"id": "1", "uri\n\n'),
                 keepalive=lambda: write(b":thump\n"),
                 peer_gone=closed_by_peer(h.connection))  # fmt: skip
        except OSError:
            pass
        h.close_connection = True

    def _timeline(self, h: BaseHTTPRequestHandler, params: dict[str, list[str]]) -> None:
        limit = min(int(params.get("limit", ["20"])[0]), 40)
        pub = self.statuses[: self.tl.published]
        if "min_id" in params:  # the page right after min_id
            lo = int(params["min_id"][0])
            page = [s for s in pub if int(s["id"]) > lo][:limit]
        else:  # newest first, below max_id and after since_id
            lo = int(params.get("since_id", ["0"])[0])
            hi = int(params["max_id"][0]) if "max_id" in params else None
            page = [s for s in pub if int(s["id"]) > lo and (hi is None or int(s["id"]) < hi)]
            page = page[-limit:]
        self.json(h, 200, page[::-1])


# ---------------------------------------------------------------- Jetstream


class JetstreamServer:
    """``/subscribe`` over a websocket: live events, cursor replay, restarts, 429."""

    def __init__(self, tl: Timeline) -> None:
        self.tl = tl
        self.events = jetstream_events(tl.n)
        self.frames = [json.dumps(e) for e in self.events]
        self.times = [e["time_us"] for e in self.events]
        self.port = _free_port()
        self.url = f"ws://127.0.0.1:{self.port}"
        self.cursors: list[int | None] = []
        self.restarts = 0
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> JetstreamServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.tl.closing.set()
        self.stop()

    def start(self) -> None:
        from websockets.sync.server import serve

        self._server = serve(self._handler, "127.0.0.1", self.port,
                             process_request=self._process_request)  # fmt: skip
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server = None

    def restart(self) -> None:
        """Stop listening and drop every client, then listen again on the same port."""
        self.restarts += 1
        server = self._server

        def again() -> None:
            server.shutdown()
            time.sleep(0.1)
            self.start()

        threading.Thread(target=again, daemon=True).start()

    def _process_request(self, connection: Any, request: Any) -> Any:
        url = urlsplit(request.path)
        if url.path != "/subscribe":
            return connection.respond(HTTPStatus.NOT_FOUND, "not found\n")
        reset = self.tl.take_429()
        if reset is not None:
            response = connection.respond(HTTPStatus.TOO_MANY_REQUESTS, "slow down\n")
            response.headers["Retry-After"] = str(int(self.tl.reset_after_s))
            return response
        return None

    def _handler(self, ws: Any) -> None:
        from bisect import bisect_left

        from websockets.exceptions import ConnectionClosed

        params = parse_qs(urlsplit(ws.request.path).query)
        assert params.get("wantedCollections") == ["app.bsky.feed.post"]
        cursor = int(params["cursor"][0]) if "cursor" in params else None
        self.cursors.append(cursor)
        self.tl.connections += 1
        start = self.tl.published if cursor is None else bisect_left(self.times, cursor)
        try:
            play(self.tl, start, send=lambda i: ws.send(self.frames[i]),
                 malformed=lambda: ws.send('{"did": "did:plc:x", "time_us": '),
                 keepalive=lambda: None, on_restart=self.restart,
                 peer_gone=closed_by_peer(ws.socket))  # fmt: skip
        except ConnectionClosed:
            return
        ws.socket.close()  # drop, without a closing handshake


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
