"""Where alerts go: console, JSONL file, webhook, Slack, e-mail, behind one protocol.

::

    alert ─> routing.Router (campaign sinks × sink levels)
          ─> outbox.enqueue (one ``deliveries`` row per sink, in the store)
          ─> outbox.Dispatcher (due rows → Sink.deliver, backoff + jitter, delivered once)

Each sink is ``deliver(alert) -> None`` and raises :class:`DeliveryError`.
"""

from __future__ import annotations

from foretold.sinks.base import Alert, DeliveryError, Sink
from foretold.sinks.config import Unavailable, build_sinks, secret_values
from foretold.sinks.console import ConsoleSink
from foretold.sinks.email import EmailSink
from foretold.sinks.jsonl import JsonlSink
from foretold.sinks.outbox import Dispatcher, DispatchResult, deliveries, enqueue, retry_failed
from foretold.sinks.routing import Router
from foretold.sinks.slack import SlackSink
from foretold.sinks.webhook import WebhookSink

__all__ = [
    "Alert",
    "ConsoleSink",
    "DeliveryError",
    "DispatchResult",
    "Dispatcher",
    "EmailSink",
    "JsonlSink",
    "Router",
    "Sink",
    "SlackSink",
    "Unavailable",
    "WebhookSink",
    "build_sinks",
    "deliveries",
    "enqueue",
    "retry_failed",
    "secret_values",
]
