"""The one seam to HTTP for the webhook and Slack sinks: an injected ``httpx.Client``.

Tests pass ``httpx.Client(transport=httpx.MockTransport(handler))``; errors never carry
the URL (a Slack or webhook URL is itself a secret).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from foretold.errors import MissingExtraError
from foretold.sinks.base import DeliveryError

if TYPE_CHECKING:
    import httpx


def default_client(timeout: float = 10.0) -> httpx.Client:
    """A client with a timeout and no redirects; install hint when httpx is missing."""
    try:
        import httpx
    except ImportError:  # pragma: no cover - depends on the environment
        raise MissingExtraError("httpx", "sinks") from None
    return httpx.Client(timeout=timeout, follow_redirects=False)


def post(client: httpx.Client, sink: str, url: str, body: bytes, headers: dict[str, str]) -> None:
    """POST ``body``; DeliveryError (without the URL) on a transport error or a non-2xx."""
    import httpx

    try:
        response = client.post(url, content=body, headers=headers)
    except httpx.HTTPError as e:
        # the exception text may contain the URL: keep only its class
        raise DeliveryError(f"sink {sink!r}: request failed ({type(e).__name__})") from None
    if not 200 <= response.status_code < 300:
        retry = response.status_code >= 500 or response.status_code in (408, 425, 429)
        raise DeliveryError(
            f"sink {sink!r}: the server answered HTTP {response.status_code}", retry=retry
        )
