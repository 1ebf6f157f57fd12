"""``foretold replay``: the pipeline over archived posts, as fast as possible or paced."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

import click

from foretold.campaigns import Campaign, load_config
from foretold.cli.options import (
    alerts_option,
    default_quarantine,
    input_options,
    nothing_read_exit,
    open_output,
    store_option,
    tier_option,
)
from foretold.cli.stop import StopSignals
from foretold.clock import SystemClock
from foretold.errors import ConfigError
from foretold.ingest import IngestStats, Quarantine, in_time_order, read_batches
from foretold.media.locate import FolderMedia
from foretold.pipeline import Pipeline, RunResult
from foretold.progress import Progress
from foretold.records import Batch, Record
from foretold.runs import AfterStore, Delivery, build_stages, router_for, run_config
from foretold.store import Store
from foretold.streamtime import UNORDERED


@click.command(name="replay")
@click.argument("files", nargs=-1, type=str)
@store_option("The database file to write.")
@click.option(
    "--track",
    multiple=True,
    metavar="TERM",
    help="Track a campaign: '#Tag', '@handle' or a keyword (repeatable).",
)
@click.option(
    "--owner",
    metavar="@HANDLE",
    default="",
    help="With --track: the brand's own account. Its posts are stored and shown, but never "
    "counted as the public's (as `owner` in a [[campaign]] table).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False),
    help="foretold.toml with [[campaign]] tables.",
)
@input_options
@click.option(
    "--quarantine",
    "quarantine_path",
    type=click.Path(dir_okay=False),
    help="Where bad lines go [default: beside the store, NAME.quarantine.jsonl].",
)
@click.option("--strict", is_flag=True, help="Stop with an error at the first bad line.")
@click.option(
    "--speed",
    type=float,
    default=None,
    metavar="X",
    help="Play X stream seconds per wall second (default: as fast as possible).",
)
@alerts_option
@click.option(
    "--classify/--no-classify",
    "classify",
    default=True,
    show_default=True,
    help="Label every post (sentiment, irony, hostility, emotion, questions).",
)
@tier_option
@click.option(
    "--detect/--no-detect",
    "detect",
    default=True,
    show_default=True,
    help="Early warning on the tracked campaigns (needs --classify).",
)
@click.option(
    "--file-order",
    is_flag=True,
    help="Play posts as the files list them. By default, with early warning on, an archive "
    "not in time order (a twarc2 search is newest first) is read whole and played in time "
    "order, as the detector needs.",
)
@click.option(
    "--kafka",
    "kafka",
    metavar="BROKER",
    envvar="FORETOLD_KAFKA",
    help="Publish the posts to Kafka (host:port) for `foretold worker` instead of "
    "processing them here.",
)
@click.option(
    "--media-dir",
    "media_dir",
    metavar="DIR",
    help="The archive's downloaded pictures: each post's images are found here by media "
    "key, else by the file name its URL ends with, and handed to the image-reading step.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar [default: on when stderr is a terminal].",
)
def replay_cmd(
    files: tuple[str, ...],
    store_path: str,
    track: tuple[str, ...],
    owner: str,
    config_path: str | None,
    reading: dict[str, Any],
    quarantine_path: str | None,
    strict: bool,
    speed: float | None,
    alerts_path: str | None,
    classify: bool,
    tier: str,
    detect: bool,
    file_order: bool,
    kafka: str | None,
    media_dir: str | None,
    progress: bool | None,
) -> None:
    """Run the pipeline over archived posts and store everything.

    FILES are JSON-lines archives (gzip or plain; '-' or nothing for stdin) in any
    supported shape, detected per line: X API v2 (twarc2 flattened lines or raw
    response pages), X API v1.1, Bluesky Jetstream, Mastodon statuses, foretold's
    own export; and CSV files (by .csv extension or --format csv) with a column
    mapping. Lines that cannot be read go to the quarantine file with their line
    number and the reason; the run goes on.

    Every post is labelled (--tier fast by default) and, for each tracked campaign,
    the early-warning detectors raise watch / warning / crisis / all_clear alerts on
    stream time, stored and written with --alerts. Posts are played in time order:
    an archive written otherwise is read whole and sorted first (--file-order not to).

    \b
    Examples:
      foretold replay askjpm.jsonl.gz --track '#AskJPM' --track @jpmorgan --owner @jpmorgan
      twarc2 flatten raw.jsonl | foretold replay - --store brand.db
      foretold replay pheme.csv --csv-preset pheme --platform x --track Germanwings
      foretold replay stream.jsonl --config foretold.toml --speed 60 --alerts alerts.jsonl
      foretold replay storm.jsonl --media-dir storm-media/ --track '#myNYPD'
    """  # fmt: skip
    if speed is not None and speed <= 0:
        raise ConfigError(f"--speed must be positive, got {speed}")
    paths = list(files) or ["-"]
    config = run_config(load_config(config_path) if config_path else None, track, owner)
    campaigns = list(config.campaigns)
    qpath = Path(quarantine_path) if quarantine_path else default_quarantine(store_path)
    show = sys.stderr.isatty() if progress is None else progress
    if media_dir and kafka:
        raise ConfigError(
            "--media-dir reads pictures in this process; with --kafka the posts go to the "
            "workers, which do not read pictures: drop one of the two"
        )
    media = FolderMedia(Path(media_dir)) if media_dir else None
    pictures = [0, 0]  # media items in the posts read, and of those found in --media-dir

    clock = SystemClock()
    stats = IngestStats()
    quarantine = Quarantine(path=qpath)
    if kafka:
        _publish(
            kafka,
            campaigns,
            read_batches(paths, stats, quarantine, strict=strict, **reading),
        )
        quarantine.close()
        click.echo(
            f"published {stats.posts:,} posts to {kafka} (foretold.posts.raw); "
            f"quarantined {stats.quarantined:,}"
        )
        return
    stages = build_stages(config, clock, classify=classify, tier=tier, detect=detect)
    raised: list[dict[str, Any]] = []
    with ExitStack() as stack:
        signals = stack.enter_context(StopSignals())
        store = stack.enter_context(Store(store_path))
        store.put_campaigns((c.name, c.to_config()) for c in campaigns)
        alerts_out: IO[bytes] | None = None
        if alerts_path == "-":
            alerts_out = sys.stdout.buffer
        elif alerts_path:
            alerts_out = stack.enter_context(open_output(alerts_path, "wb", "--alerts"))
        after = AfterStore(store, clock, alerts_out=alerts_out, router=router_for(config))
        after.begin("replay " + " ".join(paths))
        bar = stack.enter_context(Progress(enabled=show, stats=stats))

        def on_batch(batch: Batch, result: RunResult) -> None:
            bar.update(len(batch.posts) + len(batch.deletions))
            raised.extend(batch.alerts)
            if media is not None:
                for post in batch.posts:
                    for m in post.media:
                        pictures[0] += 1
                        pictures[1] += media.index.find(m) is not None

        pipeline = Pipeline(
            store, stages, clock, speed=speed, on_batch=on_batch, after=after, media=media
        )
        try:
            detected = detect and campaigns
            # a detector fed in file order has the jump rule guard it; otherwise the posts
            # are sorted first (the detector needs stream order) or no detector reads them
            gate = None if detected and file_order else UNORDERED
            batches = read_batches(
                paths, stats, quarantine, strict=strict, stream_time=gate, **reading
            )
            if detected and not file_order:
                batches = in_time_order(batches)
            result = pipeline.run(batches, stop=signals.event)
        finally:
            quarantine.close()
        summary = _summary(stats, result, qpath, quarantine)
        if media_dir:
            summary["media"] = {"dir": media_dir, "in_posts": pictures[0], "found": pictures[1]}
        if signals.name:
            summary["stopped_by"] = signals.name
        after.finish(summary)
        if config.sinks and raised:
            # what fails stays pending for `foretold alerts --deliver`: the outbox keeps it
            Delivery(store, config, clock).stop()
    _print_summary(summary)
    for alert in raised:
        click.echo(f"  {alert['level']:<9} {alert['at']}  [{alert['campaign']}] {alert['summary']}")
    if signals.signum is not None:
        click.echo(f"foretold: stopped by {signals.name}; everything read was stored", err=True)
        sys.exit(signals.exit_code)
    nothing_read_exit(stats)


def _publish(broker: str, campaigns: list[Campaign], batches: Iterable[list[Record]]) -> None:
    """Hand the posts to the Kafka workers (`foretold worker classify|detect`); Ctrl-C or
    SIGTERM stops after the batch in hand, which is delivered to the broker first."""
    from foretold.workers.engine import create_topics, producer
    from foretold.workers.publish import Publisher

    create_topics(broker, 4)
    with StopSignals() as signals:
        Publisher(producer(broker), campaigns).publish_all(batches, signals.event)
    if signals.signum is not None:
        click.echo(f"foretold: stopped by {signals.name}; what was read was published",
                   err=True)  # fmt: skip
        sys.exit(signals.exit_code)


def _summary(
    stats: IngestStats, result: RunResult, qpath: Path, quarantine: Quarantine
) -> dict[str, object]:
    return {
        "lines": stats.lines,
        "posts_read": stats.posts,
        "stored": result.stored,
        "duplicates": result.duplicates,
        "deletions": stats.deletions,
        "events_skipped": stats.events_skipped,
        "quarantined": stats.quarantined,
        "quarantine_file": str(qpath) if stats.quarantined else None,
        "quarantine_reasons": [list(r) for r in quarantine.commonest(3)],
        "damaged": stats.damaged,
        "notes": stats.notes,
        "campaign_posts": result.memberships,
        "alerts": result.alerts,
        "formats": dict(stats.formats),
        "seconds": round(result.seconds, 3),
        "posts_per_second": round(stats.posts / result.seconds) if result.seconds > 0 else None,
    }


def _print_summary(s: dict[str, object]) -> None:
    rate = f" ({s['posts_per_second']:,} posts/s)" if s["posts_per_second"] else ""
    formats = ", ".join(f"{k} {v:,}" for k, v in s["formats"].items()) or "none"  # type: ignore[attr-defined]
    click.echo(
        f"read      {s['posts_read']:,} posts from {s['lines']:,} lines in {s['seconds']} s{rate}"
    )
    click.echo(f"formats   {formats}")
    click.echo(f"stored    {s['stored']:,} new, {s['duplicates']:,} duplicates (counts updated)")
    click.echo(f"deletions {s['deletions']:,}; non-post events skipped {s['events_skipped']:,}")
    click.echo(f"campaigns {s['campaign_posts']:,} campaign posts; alerts {s['alerts']:,}")
    where = f" -> {s['quarantine_file']}" if s["quarantine_file"] else ""
    click.echo(f"quarantined {s['quarantined']:,} lines{where}")
    for reason, n in s.get("quarantine_reasons") or ():  # type: ignore[attr-defined]
        click.echo(f"  {n:,} like: {reason}")
    for damage in s.get("damaged") or ():  # type: ignore[attr-defined]
        click.echo(f"foretold: warning: {damage}; the lines before the break were read",
                   err=True)  # fmt: skip
    for note in s.get("notes") or ():  # type: ignore[attr-defined]
        click.echo(f"foretold: note: {note}", err=True)
    media = s.get("media")
    if isinstance(media, dict):
        click.echo(
            f"media     {media['found']:,} of {media['in_posts']:,} pictures found in {media['dir']}"
        )
