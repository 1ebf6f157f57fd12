"""The coordination drills from the command line: ``foretold simulate astroturf_attack``."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner, Result

from foretold.campaigns import Campaign, Track
from foretold.coordination import Coordination
from foretold.ingest import IngestStats, Quarantine, read_batches
from foretold.post import Post
from foretold.records import Batch
from tests.conftest import SHARED_DATA

pytestmark = pytest.mark.skipif(
    not (SHARED_DATA / "tweeteval").is_dir(), reason="../shared/data is not here"
)


def _run(*args: str) -> Result:
    from foretold.cli.simulate import simulate_cmd

    return CliRunner().invoke(simulate_cmd, list(args), catch_exceptions=True)


def test_the_attack_drill_writes_posts_and_a_truth_that_names_the_swarm(tmp_path: Path) -> None:
    out = tmp_path / "swarm.jsonl"
    result = _run("astroturf_attack", "--seed", "2", "--out", str(out), "--data", str(SHARED_DATA))
    assert result.exit_code == 0, result.output
    truth = orjson.loads((tmp_path / "swarm.truth.json").read_bytes())
    co = truth["coordination"]
    assert co["kind"] == "attack" and len(co["coordinated_accounts"]) >= 60
    c = truth["campaign"]
    campaign = Campaign(name=c["name"], hashtags=tuple(c["hashtags"]),
                        handles=tuple(c["handles"]), owner=c["owner"])  # fmt: skip
    # the file as replay reads it: every post, in time order, the swarm's among them
    track, state = Track([campaign]), Coordination()
    named: set[str] = set()
    times = []
    for records in read_batches([str(out)], IngestStats(), Quarantine()):
        batch = Batch.of(list(records))
        track.process(batch)
        member = {(p, i) for _, p, i in batch.memberships}
        for post in batch.posts:
            assert isinstance(post, Post)
            times.append(post.created_at)
            if post.key in member:
                state.update(post, None)
        named |= {state.handle(a) for a in state.summary(60).coordinated_accounts}
    assert times == sorted(times)
    assert named and named <= set(co["coordinated_accounts"])


def test_the_organic_control_lists_no_account(tmp_path: Path) -> None:
    result = _run("organic_storm", "--seed", "1", "--out", str(tmp_path / "o.jsonl"),
                  "--data", str(SHARED_DATA))  # fmt: skip
    assert result.exit_code == 0, result.output
    truth = orjson.loads((tmp_path / "o.truth.json").read_bytes())
    assert truth["coordination"] == {"kind": "organic", "start": None, "end": None,
                                     "coordinated_accounts": [], "coordinated_posts": []}  # fmt: skip


def test_options_of_scenarios_are_refused_for_a_drill() -> None:
    result = _run("astroturf_praise", "--random")
    assert result.exit_code != 0
    assert "coordination drill" in str(result.exception)
