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


def threads_csv(path: Path, words: str) -> Path:
    """An archive written thread by thread, as PHEME's files are: 60 posts from 10:00, a
    two-post thread that starts at 18:00, then 60 posts from 11:00 (122 posts); each text
    is ``words`` and the thread's name."""
    rows = ["id,text,created_at"]
    rows += [f"a{i},{words} thread one,2024-01-01T10:{i:02d}:00Z" for i in range(60)]
    rows += [f"b{i},{words} a later thread,2024-01-01T18:0{i}:00Z" for i in range(2)]
    rows += [f"c{i},{words} thread three,2024-01-01T11:{i:02d}:00Z" for i in range(60)]
    path.write_text("\n".join(rows) + "\n")
    return path


SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
