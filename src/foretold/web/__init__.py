"""The dashboard: a live web page and a JSON API over the store (``foretold serve``).

The store's read methods (:mod:`foretold.store_reads`) give what the page shows;
``app`` serves the page, the API, ``/api/openapi.json`` and ``/events`` (server-sent
events); ``tokens`` holds the token rules; ``static/`` holds the page and vendored uPlot.
"""

from __future__ import annotations

from foretold.web.app import DashboardServer, Limits, make_server

__all__ = ["DashboardServer", "Limits", "make_server"]
