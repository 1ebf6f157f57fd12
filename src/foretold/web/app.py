"""The dashboard server: static page, JSON API, server-sent events; standard library only.

Secure by default: it binds to 127.0.0.1; on any other address it refuses to start
without a strong token (``FORETOLD_TOKEN``, see :mod:`foretold.web.tokens`), and with a
token every request must carry it (``Authorization: Bearer``, the ``foretold_token``
cookie, or ``?token=`` which sets the cookie). Bound to localhost without a token,
requests must name a local ``Host`` (no DNS rebinding). Every response forbids
inline and foreign scripts (CSP), and no header ever carries request input. The
store is read through read-only :class:`~foretold.store.Store` connections, so a
watch or replay can write it meanwhile, and a store on a read-only disk is served.

Abuse is bounded by :class:`Limits`: a deep listen backlog, a deadline for the
request line and headers (a slow sender is cut off), a cap on connections and on
event streams (beyond it: 503 at once, no thread), a back-off when the process runs
out of file descriptors, and answers (400, 414, 431) instead of tracebacks::

    connect ──> head (line + headers) ──> route ──> answer ──> close
                └ head_timeout_s: cut ┘   └ io_timeout_s per read/write ┘

>>> server = make_server(":memory:", "127.0.0.1", 0)
>>> server.server_address[0], server.limits.backlog
('127.0.0.1', 1024)
>>> server.server_close()
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import logging
import math
import queue
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import orjson

from foretold.coordination.panel import panel as coordination_panel
from foretold.errors import ConfigError, StoreError
from foretold.store import Store
from foretold.store_reads import PANELS
from foretold.web.openapi import SPEC
from foretold.web.thumbs import add_thumbs, picture, picture_thumbs
from foretold.web.tokens import FailureBrake, check_token, is_token_text, same_token

log = logging.getLogger("foretold.web")
COOKIE = "foretold_token"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
    " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
          ".css": "text/css; charset=utf-8", ".png": "image/png", ".svg": "image/svg+xml",
          "": "text/plain; charset=utf-8"}  # fmt: skip
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
_OUT_OF_FDS = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}
_QUIET = (TimeoutError, ConnectionError)


@dataclass(frozen=True)
class Limits:
    """How much the server takes before it says no.

    ``backlog`` connections may wait to be accepted (the standard library's is 5);
    ``max_connections`` are served at once and ``max_streams`` of them may be event
    streams; a client has ``head_timeout_s`` to send its request line and headers and
    ``io_timeout_s`` for each read or write after that; ``accept_backoff_s`` is the
    pause before accepting again when the process is out of file descriptors.
    """

    backlog: int = 1024
    max_connections: int = 256
    max_streams: int = 128
    head_timeout_s: float = 10.0
    io_timeout_s: float = 30.0
    accept_backoff_s: float = 0.25
    store_connections: int = 16


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the server on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _static_files() -> dict[str, tuple[bytes, str]]:
    root = resources.files("foretold.web") / "static"
    files: dict[str, tuple[bytes, str]] = {}

    def walk(node: Any, prefix: str) -> None:
        for child in node.iterdir():
            name = prefix + child.name
            if child.is_dir():
                walk(child, name + "/")
            else:
                suffix = Path(child.name).suffix
                files[name] = (child.read_bytes(), _TYPES.get(suffix, _TYPES[""]))

    walk(root, "")
    return files


class DashboardServer(ThreadingHTTPServer):
    """The HTTP server; holds the store path, the token, the limits and the static files."""

    daemon_threads = True

    def __init__(
        self,
        store_path: str,
        host: str,
        port: int,
        token: str,
        poll_s: float,
        limits: Limits = Limits(),
        brake: FailureBrake | None = None,
        media_dirs: Sequence[Path] = (),
    ) -> None:
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.request_queue_size = limits.backlog
        self.store_path = store_path
        self.token = token
        self.poll_s = poll_s
        self.limits = limits
        self.brake = brake or FailureBrake()
        self.stopping = threading.Event()
        self.static = _static_files()
        # where thumbnails may come from: the given folders and the watch's cache NAME.media
        cache = Path(store_path).with_suffix(".media")
        self.media_roots = tuple(media_dirs) + ((cache,) if cache.is_dir() else ())
        self._slots = threading.BoundedSemaphore(limits.max_connections)
        self.streams = threading.BoundedSemaphore(limits.max_streams)
        self._heads: dict[socket.socket, float] = {}
        self._heads_lock = threading.Lock()
        self._stores: queue.SimpleQueue[Store] = queue.SimpleQueue()
        self._out_of_fds_logged = 0.0
        super().__init__((host, port), _Handler)

    # -- the store ---------------------------------------------------------

    @contextlib.contextmanager
    def store(self) -> Iterator[Store | None]:
        """A read-only store connection from the pool, or None while the store does not exist."""
        if self.store_path == ":memory:" or not Path(self.store_path).exists():
            yield None
            return
        try:
            store = self._stores.get_nowait()
        except queue.Empty:
            store = Store(self.store_path, readonly=True)
        try:
            yield store
        finally:
            if self._stores.qsize() < self.limits.store_connections:
                self._stores.put(store)
            else:
                store.close()

    # -- connections ---------------------------------------------------------

    def get_request(self) -> tuple[socket.socket, Any]:
        """Accept; out of file descriptors, pause instead of spinning on a ready socket."""
        try:
            return super().get_request()
        except OSError as e:
            if e.errno in _OUT_OF_FDS:
                if time.monotonic() - self._out_of_fds_logged > 60:
                    log.warning("cannot accept connections: %s; retrying", e.strerror)
                    self._out_of_fds_logged = time.monotonic()
                self.stopping.wait(self.limits.accept_backoff_s)
            raise

    def process_request(self, request: Any, client_address: Any) -> None:
        """One thread per connection, at most ``max_connections``; beyond: 503 at once."""
        if not self._slots.acquire(blocking=False):
            refuse(request, HTTPStatus.SERVICE_UNAVAILABLE, "the dashboard is busy: try again")
            self.shutdown_request(request)
            return
        self.head_started(request)
        thread = threading.Thread(target=self._serve, args=(request, client_address), daemon=True)
        try:
            thread.start()
        except RuntimeError:  # no thread to be had
            self.head_done(request)
            self._slots.release()
            self.shutdown_request(request)

    def _serve(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            self.head_done(request)
            self._slots.release()

    def head_started(self, sock: socket.socket) -> None:
        """Start the clock on this connection's request line and headers."""
        with self._heads_lock:
            self._heads[sock] = time.monotonic() + self.limits.head_timeout_s

    def head_done(self, sock: socket.socket) -> None:
        """The request head has arrived (or the connection ended)."""
        with self._heads_lock:
            self._heads.pop(sock, None)

    def service_actions(self) -> None:
        """Between polls of the accept loop: cut off clients too slow to send their head."""
        now = time.monotonic()
        with self._heads_lock:
            late = [s for s, deadline in self._heads.items() if deadline < now]
            for s in late:
                del self._heads[s]
        for s in late:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A failed request is logged, never printed as a traceback."""
        log.warning("request from %s failed", client_address[0], exc_info=True)

    def shutdown(self) -> None:
        """Stop serving; open event streams end within one poll."""
        self.stopping.set()
        super().shutdown()

    def server_close(self) -> None:
        """Close the listening socket and the pooled store connections."""
        super().server_close()
        while True:
            try:
                self._stores.get_nowait().close()
            except queue.Empty:
                break


def refuse(sock: socket.socket, status: HTTPStatus, message: str) -> None:
    """Answer a connection the server will not serve, without reading it or starting a thread."""
    body = orjson.dumps({"error": message})
    head = (
        f"HTTP/1.0 {status.value} {status.phrase}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
    )
    with contextlib.suppress(OSError):
        sock.settimeout(1.0)
        sock.sendall(head.encode() + body)


def make_server(
    store_path: str,
    host: str = "127.0.0.1",
    port: int = 8350,
    token: str = "",
    poll_s: float = 0.5,
    limits: Limits = Limits(),
    brake: FailureBrake | None = None,
    media_dirs: Sequence[str] = (),
) -> DashboardServer:
    """A server ready for ``serve_forever``; ConfigError when the bind or the token is wrong."""
    loopback = is_loopback(host)
    if not loopback and not token:
        raise ConfigError(
            f"binding the dashboard to {host!r} exposes it beyond this machine: "
            "set FORETOLD_TOKEN to a long random value (or bind to 127.0.0.1)"
        )
    check_token(token, loopback)
    if not 0 <= port <= 65535:
        raise ConfigError(f"--port must be between 0 and 65535, not {port}")
    roots = []
    for folder in media_dirs:
        if not Path(folder).is_dir():
            raise ConfigError(f"--media-dir {folder!r}: not a folder")
        roots.append(Path(folder))
    try:
        return DashboardServer(store_path, host, port, token, poll_s, limits, brake, roots)
    except OSError as e:
        raise ConfigError(f"cannot listen on {host}:{port}: {e.strerror}") from None


_Api = Callable[[Store, str, int, int], Any]  # store, campaign, limit, window
_CAMPAIGN_API: dict[str, _Api] = {
    "timeline": lambda s, c, n, w: s.dashboard_timeline(c, w),
    "mix": lambda s, c, n, w: s.dashboard_mix(c),
    "amplifiers": lambda s, c, n, w: s.dashboard_amplifiers(c, n),
    "posts": lambda s, c, n, w: s.dashboard_top_posts(c, n),
    "latest": lambda s, c, n, w: s.dashboard_latest_posts(c, n),
    "links": lambda s, c, n, w: s.dashboard_links(c, n),
    "pictures": lambda s, c, n, w: s.recent_pictures(c, limit=n),
    "alerts": lambda s, c, n, w: s.dashboard_alerts(c, n),
    "coordination": lambda s, c, n, w: coordination_panel(s, c),
    "languages": lambda s, c, n, w: s.dashboard_languages(c, window=PANELS),
}
CAMPAIGN_VIEWS = tuple(_CAMPAIGN_API)
_WINDOWS = (60, 300, 900, 3600)


def _host_name(value: str) -> str:
    """``localhost:8350`` -> ``localhost``; ``[::1]:8350`` -> ``[::1]``."""
    if value.startswith("["):
        return value.split("]")[0] + "]"
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class _Handler(BaseHTTPRequestHandler):
    server: DashboardServer
    server_version = "foretold"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.limits.io_timeout_s)

    def parse_request(self) -> bool:
        ok = super().parse_request()
        self.server.head_done(self.connection)
        return ok

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except _QUIET as e:  # a client that went away or stalled: nothing to answer
            log.debug("connection from %s ended: %s", self.client_address[0], e)
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Access log at debug level, without the query string (it may hold the token)."""
        path = getattr(self, "path", "")  # unset when the request line was unreadable
        log.debug("%s %s", getattr(self, "command", "") or "-", urlsplit(path).path[:200])

    def send_header(self, keyword: str, value: str) -> None:
        """Every header is written here: one with a line break is a bug, never sent."""
        if any(c in value for c in "\r\n\0"):
            raise ValueError(f"refusing to send a {keyword} header with a line break")
        super().send_header(keyword, value)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Protocol errors (400, 414, 431, 501) as JSON; the request is never echoed."""
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # unparsed: answer with a status line anyway
            self.request_version = "HTTP/1.0"
        status = HTTPStatus(code)
        self._json({"error": status.phrase.lower()}, status)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        path = unquote(url.path)
        if not self._allowed(query):
            return
        if path == "/" and "token" in query:
            self._redirect_with_cookie()
            return
        try:
            self._route(path, query)
        except _QUIET:
            self.close_connection = True
        except (sqlite3.Error, StoreError) as e:
            self._json({"error": f"cannot read the store: {e}"}, HTTPStatus.SERVICE_UNAVAILABLE)

    def _route(self, path: str, query: dict[str, list[str]]) -> None:
        if path in ("/", "/index.html"):
            self._static("index.html")
        elif path.startswith("/static/"):
            self._static(path.removeprefix("/static/"))
        elif path == "/api/openapi.json":
            self._json(SPEC)
        elif path == "/events":
            self._events()
        elif path == "/media":
            self._media(query)
        elif path.startswith("/api/"):
            self._api(path.removeprefix("/api/").strip("/").split("/"), query)
        else:
            self._error(HTTPStatus.NOT_FOUND, "not found")

    def _api(self, parts: list[str], query: dict[str, list[str]]) -> None:
        with self.server.store() as store:
            if store is None:
                self._error(HTTPStatus.SERVICE_UNAVAILABLE, "the store does not exist yet")
            elif parts == ["status"]:
                self._json(store.dashboard_status())
            elif parts == ["campaigns"]:
                self._json(store.dashboard_campaigns())
            elif parts == ["sources"]:
                self._json(store.source_statuses())
            elif len(parts) == 3 and parts[0] == "campaigns" and parts[2] in _CAMPAIGN_API:
                self._campaign(store, parts[1], parts[2], query)
            else:
                self._error(HTTPStatus.NOT_FOUND, "no such API path")

    def _campaign(self, store: Store, name: str, view: str, query: dict[str, list[str]]) -> None:
        try:
            limit = max(1, min(int(query.get("limit", ["10"])[0]), 200))
            window = int(query.get("window", ["900"])[0])
        except ValueError:
            self._error(HTTPStatus.BAD_REQUEST, "limit and window must be integers")
            return
        if window not in _WINDOWS:
            self._error(HTTPStatus.BAD_REQUEST, f"window must be one of {_WINDOWS}")
        elif not store.has_campaign(name):
            self._error(HTTPStatus.NOT_FOUND, "no such campaign")
        else:
            data = _CAMPAIGN_API[view](store, name, limit, window)
            if view in ("posts", "latest"):
                data = add_thumbs(data, self.server.media_roots)
            elif view == "pictures":
                data = picture_thumbs(data, self.server.media_roots)
            self._json(data)

    def _media(self, query: dict[str, list[str]]) -> None:
        """A post's picture from a local media folder (see :mod:`foretold.web.thumbs`)."""
        platform = query.get("platform", [""])[0]
        post_id = query.get("id", [""])[0]
        index = query.get("index", [""])[0]
        if not (platform and post_id and index.isdigit() and len(index) < 6):
            self._error(HTTPStatus.BAD_REQUEST, "platform, id and index are required")
            return
        with self.server.store() as store:
            path = store.image_file(platform, post_id, int(index)) if store is not None else None
        found = picture(path, self.server.media_roots) if path else None
        if found is None:
            self._error(HTTPStatus.NOT_FOUND, "no local picture")
            return
        self._send(found[0], found[1])

    def _events(self) -> None:
        if not self.server.streams.acquire(blocking=False):
            self._error(HTTPStatus.SERVICE_UNAVAILABLE, "too many open event streams")
            return
        try:
            self._stream()
        finally:
            self.server.streams.release()

    def _stream(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self._security_headers()
        self.end_headers()
        self.wfile.write(b"retry: 2000\n\n")
        self.wfile.flush()
        last: dict[str, int] | None = None
        beat = time.monotonic()
        while not self.server.stopping.is_set():
            with self.server.store() as store:
                now = store.dashboard_status() if store is not None else {"posts": 0, "alerts": 0}
            if now != last:
                self.wfile.write(b"event: change\ndata: " + orjson.dumps(now) + b"\n\n")
                self.wfile.flush()
                last, beat = now, time.monotonic()
            elif time.monotonic() - beat > 15:
                self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
                beat = time.monotonic()
            self.server.stopping.wait(self.server.poll_s)

    # -- security ---------------------------------------------------------

    def _allowed(self, query: dict[str, list[str]]) -> bool:
        token = self.server.token
        if not token:
            host = _host_name(self.headers.get("Host") or "")
            if host not in _LOCAL_HOSTS:
                self._error(HTTPStatus.FORBIDDEN, "this dashboard answers on localhost only")
                return False
            return True
        client = str(self.client_address[0])
        wait = self.server.brake.wait(client)
        if wait > 0:
            self._error(HTTPStatus.TOO_MANY_REQUESTS, "too many wrong tokens: wait", wait)
            return False
        supplied = self._supplied(query)
        if supplied is None:
            self._error(HTTPStatus.UNAUTHORIZED, "a token is required: open /?token=YOUR_TOKEN")
            return False
        if is_token_text(supplied) and same_token(supplied, token):
            return True
        self.server.brake.failed(client)
        self._error(HTTPStatus.UNAUTHORIZED, "wrong token")
        return False

    def _supplied(self, query: dict[str, list[str]]) -> str | None:
        auth = self.headers.get("Authorization") or ""
        if auth.startswith("Bearer "):
            return auth.removeprefix("Bearer ").strip()
        if "token" in query:
            return query["token"][0]
        try:
            cookie = SimpleCookie(self.headers.get("Cookie") or "")
        except CookieError:
            return None
        return cookie[COOKIE].value if COOKIE in cookie else None

    def _redirect_with_cookie(self) -> None:
        """``/?token=`` -> ``/``, remembering the server's own token (never the input:
        the request was let in only if it was equal). Without a token, no cookie."""
        self.send_response(HTTPStatus.SEE_OTHER)
        if self.server.token:
            self.send_header(
                "Set-Cookie", f"{COOKIE}={self.server.token}; HttpOnly; SameSite=Strict; Path=/"
            )
        self.send_header("Location", "/")
        self.send_header("Content-Length", "0")
        self._security_headers()
        self.end_headers()

    def _security_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")

    # -- responses --------------------------------------------------------

    def _send(
        self, body: bytes, content_type: str, status: int = HTTPStatus.OK, retry_s: float = 0
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if retry_s:
            self.send_header("Retry-After", str(math.ceil(retry_s)))
        self._security_headers()
        self.end_headers()
        self.wfile.write(body)

    def _json(self, data: Any, status: int = HTTPStatus.OK, retry_s: float = 0) -> None:
        self._send(orjson.dumps(data), "application/json", status, retry_s)

    def _error(self, status: int, message: str, retry_s: float = 0) -> None:
        self._json({"error": message}, status, retry_s)

    def _static(self, name: str) -> None:
        found = self.server.static.get(name)
        if found is None:
            self._error(HTTPStatus.NOT_FOUND, "no such file")
            return
        self._send(found[0], found[1])
