"""Shared alert fixtures for the sink tests."""

from __future__ import annotations

from typing import Any

import pytest


def make_alert(
    level: str = "crisis", campaign: str = "askjpm", at: str = "2013-11-13T21:26:56Z"
) -> dict[str, Any]:
    return {
        "id": f"{campaign}-{at}-{level}",
        "campaign": campaign,
        "level": level,
        "at": at,
        "raised_at": "2026-01-01T00:00:00Z",
        "signals": ["hostile_share", "amplifier_entry"],
        "summary": "Crisis: hostile posts are 57% of #askjpm <script>alert(1)</script> & more",
        "evidence": {
            "posts": ["400"],
            "authors": ["@rachelhoward (94k followers)", "<@U123>"],
            "links": ["https://news.example/jpm"],
            "metrics": {"risk": 0.91, "hostile_share_15m": 0.57},
        },
    }


@pytest.fixture
def alert() -> dict[str, Any]:
    return make_alert()
