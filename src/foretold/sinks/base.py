"""What every sink is: one call, ``deliver(alert)``, that raises :class:`DeliveryError`.

A sink knows how to hand one alert (the PRODUCT.md dict) to one place. It does not
retry, queue or log: the outbox does. Its error messages name the sink and what went
wrong, never a URL, token or password (:func:`redact` scrubs any that slip in).

>>> redact("POST https://hooks.example/T0/abc failed", ["https://hooks.example/T0/abc"])
'POST [redacted] failed'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from foretold.errors import ForetoldError

Alert = dict[str, Any]
LEVEL_COLOURS = {
    "watch": "#d4a72c",
    "warning": "#e8772e",
    "crisis": "#cf222e",
    "all_clear": "#2da44e",
}


class DeliveryError(ForetoldError):
    """A sink could not deliver an alert; ``retry`` is False when trying again is futile."""

    def __init__(self, message: str, retry: bool = True) -> None:
        super().__init__(message)
        self.retry = retry


class Sink(Protocol):
    """Where alerts go: ``deliver`` returns once the alert is handed over, or raises."""

    name: str

    def deliver(self, alert: Alert) -> None: ...


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every non-empty secret replaced by ``[redacted]``."""
    for s in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(s, "[redacted]")
    return text


def one_line(text: str, limit: int = 300) -> str:
    """Untrusted text made safe for one log or terminal line: control characters escaped,
    cut at ``limit`` characters.

    >>> one_line("a\\nb\\x1b[31m")
    'a\\\\nb\\\\x1b[31m'
    """
    out = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
    return out if len(out) <= limit else out[: limit - 1] + "…"
