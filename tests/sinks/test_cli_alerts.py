"""``foretold alerts``: the list, the pending queue, one delivery pass."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from foretold.cli.alerts import alerts_cmd
from foretold.sinks import Router, enqueue
from foretold.store import Store
from tests.sinks.conftest import make_alert

CONFIG = """
[[campaign]]
name = "askjpm"
hashtags = ["#AskJPM"]
sinks = ["file", "hook"]

[[sink]]
name = "file"
type = "jsonl"
path = "{out}"

[[sink]]
name = "hook"
type = "webhook"
levels = ["crisis"]
url_env = "FORETOLD_TEST_UNSET_HOOK_URL"
"""


def _setup(tmp_path: Path) -> tuple[str, str, Path]:
    db, out, cfg = tmp_path / "s.db", tmp_path / "alerts.jsonl", tmp_path / "foretold.toml"
    cfg.write_text(CONFIG.format(out=out))
    alerts = [make_alert("watch", at="2013-11-13T20:00:00Z"), make_alert("crisis")]
    with Store(db) as store:
        store.put_alerts(alerts)
        router = Router(
            {"askjpm": ["file", "hook"]},
            [
                {"name": "file", "type": "jsonl"},
                {"name": "hook", "type": "webhook", "levels": ["crisis"]},
            ],
        )
        enqueue(store.db, alerts, router, datetime(2013, 11, 13, tzinfo=UTC))
    return str(db), str(cfg), out


def test_pending_lists_the_queue(tmp_path: Path) -> None:
    db, _, _ = _setup(tmp_path)
    r = CliRunner().invoke(alerts_cmd, ["--store", db, "--pending"])
    assert r.exit_code == 0, r.output
    assert len(r.output.splitlines()) == 3
    assert "pending  hook             askjpm-2013-11-13T21:26:56Z-crisis  attempts 0" in r.output


def test_deliver_sends_due_deliveries_and_keeps_the_failing_one(tmp_path: Path) -> None:
    db, cfg, out = _setup(tmp_path)
    r = CliRunner().invoke(alerts_cmd, ["--store", db, "--deliver", "--config", cfg])
    assert r.exit_code == 0, r.output
    assert "delivered 2, retrying later 1, failed 0" in r.output
    assert [json.loads(x)["level"] for x in out.read_text().splitlines()] == ["watch", "crisis"]
    r = CliRunner().invoke(alerts_cmd, ["--store", db, "--pending"])
    assert r.output.count("\n") == 1
    assert "FORETOLD_TEST_UNSET_HOOK_URL is not set" in r.output


def test_list_shows_alerts_with_delivery_state(tmp_path: Path) -> None:
    db, _, _ = _setup(tmp_path)
    r = CliRunner().invoke(alerts_cmd, ["--store", db])
    assert r.exit_code == 0
    assert r.output.splitlines()[1].startswith("crisis    2013-11-13T21:26:56Z  [askjpm] Crisis")
    assert "(file:pending hook:pending)" in r.output
