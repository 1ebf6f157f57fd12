"""The one seam to HTTP for the live sources (X, Mastodon), as ``sinks/http.py`` is for
the sinks: httpx is imported here, lazily (the ``live`` extra), and every client is
built here with its timeouts and an optional injected transport.

Tests pass ``transport=httpx.MockTransport(handler)`` or point ``base_url`` at a local
server; nothing else in ``sources/`` imports httpx.

>>> c = client("http://127.0.0.1:9", {"User-Agent": "foretold"}, read_s=2.0)
>>> c.timeout.read, c.timeout.connect, c.follow_redirects
(2.0, 10.0, False)
>>> c.close()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from foretold.errors import MissingExtraError

if TYPE_CHECKING:
    import httpx

__all__ = ["CONNECT_S", "SEARCH_READ_S", "client", "httpx_module"]

#: Seconds to wait for a connection; the read timeout is the stall limit of the stream.
CONNECT_S = 10.0
#: Read timeout of one search page (a one-shot request, not a stream).
SEARCH_READ_S = 30.0


def httpx_module() -> Any:
    """The ``httpx`` module, or MissingExtraError naming the ``live`` extra."""
    try:
        import httpx
    except ImportError:  # pragma: no cover - depends on the install
        raise MissingExtraError("httpx", "live") from None
    return httpx


def client(
    base_url: str,
    headers: dict[str, str],
    read_s: float,
    transport: Any = None,
    follow_redirects: bool = False,
) -> httpx.Client:
    """A client for one session: ``read_s`` is the read timeout (a stream's stall limit)."""
    hx = httpx_module()
    return hx.Client(  # type: ignore[no-any-return]
        base_url=base_url, headers=headers, timeout=hx.Timeout(CONNECT_S, read=read_s),
        transport=transport, follow_redirects=follow_redirects,
    )  # fmt: skip
