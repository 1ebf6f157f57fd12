"""``foretold simulate`` on the command line."""

from __future__ import annotations

from pathlib import Path

import orjson
from click.testing import CliRunner, Result

from foretold.errors import ConfigError
from foretold.simulate.library import names
from foretold.simulate.pictures import PICTURE_STORMS
from foretold.simulate.swarm import SWARMS
from foretold.simulate.text import TextPools

from .conftest import DATA


def _run(*args: str) -> Result:
    from foretold.cli.simulate import simulate_cmd

    return CliRunner().invoke(simulate_cmd, list(args), catch_exceptions=True)


def test_list_names_every_scenario() -> None:
    result = _run("--list")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.splitlines()]
    assert listed == names() + list(SWARMS) + list(PICTURE_STORMS)  # drills, picture storms last


def test_writes_posts_and_truth(tmp_path: Path, pools: TextPools) -> None:
    out = tmp_path / "qa.jsonl"
    result = _run("benign_qa", "--seed", "3", "--out", str(out), "--data", str(DATA))
    assert result.exit_code == 0, result.output
    lines = out.read_bytes().splitlines()
    truth = orjson.loads((tmp_path / "qa.truth.json").read_bytes())
    assert truth["counts"]["posts"] == len(lines) > 500
    assert "posts/s" in result.output


def test_writes_to_stdout_by_default(pools: TextPools) -> None:
    result = _run("benign_qa", "--seed", "1", "--data", str(DATA))
    first = result.output.splitlines()[0]
    assert orjson.loads(first)["author"]["username"] == "CityLibraryNYC"


def test_random_changes_the_stream(tmp_path: Path, pools: TextPools) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    _run("benign_qa", "--seed", "1", "--out", str(a), "--data", str(DATA))
    _run("benign_qa", "--seed", "1", "--random", "--out", str(b), "--data", str(DATA))
    assert a.read_bytes() != b.read_bytes()


def test_unknown_scenario_is_a_config_error() -> None:
    result = _run("nosuch", "--data", str(DATA))
    assert isinstance(result.exception, ConfigError)


def test_missing_data_is_explained(tmp_path: Path) -> None:
    result = _run("benign_qa", "--data", str(tmp_path))
    assert "FORETOLD_DATA" in str(result.exception)
