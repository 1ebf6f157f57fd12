"""Live pictures: ``watch`` fetches posts' images when ``foretold.toml`` says so.

::

    [media]
    fetch = true              # off by default
    max_bytes = 8388608       # a bigger picture is refused (Content-Length or counted)
    timeout_s = 10            # the whole fetch, redirects and body included
    workers = 4               # the bounded pool
    queue = 2000              # pictures waiting at most; past it a picture is skipped
    cache_dir = "media"       # default: NAME.media/ beside the store NAME.db
    cache_mb = 512            # the cache's size limit; the oldest files go first
    allow_private = false     # fetch from (or be redirected to) private addresses
    max_redirects = 3

A post is never delayed by its picture. :class:`Fetcher` is the first stage of a
watch: it queues each post's pictures for its pool and goes on at once, so the
post's text labels go out with its batch. A picture already in the cache (a retweet
of a meme, the same address again) is there for that same batch; one that arrives
later is listed by :meth:`Fetcher.arrived` for a later batch's image-reading step,
whose labels then follow as an update.

Each fetch keeps to a policy, checked at every hop:

- ``http`` and ``https`` only; at most ``max_redirects`` redirects, each one's host
  checked again, so a public address cannot bounce the fetch into the network it runs
  in (``allow_private`` lifts this, for tests and intranets);
- the host must resolve to public addresses only (the webhook sink's rule,
  :func:`foretold.sinks.http.check_address`: loopback, private, link-local, carrier-
  grade NAT, multicast and reserved addresses are refused);
- the answer must be ``200`` with an ``image/*`` content type (SVG is refused: it
  can carry script), at most ``max_bytes`` (a larger ``Content-Length`` is refused
  before the body is read; a body without one is counted as it arrives), within
  ``timeout_s`` in all.

>>> FetchConfig.from_table({"fetch": True, "max_bytes": 1024}, "foretold.toml").max_bytes
1024
>>> try:
...     FetchConfig.from_table({"fetch": "yes"}, "foretold.toml")
... except ConfigError as e:
...     print(e)
foretold.toml: [media] fetch: expected true or false, got 'yes'
"""

from __future__ import annotations

import collections
import queue
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foretold.errors import ConfigError, ForetoldError, MissingExtraError
from foretold.media.cache import MediaCache
from foretold.post import Media, Post
from foretold.sinks.base import DeliveryError
from foretold.sinks.http import Resolver, check_address, resolve

if TYPE_CHECKING:
    import httpx

    from foretold.records import Batch

__all__ = ["FetchConfig", "FetchError", "Fetcher", "fetch_image"]

_REFUSED_TYPES = ("image/svg+xml",)


class FetchError(ForetoldError):
    """A picture was not fetched; ``reason`` is a short word for the counts
    (``private address``, ``too large``, ``not an image``, ``timeout``, ...)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class FetchConfig:
    """The ``[media]`` table of ``foretold.toml`` (see the module's notes)."""

    fetch: bool = False
    max_bytes: int = 8 << 20
    timeout_s: float = 10.0
    workers: int = 4
    queue: int = 2000
    cache_dir: str = ""
    cache_mb: int = 512
    allow_private: bool = False
    max_redirects: int = 3

    @classmethod
    def from_table(cls, table: Mapping[str, Any], where: object) -> FetchConfig:
        """The config of a ``[media]`` table; ConfigError names a wrong key or value."""
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in table.items():
            if key not in known:
                continue  # other keys of [media] belong to the image-reading step
            default = known[key].default
            if isinstance(default, bool):
                if not isinstance(value, bool):
                    raise ConfigError(
                        f"{where}: [media] {key}: expected true or false, got {value!r}"
                    )
            elif isinstance(default, str):
                if not isinstance(value, str):
                    raise ConfigError(f"{where}: [media] {key}: expected text, got {value!r}")
            else:
                ok = isinstance(value, (int, float)) and not isinstance(value, bool)
                if not ok or (value <= 0 and key != "max_redirects") or value < 0:
                    raise ConfigError(
                        f"{where}: [media] {key}: expected a positive number, got {value!r}"
                    )
                value = float(value) if isinstance(default, float) else int(value)
            values[key] = value
        return cls(**values)


@dataclass
class FetchStats:
    """What the fetcher did: pictures fetched (and their bytes), found in the cache,
    skipped because the queue was full, and not fetched, by reason."""

    fetched: int = 0
    bytes: int = 0
    cached: int = 0
    dropped: int = 0
    refused: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"fetched": self.fetched, "bytes": self.bytes, "cached": self.cached,
                "dropped": self.dropped, "refused": dict(sorted(self.refused.items()))}  # fmt: skip


def default_client(config: FetchConfig) -> httpx.Client:
    """The pool's HTTP client: the timeout, no automatic redirects (each hop is checked)."""
    try:
        import httpx
    except ImportError:  # pragma: no cover - depends on the environment
        raise MissingExtraError("httpx", "live") from None
    return httpx.Client(
        timeout=config.timeout_s, follow_redirects=False,
        headers={"User-Agent": "foretold (picture fetch)", "Accept": "image/*"},
    )  # fmt: skip


def fetch_image(
    client: httpx.Client,
    url: str,
    config: FetchConfig,
    resolver: Resolver = resolve,
    monotonic: Callable[[], float] = time.monotonic,
) -> tuple[bytes, str]:
    """The bytes and content type of the picture at ``url`` under the fetch policy;
    FetchError with the reason otherwise (errors never carry the URL's query)."""
    import httpx

    deadline = monotonic() + config.timeout_s
    for _ in range(config.max_redirects + 1):
        try:
            target = httpx.URL(url)
        except (httpx.InvalidURL, TypeError):
            raise FetchError("bad address") from None
        if target.scheme not in ("http", "https"):
            raise FetchError("bad address", f"{target.scheme or '?'}:// is not http(s)")
        host = target.host
        if not config.allow_private:
            try:
                addresses = resolver(host)
            except (OSError, UnicodeError):
                raise FetchError("unresolved", host) from None
            try:
                check_address(f"media host {host!r}", addresses, allow_private=False)
            except DeliveryError:
                raise FetchError("private address", f"{host} is not a public address") from None
        try:
            with client.stream("GET", target) as response:
                code = response.status_code
                if 300 <= code < 400:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError("bad redirect", f"HTTP {code} without a location")
                    url = str(target.join(location))
                    continue
                if code != 200:
                    raise FetchError(f"http {code}")
                return _body(response, config, deadline, monotonic)
        except httpx.TimeoutException:
            raise FetchError("timeout") from None
        except httpx.HTTPError as e:
            raise FetchError("failed", type(e).__name__) from None
    raise FetchError("too many redirects")


def _body(
    response: httpx.Response, config: FetchConfig, deadline: float, monotonic: Callable[[], float]
) -> tuple[bytes, str]:
    ctype = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if not ctype.startswith("image/") or ctype in _REFUSED_TYPES:
        raise FetchError("not an image", ctype or "no content type")
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > config.max_bytes:
        raise FetchError("too large", f"{length} bytes")
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > config.max_bytes:
            raise FetchError("too large", f"over {config.max_bytes} bytes")
        if monotonic() > deadline:
            raise FetchError("timeout")
    return bytes(body), ctype


class Fetcher:
    """The ``watch`` stage that fetches pictures, and the run's
    :class:`~foretold.media.MediaSource` (``Batch.media``).

    ``process`` queues what is not cached yet and returns at once; ``workers``
    threads fetch into the cache. ``close`` stops them (what is still queued is
    skipped). ``client`` and ``resolver`` are injected in tests."""

    name = "fetch_media"

    def __init__(
        self,
        config: FetchConfig,
        cache: MediaCache,
        client: Callable[[], httpx.Client] | None = None,
        resolver: Resolver = resolve,
    ) -> None:
        self.config = config
        self.cache = cache
        self.stats = FetchStats()
        self._client = client or (lambda: default_client(config))
        self._resolver = resolver
        self._queue: queue.Queue[str | None] = queue.Queue(maxsize=config.queue)
        self._lock = threading.Lock()
        self._waiting: dict[str, list[tuple[Post, int]]] = {}
        self._arrived: collections.deque[tuple[Post, int]] = collections.deque(maxlen=config.queue)
        self._idle = threading.Condition(self._lock)
        self._busy = 0
        self._closed = False
        self._threads = [
            threading.Thread(target=self._work, name=f"foretold-media-{i}", daemon=True)
            for i in range(config.workers)
        ]
        for t in self._threads:
            t.start()

    # -- the stage ---------------------------------------------------------

    def process(self, batch: Batch) -> None:
        """Queue the batch's pictures that are not cached; never waits."""
        batch.media = self
        for post in batch.posts:
            for i, m in enumerate(post.media):
                if m.url:
                    self._want(post, i, m.url)

    def _want(self, post: Post, index: int, url: str) -> None:
        if self.cache.lookup(url) is not None:
            self.stats.cached += 1
            return
        with self._lock:
            waiting = self._waiting.get(url)
            if waiting is not None:
                waiting.append((post, index))  # already queued: one fetch for all
                return
            try:
                self._queue.put_nowait(url)
            except queue.Full:
                self.stats.dropped += 1
                return
            self._waiting[url] = [(post, index)]
            self._busy += 1

    # -- MediaSource -----------------------------------------------------------

    def path_for(self, post: Post, media: Media) -> Path | None:
        """The cached file, if the picture is here already (never the network)."""
        return self.cache.lookup(media.url) if media.url else None

    def bytes_for(self, post: Post, media: Media) -> bytes | None:
        path = self.path_for(post, media)
        if path is None:
            return None
        try:
            return path.read_bytes()
        except OSError:  # evicted meanwhile
            return None

    def arrived(self) -> list[tuple[Post, int]]:
        """``(post, index)`` of the pictures fetched since the last call."""
        with self._lock:
            out = list(self._arrived)
            self._arrived.clear()
        return out

    # -- the pool --------------------------------------------------------------

    def _work(self) -> None:
        client = None
        try:
            while True:
                url = self._queue.get()
                if url is None:
                    return
                if client is None:
                    client = self._client()
                self._fetch(client, url)
        finally:
            if client is not None:
                client.close()

    def _fetch(self, client: httpx.Client, url: str) -> None:
        try:
            data, ctype = fetch_image(client, url, self.config, self._resolver)
            self.cache.put(url, data, ctype)
            ok = True
        except FetchError as e:
            ok = False
            reason = e.reason
        except OSError:  # the cache folder: full disk, permissions
            ok = False
            reason = "cache not writable"
        with self._lock:
            waiters = self._waiting.pop(url, [])
            if ok:
                self.stats.fetched += 1
                self.stats.bytes += len(data)
                self._arrived.extend(waiters)
            else:
                self.stats.refused[reason] = self.stats.refused.get(reason, 0) + 1
            self._busy -= 1
            self._idle.notify_all()

    def unfetched(self) -> list[tuple[Post, int]]:
        """``(post, index)`` of the pictures queued or being fetched, and of those
        fetched but not yet taken by :meth:`arrived` (a stopping watch records them)."""
        with self._lock:
            out = [w for waiters in self._waiting.values() for w in waiters]
            return out + list(self._arrived)

    def waiting(self) -> bool:
        """Pictures are queued or being fetched, or fetched and not yet taken by
        :meth:`arrived` (the watch sends an empty batch for them while no post comes)."""
        with self._lock:
            return self._busy > 0 or bool(self._arrived)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until nothing is queued or in flight (tests, and a clean stop); False
        when ``timeout`` ran out first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout)

    def close(self) -> None:
        """Stop the pool: what is still queued is skipped, fetches in flight end (each
        within its timeout). Closing again does nothing."""
        if self._closed:
            return
        self._closed = True
        while True:
            try:
                url = self._queue.get_nowait()
            except queue.Empty:
                break
            if url is not None:
                with self._lock:
                    self._waiting.pop(url, None)
                    self.stats.dropped += 1
                    self._busy -= 1
        for _ in self._threads:
            self._queue.put(None)
        for t in self._threads:
            t.join(timeout=self.config.timeout_s + 1)


def fetcher_for(
    media: Mapping[str, Any], store_path: str, where: object = "[media]"
) -> Fetcher | None:
    """The ``watch`` stage for a config's ``[media]`` table, or None unless ``fetch = true``.
    The cache is ``cache_dir`` (relative to the working folder), by default ``NAME.media``
    beside the store ``NAME.db``."""
    config = FetchConfig.from_table(media, where)
    if not config.fetch:
        return None
    root = Path(config.cache_dir) if config.cache_dir else Path(store_path).with_suffix(".media")
    try:
        cache = MediaCache(root, config.cache_mb << 20)
    except OSError as e:
        raise ConfigError(
            f"{where}: cannot use the media cache {str(root)!r}: {e.strerror}"
        ) from None
    return Fetcher(config, cache)
