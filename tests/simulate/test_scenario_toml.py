"""Scenarios as TOML files: the library, a user's drill, and the errors a user meets."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner, Result

from foretold.errors import ConfigError
from foretold.simulate.library import names, scenario
from foretold.simulate.scenario_toml import dump, load, loads
from foretold.simulate.text import TextPools

from .conftest import DATA

ROOT = Path(__file__).resolve().parents[2]
DRILL = ROOT / "docs" / "examples" / "acme-drill.toml"


def _run(*args: str) -> Result:
    from foretold.cli.simulate import simulate_cmd

    return CliRunner().invoke(simulate_cmd, list(args), catch_exceptions=True)


@pytest.mark.parametrize("name", names())
def test_every_library_scenario_round_trips(name: str) -> None:
    sc = scenario(name)
    assert loads(dump(sc)) == sc


def test_the_documented_drill_is_the_file_that_runs() -> None:
    doc = (ROOT / "docs" / "simulate.md").read_text(encoding="utf-8")
    assert DRILL.read_text(encoding="utf-8").strip() in doc
    sc = load(DRILL)
    assert sc.name == "acme_drill" and len(sc.voice.grievances) == 3
    assert sc.waves[0].start == 0.0 and sc.waves[0].end == sc.hours


def test_a_user_drill_runs_with_its_truth(tmp_path: Path, pools: TextPools) -> None:
    out = tmp_path / "drill.jsonl"
    r = _run("--scenario", str(DRILL), "--seed", "1", "--out", str(out), "--data", str(DATA))
    assert r.exit_code == 0, r.output
    lines = [orjson.loads(x) for x in out.read_bytes().splitlines()]
    truth = orjson.loads((tmp_path / "drill.truth.json").read_bytes())
    assert truth["scenario"] == "acme_drill" and truth["counts"]["posts"] == len(lines)
    assert truth["phases"]["tipping_point"].startswith("2024-05-09T16:00")
    attack = set(truth["attack_post_ids"])
    texts = [t["text"].lower() for t in lines if t["id"] in attack]
    about = sum(
        any(w in t for w in ("recall", "refund", "warrant", "fire", "repair")) for t in texts
    )
    assert about / len(texts) > 0.5


def test_print_scenario_is_a_starting_point(tmp_path: Path) -> None:
    r = _run("askbg", "--print-scenario")
    assert r.exit_code == 0
    mine = tmp_path / "mine.toml"
    mine.write_text(r.output, encoding="utf-8")
    assert load(mine) == scenario("askbg")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name = 'x'\n", "needs 'start'"),
        (
            "start = 2020-01-01T00:00:00Z\nend = 5\n[campaign]\nowner='@a'\n",
            "at least one [[wave]]",
        ),
        (
            "start = 2020-01-01T00:00:00Z\nend = 5\n[campaign]\nowner='@a'\n"
            "[[wave]]\nname='w'\nposts=10\nmix='organic'\nbranchng=0.3\n",
            "unknown key 'branchng' in [[wave]] 1 (did you mean 'branching'?)",
        ),
        (
            "start = 2020-01-01T00:00:00Z\nend = 5\n[campaign]\nowner='@a'\n"
            "[[wave]]\nname='w'\nposts=10\nmix='angry'\n",
            "unknown mix 'angry'",
        ),
        ("start = 2020-01-01T00:00:00Z\nend = 5\n[campaign]\nhashtags=['#a']\n", "needs 'owner'"),
        ("start = [", "not valid TOML"),
    ],
)
def test_bad_files_get_clear_errors(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as e:
        loads(text, where="my.toml")
    assert message in str(e.value) and str(e.value).startswith("my.toml: ")


def test_cli_errors_exit_2(tmp_path: Path) -> None:
    from foretold.cli import main

    bad = tmp_path / "bad.toml"
    bad.write_text("start = 2020-01-01T00:00:00Z\nend = 5\n", encoding="utf-8")
    for args, message in (
        (["--scenario", str(bad)], "needs 'owner'"),
        (["askjpm", "--scenario", str(bad)], "not both"),
        (["--scenario", str(tmp_path / "none.toml")], "no scenario file"),
    ):
        r = CliRunner().invoke(main, ["simulate", *args])
        assert r.exit_code == 2, r.output
        assert r.output.startswith("foretold: error: ") and message in r.output
