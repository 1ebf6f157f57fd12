"""``foretold alerts``: the stored alerts, the delivery outbox, and one delivery pass."""

from __future__ import annotations

import logging
import random
import sys
from pathlib import Path

import click

from foretold.campaigns import load_config
from foretold.cli.options import store_option
from foretold.clock import SystemClock
from foretold.errors import ConfigError
from foretold.store import Store


@click.command(name="alerts")
@store_option("The database file.")
@click.option(
    "--pending",
    is_flag=True,
    help="Show deliveries not yet delivered (pending and failed) instead of the alerts.",
)
@click.option(
    "--deliver",
    is_flag=True,
    help="Send every delivery that is due now through its sink (needs --config), once.",
)
@click.option(
    "--retry-failed",
    is_flag=True,
    help="With --deliver: put failed deliveries back in the queue first.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False),
    help="foretold.toml with the [[sink]] tables (secrets come from their *_env variables).",
)
def alerts_cmd(
    store_path: str, pending: bool, deliver: bool, retry_failed: bool, config_path: str | None
) -> None:
    """List stored alerts, show the delivery queue, or deliver what is due.

    Alerts are queued per sink when they are raised (the campaign's `sinks`, each
    sink's `levels`); a failing sink is retried with backoff and never loses an
    alert. Errors are shown without secrets.

    \b
    Examples:
      foretold alerts --store foretold.db
      foretold alerts --store foretold.db --pending
      SLACK_WEBHOOK_URL=https://hooks.slack.com/... \\
        foretold alerts --store foretold.db --deliver --config foretold.toml
    """  # fmt: skip
    from foretold.sinks import Dispatcher, build_sinks, deliveries, secret_values
    from foretold.sinks import retry_failed as requeue

    if not Path(store_path).exists():
        raise ConfigError(f"no store at {store_path!r}; create one with `foretold replay`")
    if deliver:
        if not config_path:
            raise ConfigError("--deliver needs --config with the [[sink]] tables")
        config = load_config(config_path)
        _log_to_stderr()
        clock = SystemClock()
        with Store(store_path) as store:
            if retry_failed:
                requeue(store.db, clock.now())
            dispatcher = Dispatcher(
                store.db, build_sinks(config.sinks), clock, random.Random(),
                secrets=secret_values(config.sinks),
            )  # fmt: skip
            r = dispatcher.run_once(limit=1000)
        click.echo(f"delivered {r.delivered}, retrying later {r.retrying}, failed {r.failed}")
        return
    with Store(store_path, readonly=True) as store:
        if pending:
            rows = deliveries(store.db, ("pending", "failed"))
            if not rows:
                click.echo("no pending deliveries")
            for d in rows:
                when = f"next {d['next_at']}" if d["state"] == "pending" else "gave up"
                error = f"  last error: {d['last_error']}" if d["last_error"] else ""
                click.echo(
                    f"{d['state']:<8} {d['sink']:<16} {d['alert_id']}  attempts {d['attempts']}"
                    f", {when}{error}"
                )
            return
        state: dict[str, list[str]] = {}
        for d in deliveries(store.db):
            state.setdefault(d["alert_id"], []).append(f"{d['sink']}:{d['state']}")
        shown = 0
        for a in store.alerts():
            sent = " ".join(state.get(a["id"], [])) or "-"
            click.echo(
                f"{a['level']:<9} {a['at']}  [{a['campaign']}] {_line(a['summary'])}  ({sent})"
            )
            shown += 1
        if not shown:  # said on stderr: stdout stays the list, empty
            campaigns = store.campaigns()
            tracked = f"campaigns: {', '.join(campaigns)}" if campaigns else "no campaign tracked"
            click.echo(f"alerts: none stored in {store_path} ({tracked})", err=True)


def _line(text: str) -> str:
    return "".join(c if c.isprintable() else " " for c in str(text))


def _log_to_stderr() -> None:
    logger = logging.getLogger("foretold.sinks")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("foretold: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
