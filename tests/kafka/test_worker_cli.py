"""``foretold worker``: every subcommand documents itself with examples; bad input is one line."""

from __future__ import annotations

from click.testing import CliRunner

from foretold.cli.worker import worker_cmd


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
