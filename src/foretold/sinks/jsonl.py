"""The JSONL file sink: appends each alert as one JSON object a line (PRODUCT.md shape).

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "alerts.jsonl"
>>> JsonlSink(path=str(path)).deliver({"id": "a-1", "level": "watch"})
>>> path.read_text()
'{"id":"a-1","level":"watch"}\\n'
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson

from foretold.sinks.base import Alert, DeliveryError


class JsonlSink:
    """Append alerts to ``path``; each line is written with one ``write`` call."""

    def __init__(self, path: str, name: str = "jsonl") -> None:
        self.path = path
        self.name = name

    def deliver(self, alert: Alert) -> None:
        """Append the alert as one line."""
        line = orjson.dumps(alert) + b"\n"
        try:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
        except OSError as e:
            raise DeliveryError(
                f"sink {self.name!r}: cannot append to {self.path!r}: {e.strerror}"
            ) from None
