"""Fixtures for the simulator: the real text pools (skipped without ../shared/data)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from foretold.simulate.text import TextPools

DATA = Path(
    os.environ.get("FORETOLD_DATA") or Path(__file__).resolve().parents[3] / "shared" / "data"
)


@pytest.fixture(scope="session")
def pools() -> TextPools:
    if not (DATA / "tweeteval").is_dir():
        pytest.skip(f"the real labelled tweets are not at {DATA} (set FORETOLD_DATA)")
    return TextPools.load(DATA)


@pytest.fixture(scope="session")
def tiny_pools() -> TextPools:
    """Six one-line pools: enough to exercise the writer without the real data."""
    return TextPools(
        texts=[
            ["@user you are a disgrace"],
            ["oh great, another fee. love it"],
            ["this service is awful @user"],
            ["heading to the bank later"],
            ["thanks for the help today!"],
            ["what time does the branch open?"],
        ],
        questions=[[], [], [], [], [], [0]],
        source="tiny",
    )
