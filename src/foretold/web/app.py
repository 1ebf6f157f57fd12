"""The dashboard server: static page, JSON API, server-sent events; standard library only.

Secure by default: it binds to 127.0.0.1; on any other address it refuses to start
without a token (``FORETOLD_TOKEN``), and with a token every request must carry it
(``Authorization: Bearer``, the ``foretold_token`` cookie, or ``?token=`` which sets
the cookie). Bound to localhost without a token, requests must name a local ``Host``
(no DNS rebinding). Every response forbids inline and foreign scripts (CSP). The
store is read through a read-only connection per thread, so a watch or replay can
write it meanwhile.

>>> server = make_server(":memory:", "127.0.0.1", 0)
>>> server.server_address[0]
'127.0.0.1'
>>> server.server_close()
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import socket
import sqlite3
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import orjson

from foretold.errors import ConfigError
from foretold.web import queries
from foretold.web.openapi import SPEC

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
    """The HTTP server; holds the store path, the token and the static files."""

    daemon_threads = True

    def __init__(self, store_path: str, host: str, port: int, token: str, poll_s: float) -> None:
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.store_path = store_path
        self.token = token
        self.poll_s = poll_s
        self.stopping = threading.Event()
        self.static = _static_files()
        self._local = threading.local()
        super().__init__((host, port), _Handler)

    def connection(self) -> sqlite3.Connection | None:
        """This thread's read-only connection, or None while the store does not exist."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is not None:
            return db
        if self.store_path == ":memory:" or not Path(self.store_path).exists():
            return None
        uri = f"file:{Path(self.store_path).resolve()}?mode=ro"
        db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA busy_timeout = 5000")
        self._local.db = db
        return db

    def shutdown(self) -> None:
        """Stop serving; open event streams end within one poll."""
        self.stopping.set()
        super().shutdown()


def make_server(
    store_path: str, host: str = "127.0.0.1", port: int = 8350, token: str = "", poll_s: float = 0.5
) -> DashboardServer:
    """A server ready for ``serve_forever``; ConfigError when a non-local bind has no token."""
    if not is_loopback(host) and not token:
        raise ConfigError(
            f"binding the dashboard to {host!r} exposes it beyond this machine: "
            "set FORETOLD_TOKEN to a long random value (or bind to 127.0.0.1)"
        )
    try:
        return DashboardServer(store_path, host, port, token, poll_s)
    except OSError as e:
        raise ConfigError(f"cannot listen on {host}:{port}: {e.strerror}") from None


_Api = Callable[[sqlite3.Connection, str, int, int], Any]  # db, campaign, limit, window
_CAMPAIGN_API: dict[str, _Api] = {
    "timeline": lambda db, c, n, w: queries.timeline(db, c, w),
    "mix": lambda db, c, n, w: queries.mix(db, c),
    "amplifiers": lambda db, c, n, w: queries.amplifiers(db, c, n),
    "posts": lambda db, c, n, w: queries.top_posts(db, c, n),
    "latest": lambda db, c, n, w: queries.latest_posts(db, c, n),
    "links": lambda db, c, n, w: queries.links(db, c, n),
    "alerts": lambda db, c, n, w: queries.alerts(db, c, n),
}
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

    def log_message(self, format: str, *args: Any) -> None:
        """Access log at debug level, without the query string (it may hold the token)."""
        log.debug("%s %s", self.command, urlsplit(self.path).path)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        path = unquote(url.path)
        if not self._allowed(query):
            return
        if path == "/" and "token" in query:
            self._redirect_with_cookie(query["token"][0])
            return
        try:
            self._route(path, query)
        except (BrokenPipeError, ConnectionResetError):
            pass
        except sqlite3.Error as e:
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
        elif path.startswith("/api/"):
            self._api(path.removeprefix("/api/").strip("/").split("/"), query)
        else:
            self._error(HTTPStatus.NOT_FOUND, "not found")

    def _api(self, parts: list[str], query: dict[str, list[str]]) -> None:
        db = self.server.connection()
        if db is None:
            self._json({"error": "the store does not exist yet"}, HTTPStatus.SERVICE_UNAVAILABLE)
            return
        if parts == ["status"]:
            self._json(queries.status(db))
        elif parts == ["campaigns"]:
            self._json(queries.campaigns(db))
        elif parts == ["sources"]:
            self._json(queries.sources(db))
        elif len(parts) == 3 and parts[0] == "campaigns" and parts[2] in _CAMPAIGN_API:
            try:
                limit = max(1, min(int(query.get("limit", ["10"])[0]), 200))
                window = int(query.get("window", ["900"])[0])
            except ValueError:
                self._error(HTTPStatus.BAD_REQUEST, "limit and window must be integers")
                return
            if window not in _WINDOWS:
                self._error(HTTPStatus.BAD_REQUEST, f"window must be one of {_WINDOWS}")
                return
            self._json(_CAMPAIGN_API[parts[2]](db, parts[1], limit, window))
        else:
            self._error(HTTPStatus.NOT_FOUND, "no such API path")

    def _events(self) -> None:
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
            db = self.server.connection()
            now = queries.status(db) if db is not None else {"posts": 0, "alerts": 0}
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
        supplied = ""
        auth = self.headers.get("Authorization") or ""
        if auth.startswith("Bearer "):
            supplied = auth.removeprefix("Bearer ").strip()
        elif "token" in query:
            supplied = query["token"][0]
        else:
            cookie = SimpleCookie(self.headers.get("Cookie") or "")
            if COOKIE in cookie:
                supplied = cookie[COOKIE].value
        if supplied and hmac.compare_digest(supplied.encode(), token.encode()):
            return True
        self._error(HTTPStatus.UNAUTHORIZED, "a token is required: open /?token=YOUR_TOKEN")
        return False

    def _redirect_with_cookie(self, token: str) -> None:
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Set-Cookie", f"{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/")
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

    def _send(self, body: bytes, content_type: str, status: int = HTTPStatus.OK) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self._security_headers()
        self.end_headers()
        self.wfile.write(body)

    def _json(self, data: Any, status: int = HTTPStatus.OK) -> None:
        self._send(orjson.dumps(data), "application/json", status)

    def _error(self, status: int, message: str) -> None:
        self._json({"error": message}, status)

    def _static(self, name: str) -> None:
        found = self.server.static.get(name)
        if found is None:
            self._error(HTTPStatus.NOT_FOUND, "no such file")
            return
        self._send(found[0], found[1])
