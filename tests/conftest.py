"""Shared fixtures: paths to the recorded platform payloads."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# property tests are seeded: the same examples on every run and machine, no example database
settings.register_profile("foretold", derandomize=True, database=None)
settings.load_profile("foretold")

FIXTURES = Path(__file__).parent / "fixtures"
JSON_FIXTURES = {
    "x_v2": FIXTURES / "x_v2" / "flattened.jsonl",
    "x_v2_pages": FIXTURES / "x_v2" / "pages.jsonl",
    "x_v1": FIXTURES / "x_v1" / "tweets.jsonl",
    "bluesky": FIXTURES / "bluesky" / "jetstream.jsonl",
    "mastodon": FIXTURES / "mastodon" / "statuses.jsonl",
    # posts with pictures, in each platform's shape (see fixtures/README.md, docs/media.md)
    "x_v2_media": FIXTURES / "x_v2" / "media_flattened.jsonl",
    "x_v2_media_pages": FIXTURES / "x_v2" / "media_pages.jsonl",
    "x_v1_media": FIXTURES / "x_v1" / "media.jsonl",
    "bluesky_media": FIXTURES / "bluesky" / "media.jsonl",
    "mastodon_media": FIXTURES / "mastodon" / "media.jsonl",
}
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
