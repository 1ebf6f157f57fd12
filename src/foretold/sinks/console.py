"""The console sink: one readable line per alert on a stream (stdout by default).

>>> import io
>>> out = io.StringIO()
>>> ConsoleSink(stream=out).deliver({"id": "a-1", "campaign": "askjpm", "level": "crisis",
...     "at": "2013-11-13T21:26:56Z", "summary": "Crisis:\\nhostile"})
>>> out.getvalue()
'crisis    2013-11-13T21:26:56Z  [askjpm] Crisis:\\\\nhostile\\n'
"""

from __future__ import annotations

import sys
from typing import TextIO

from foretold.sinks.base import Alert, DeliveryError, one_line


class ConsoleSink:
    """Write each alert as one line; post text in summaries cannot break the line."""

    def __init__(self, name: str = "console", stream: TextIO | None = None) -> None:
        self.name = name
        self.stream = stream

    def deliver(self, alert: Alert) -> None:
        """Print the alert's level, time, campaign and summary."""
        out = self.stream if self.stream is not None else sys.stdout
        line = (
            f"{alert['level']:<9} {alert['at']}  [{one_line(str(alert['campaign']), 64)}] "
            f"{one_line(str(alert.get('summary', '')), 1000)}\n"
        )
        try:
            out.write(line)
            out.flush()
        except (OSError, ValueError) as e:
            raise DeliveryError(f"sink {self.name!r}: cannot write to the console: {e}") from None
