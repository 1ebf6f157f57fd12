"""The one seam to HTTP for the webhook and Slack sinks: an injected ``httpx.Client``.

Tests pass ``httpx.Client(transport=httpx.MockTransport(handler))``; errors never carry
the URL (a Slack or webhook URL is itself a secret).

The destination policy, for the client :func:`default_client` builds:

- only ``http`` and ``https`` URLs: any other scheme (``file://``, ``ftp://``) fails at
  once and for good (it is a configuration error, not an outage);
- redirects are not followed: a 3xx fails for good and says so (point the sink at the
  final address);
- the host must resolve to public addresses only. Loopback, private (RFC 1918, unique
  local), link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, multicast
  and reserved addresses are refused unless the sink's table says ``allow_private =
  true``. Every address the name resolves to is checked, just before each request.

>>> check_address("sink 'hook'", ["93.184.216.34"], allow_private=False)
>>> try:
...     check_address("sink 'hook'", ["93.184.216.34", "10.0.0.7"], allow_private=False)
... except DeliveryError as e:
...     print(e.retry, str(e)[:81])
False sink 'hook': the destination resolves to a private or loopback address (10.0.0.7)
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from foretold.errors import MissingExtraError
from foretold.sinks.base import DeliveryError

if TYPE_CHECKING:
    import httpx

Resolver = Callable[[str], list[str]]


def resolve(host: str) -> list[str]:
    """Every address ``host`` resolves to (an address literal is itself)."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def check_address(sink: str, addresses: Iterable[str], allow_private: bool) -> None:
    """DeliveryError (not retried) when any address is not a public unicast one."""
    if allow_private:
        return
    for a in addresses:
        ip = ipaddress.ip_address(a.split("%", 1)[0])  # an IPv6 zone id is not part of it
        mapped = getattr(ip, "ipv4_mapped", None)
        if mapped is not None:
            ip = mapped
        if not ip.is_global or ip.is_multicast:
            raise DeliveryError(
                f"{sink}: the destination resolves to a private or loopback address ({ip}); "
                "set allow_private = true in its [[sink]] table to allow it",
                retry=False,
            )


def default_client(
    timeout: float = 10.0,
    allow_private: bool = False,
    sink: str = "sink",
    resolver: Resolver = resolve,
) -> httpx.Client:
    """A client with a timeout, no redirects and the address policy; install hint when
    httpx is missing."""
    try:
        import httpx
    except ImportError:  # pragma: no cover - depends on the environment
        raise MissingExtraError("httpx", "sinks") from None

    def guard(request: httpx.Request) -> None:
        if allow_private:
            return
        try:
            addresses = resolver(request.url.host)
        except (OSError, UnicodeError):
            raise DeliveryError(f"sink {sink!r}: cannot resolve the destination host") from None
        check_address(f"sink {sink!r}", addresses, allow_private)

    return httpx.Client(timeout=timeout, follow_redirects=False, event_hooks={"request": [guard]})


def post(client: httpx.Client, sink: str, url: str, body: bytes, headers: dict[str, str]) -> None:
    """POST ``body``; DeliveryError (without the URL) on a transport error or a non-2xx."""
    import httpx

    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in ("http", "https"):
        shown = scheme if scheme.isalnum() and len(scheme) < 16 else "?"
        raise DeliveryError(
            f"sink {sink!r}: the URL must be http:// or https://, not {shown}://", retry=False
        )
    try:
        response = client.post(url, content=body, headers=headers)
    except httpx.UnsupportedProtocol:
        raise DeliveryError(
            f"sink {sink!r}: the URL's scheme is not supported", retry=False
        ) from None
    except httpx.HTTPError as e:
        # the exception text may contain the URL: keep only its class
        raise DeliveryError(f"sink {sink!r}: request failed ({type(e).__name__})") from None
    code = response.status_code
    if 300 <= code < 400:
        # where it points, by host only: a path or query could carry a token
        try:
            to = httpx.URL(response.headers.get("location", "")).host or "?"
        except httpx.InvalidURL:
            to = "?"
        raise DeliveryError(
            f"sink {sink!r}: the server answered HTTP {code}, a redirect to {to}; redirects are not "
            "followed (a webhook URL must not move, and a redirect could point inside your "
            "network): set the sink's URL to the final address",
            retry=False,
        )
    if not 200 <= code < 300:
        retry = code >= 500 or code in (408, 425, 429)
        raise DeliveryError(f"sink {sink!r}: the server answered HTTP {code}", retry=retry)
