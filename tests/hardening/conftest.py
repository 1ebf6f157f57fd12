"""Fixtures shared by the hardening tests."""

from __future__ import annotations

from tests.web.conftest import dashboard, store_path

__all__ = ["dashboard", "store_path"]
