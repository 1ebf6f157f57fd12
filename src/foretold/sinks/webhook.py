"""The generic webhook sink: the alert as a JSON body, signed, with an idempotency key.

Headers sent with every POST:

- ``Content-Type: application/json``
- ``Idempotency-Key``: the alert id (a retried delivery repeats it, so the receiver can
  drop the copy)
- ``X-Foretold-Signature: sha256=<hex>``: HMAC-SHA256 of the exact body bytes with the
  shared secret (from the env var named by ``secret_env``), when a secret is set.

>>> import httpx
>>> seen = []
>>> def handler(request):
...     seen.append(request)
...     return httpx.Response(204)
>>> client = httpx.Client(transport=httpx.MockTransport(handler))
>>> WebhookSink("https://example.test/hook", secret="s3", client=client).deliver({"id": "a-1"})
>>> seen[0].headers["idempotency-key"], verify(b"s3", seen[0].content,
...                                            seen[0].headers["x-foretold-signature"])
('a-1', True)
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

import orjson

from foretold.sinks.base import Alert
from foretold.sinks.http import default_client, post

if TYPE_CHECKING:
    import httpx

SIGNATURE_HEADER = "X-Foretold-Signature"


def sign(secret: bytes, body: bytes) -> str:
    """The signature header value for ``body``: ``sha256=`` and the hex HMAC."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify(secret: bytes, body: bytes, header: str) -> bool:
    """What a receiver does: compare the header with the body's signature in constant time."""
    return hmac.compare_digest(sign(secret, body), header)


class WebhookSink:
    """POST each alert as JSON to ``url``."""

    def __init__(
        self,
        url: str,
        secret: str = "",
        name: str = "webhook",
        client: httpx.Client | None = None,
        allow_private: bool = False,
    ) -> None:
        self.url = url
        self.secret = secret
        self.name = name
        self.client = client
        self.allow_private = allow_private

    def deliver(self, alert: Alert) -> None:
        """Send the alert; DeliveryError on a network error or a non-2xx answer."""
        if self.client is None:
            self.client = default_client(allow_private=self.allow_private, sink=self.name)
        body = orjson.dumps(alert)
        headers = {"Content-Type": "application/json", "Idempotency-Key": str(alert["id"])}
        if self.secret:
            headers[SIGNATURE_HEADER] = sign(self.secret.encode(), body)
        post(self.client, self.name, self.url, body, headers)
