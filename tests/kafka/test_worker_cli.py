"""``foretold worker``: every subcommand documents itself with examples; bad input is one line."""

from __future__ import annotations

from pathlib import Path

import orjson
from click.testing import CliRunner

from foretold.cli.worker import worker_cmd
from tests.conftest import JSON_FIXTURES


def test_every_worker_command_has_help_with_examples() -> None:
    runner = CliRunner()
    for args in ([], ["classify"], ["detect"], ["publish"]):
        result = runner.invoke(worker_cmd, [*args, "--help"])
        assert result.exit_code == 0, result.output
        assert "Examples:" in result.output


def test_detect_without_campaigns_is_a_config_error() -> None:
    result = CliRunner().invoke(worker_cmd, ["detect", "--store", ":memory:"])
    assert result.exit_code != 0
    assert "needs campaigns" in str(result.exception)


def test_publish_quarantines_what_it_cannot_read_and_sends_the_rest(
    broker: str, tmp_path: Path
) -> None:
    stream = tmp_path / "mixed.jsonl"
    good = JSON_FIXTURES["x_v2"].read_bytes()  # 8 lines: 7 posts, 1 non-post event
    stream.write_bytes(good + b'{"broken json\n')
    quarantine = tmp_path / "bad.jsonl"
    result = CliRunner().invoke(
        worker_cmd,
        ["publish", str(stream), "--broker", broker, "--track", "#AskJPM",
         "--quarantine", str(quarantine)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"(1 quarantined -> {quarantine})" in result.output
    [bad] = [orjson.loads(line) for line in quarantine.read_bytes().splitlines()]
    assert bad["line"] == good.count(b"\n") + 1 and bad["raw"] == '{"broken json'
