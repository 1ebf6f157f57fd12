"""``foretold watch`` (live sources into the pipeline) and ``foretold status`` (what they do)."""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

import click

from foretold.campaigns import load_config
from foretold.cli.options import (
    alerts_option,
    default_quarantine,
    nothing_read_exit,
    open_output,
    store_option,
    tier_option,
)
from foretold.cli.stop import StopSignals
from foretold.clock import SystemClock
from foretold.errors import ConfigError
from foretold.ingest import IngestStats, Quarantine
from foretold.store import Store


@click.command(name="watch")
@click.option(
    "--config",
    "config_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="foretold.toml with [[campaign]] and [[source]] tables.",
)
@store_option("The database file to write.")
@alerts_option
@tier_option
def watch_cmd(config_path: str, store_path: str, alerts_path: str | None, tier: str) -> None:
    """Listen live to every [[source]] of the config until Ctrl-C or SIGTERM.

    Sources: a growing JSONL file (type = "file"), X API v2 filtered stream or
    recent search (type = "x", token from the variable named by bearer_token_env,
    X_BEARER_TOKEN by default), Bluesky Jetstream (type = "bluesky") and Mastodon
    hashtag streams (type = "mastodon", instance = URL, optional token_env).
    Every source reconnects with backoff, waits out rate limits, reconnects a
    stalled stream and resumes from the cursor stored with its last posts, so
    nothing is missed or counted twice across restarts. Ctrl-C or SIGTERM stops
    reading, stores what was read with its cursors and the detectors' state (a
    restarted watch resumes them, so it raises the alerts an uninterrupted one
    would), delivers the alerts to the [[sink]]s as they are raised, and exits 130
    (Ctrl-C) or 143 (SIGTERM).

    \b
    Examples:
      foretold watch --config foretold.toml
      X_BEARER_TOKEN=... foretold watch --config foretold.toml --store brand.db --alerts -
      foretold status --store brand.db
    """  # fmt: skip
    from foretold.media.fetch import fetcher_for
    from foretold.media.understand import record_unread, resume_unread
    from foretold.runs import (
        AfterStore,
        Delivery,
        build_stages,
        router_for,
        snapshot_name,
        snapshot_stage,
        warm_stages,
    )
    from foretold.sources.config import build_sources
    from foretold.sources.watch import LivePipeline, Watch

    config = load_config(config_path)
    if not config.sources:
        raise ConfigError(f"{config_path}: no [[source]] table: nothing to watch")
    campaigns = list(config.campaigns)
    clock = SystemClock()
    stats = IngestStats()
    qpath = default_quarantine(store_path)
    quarantine = Quarantine(path=qpath)
    sources = build_sources(config.sources, campaigns, os.environ, stats, quarantine, clock)
    stages = build_stages(config, clock, tier=tier)
    fetcher = fetcher_for(config.media, store_path, config_path)  # [media] fetch = true
    if fetcher is not None:
        stages = [fetcher, *stages]  # queues pictures and goes on: text is never delayed
    with ExitStack() as stack:
        if fetcher is not None:
            stack.callback(fetcher.close)
        signals = stack.enter_context(StopSignals())
        warm_stages(stages)  # the models load now, not on the first posts' latency
        store = stack.enter_context(Store(store_path))
        store.put_campaigns((c.name, c.to_config()) for c in campaigns)
        alerts_out: IO[bytes] | None = None
        if alerts_path == "-":
            alerts_out = sys.stdout.buffer
        elif alerts_path:
            alerts_out = stack.enter_context(open_output(alerts_path, "ab", "--alerts"))
        after = AfterStore(
            store, clock, alerts_out=alerts_out, router=router_for(config),
            snapshot=snapshot_stage(stages), snapshot_key=snapshot_name(campaigns),
            snapshot_every_s=1.0,
        )  # fmt: skip
        if after.restore():
            click.echo("resumed the detectors where the last watch stopped", err=True)
            if fetcher is not None:  # the pictures the last stop left unread (docs/media.md)
                again = resume_unread(store, after.snapshot_key, stages, fetcher,
                                      clock.now().isoformat())  # fmt: skip
                if again:
                    click.echo(f"reading again {again:,} pictures the last watch left unread",
                               err=True)  # fmt: skip
        after.begin("watch " + config_path)
        delivery = Delivery(store_path, config, clock) if config.sinks else None
        names = ", ".join(s.name for s in sources)
        click.echo(f"watching {names} (Ctrl-C to stop)", err=True)
        pipeline = LivePipeline(store, stages, clock, after=after)
        if delivery is not None:
            delivery.start()
        try:
            result = Watch(sources, pipeline, clock).run(signals.event)
        finally:
            quarantine.close()
            if delivery is not None:
                delivery.stop()  # one last pass: the last batch's alerts too
        summary: dict[str, Any] = {
            "posts_read": stats.posts, "stored": result.run.stored,
            "duplicates": result.run.duplicates, "quarantined": stats.quarantined,
            "alerts": result.run.alerts,
            "sources": {n: s.state for n, s in result.statuses.items()},
        }  # fmt: skip
        if fetcher is not None:
            # still being fetched or read when the stop's wait ran out: read next time
            unread = record_unread(store, after.snapshot_key, stages, clock.now().isoformat())
            fetcher.close()  # the fetches in flight end first, so the counts are whole
            summary["media"] = fetcher.stats.as_dict()
            if unread:
                summary["media"]["unread"] = unread
        if signals.name:
            summary["stopped_by"] = signals.name
        after.finish(summary)
        store.checkpoint()
    click.echo(
        f"stopped: {result.run.stored:,} new posts, {result.run.duplicates:,} duplicates, "
        f"{stats.quarantined:,} quarantined, {result.run.alerts:,} alerts",
        err=True,
    )
    if signals.signum is not None:
        sys.exit(signals.exit_code)
    nothing_read_exit(stats)


@click.command(name="status")
@store_option("The database file a watch writes.")
def status_cmd(store_path: str) -> None:
    """Show what each live source of a watch is doing, and its stored cursor.

    One line per source: state (connected, backing_off, stalled, rate_limited,
    waiting, stopped), until when, posts per minute, and the detail.

    \b
    Examples:
      foretold status
      foretold status --store brand.db
    """
    from foretold.sources.status import read_statuses

    if not Path(store_path).exists():
        raise ConfigError(f"no store at {store_path!r}: run foretold watch first")
    with Store(store_path, readonly=True) as store:
        rows = read_statuses(store)
    if not rows:
        click.echo("no live source has run on this store")
        return
    for r in rows:
        until = f" until {r['until']}" if r["until"] else ""
        detail = f"  {r['detail']}" if r["detail"] else ""
        click.echo(
            f"{r['source']:<32} {r['state']:<12}{until} {r['posts_per_min']:g} posts/min"
            f"  (updated {r['updated_at']}, cursor {r['cursor'] or '-'}){detail}"
        )
