"""The dashboard: a live web page and a JSON API over the store (``foretold serve``).

``queries`` reads the store; ``app`` serves the page, the API, ``/api/openapi.json``
and ``/events`` (server-sent events); ``static/`` holds the page and vendored uPlot.
"""

from __future__ import annotations

from foretold.web.app import DashboardServer, make_server

__all__ = ["DashboardServer", "make_server"]
