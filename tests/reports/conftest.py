"""Fixtures for the reports: the simulated #AskJPM replay (skipped without ../shared/data)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from foretold.cli import main

DATA = Path(
    os.environ.get("FORETOLD_DATA") or Path(__file__).resolve().parents[3] / "shared" / "data"
)


def simulate(name: str, out: Path) -> Path:
    """Simulate scenario ``name`` with seed 1 into ``out``; skip without the real texts."""
    if not (DATA / "tweeteval").is_dir():
        pytest.skip(f"the real labelled tweets are not at {DATA} (set FORETOLD_DATA)")
    r = CliRunner().invoke(
        main, ["simulate", name, "--seed", "1", "--out", str(out), "--data", str(DATA)]
    )
    assert r.exit_code == 0, r.output
    return out


@pytest.fixture(scope="session")
def askjpm_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The store of the askjpm seed-1 replay and its truth file."""
    d = tmp_path_factory.mktemp("askjpm")
    jsonl = simulate("askjpm", d / "askjpm.jsonl")
    db = d / "askjpm.db"
    r = CliRunner().invoke(
        main,
        ["replay", str(jsonl), "--store", str(db), "--track", "#AskJPM", "--track", "@jpmorgan"],
    )
    assert r.exit_code == 0, r.output
    return db, d / "askjpm.truth.json"
