"""``foretold worker classify|detect`` and ``foretold worker publish``: the pipeline on Kafka.

See ``docs/deploy.md``. Each command is one worker process; start as many as the
topics have partitions.

Ctrl-C or SIGTERM stops a worker cleanly: Quix Streams finishes the message in hand
and commits its checkpoint (offsets, state, produced alerts), the detect worker
finishes its run record (``stopped_by``), each prints its summary, and the exit code
is 130 or 143 (:class:`~foretold.cli.stop.SignalsSeen` says which signal came).
"""

from __future__ import annotations

import sys
from typing import Any

import click

from foretold.campaigns import Campaign, load_config
from foretold.cli.options import input_options
from foretold.cli.stop import SignalsSeen, StopSignals
from foretold.clock import Clock, ManualClock, SystemClock
from foretold.errors import ConfigError
from foretold.post import parse_time

_broker = click.option(
    "--broker",
    default="127.0.0.1:9092",
    show_default=True,
    envvar="FORETOLD_KAFKA",
    help="Kafka bootstrap servers, host:port[,host:port] (env FORETOLD_KAFKA).",
)
_partitions = click.option(
    "--partitions",
    type=click.IntRange(1),
    default=4,
    show_default=True,
    help="Partitions of the topics when this worker creates them (the most workers "
    "of one kind that share the work).",
)


def _campaigns(track: tuple[str, ...], config_path: str | None) -> list[Campaign]:
    from foretold.runs import run_config  # the config replay and watch run with

    return list(run_config(load_config(config_path) if config_path else None, track).campaigns)


_track = click.option(
    "--track", multiple=True, metavar="TERM", help="Track a campaign: '#Tag', '@handle', word."
)
_config = click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False),
    help="foretold.toml with [[campaign]] tables.",
)


@click.group(name="worker")
def worker_cmd() -> None:
    """Run the pipeline as Kafka workers (Quix Streams), scaled over partitions.

    Topics: foretold.posts.raw (keyed by post), foretold.posts.labelled (keyed by
    campaign), foretold.alerts. 'publish' sends archived posts to the raw topic;
    'classify' workers label them (stateless); 'detect' workers run the early warning
    per campaign with their state checkpointed in changelog topics, and write posts,
    labels and alerts to the store. Needs the kafka extra.

    \b
    Examples:
      foretold worker classify --broker kafka:9092 &     # as many as partitions
      foretold worker detect --broker kafka:9092 --config foretold.toml --store foretold.db &
      foretold worker publish stream.jsonl --broker kafka:9092 --config foretold.toml
    """


@worker_cmd.command(name="classify")
@_broker
@_partitions
@click.option("--tier", type=click.Choice(["fast", "accurate"]), default="fast", show_default=True)
@click.option("--state-dir", default="state", show_default=True, type=click.Path(file_okay=False))
@click.option(
    "--media-dir",
    type=click.Path(exists=True, file_okay=False),
    help="Read the posts' pictures from this folder (by media key or URL name), as "
    "replay --media-dir does: their labels go out with the post's.",
)
@_config
def classify_worker_cmd(
    broker: str, partitions: int, tier: str, state_dir: str, media_dir: str | None,
    config_path: str | None,
) -> None:  # fmt: skip
    """Label raw posts (stateless; scale by starting more).

    With --media-dir, or [media] fetch = true in --config (as watch fetches them; the
    cache is [media] cache_dir, else STATE_DIR/pictures.media), the posts' pictures
    are read and labelled with them (docs/media.md); fetched pictures read after their
    post's labels went out follow as updates the detect workers apply.

    \b
    Examples:
      foretold worker classify --broker 127.0.0.1:9092
      foretold worker classify --broker kafka:9092 --tier accurate --partitions 8
      foretold worker classify --broker kafka:9092 --media-dir archive/media
    """
    from pathlib import Path

    from foretold.understand import load_classifier
    from foretold.workers import engine
    from foretold.workers.classify import Labeller, Ticker, build_app

    media: Any = None
    if media_dir and config_path and load_config(config_path).media.get("fetch"):
        raise ConfigError("--media-dir and [media] fetch = true: choose one")
    if media_dir:
        from foretold.media.locate import FolderMedia

        media = FolderMedia(Path(media_dir))
    elif config_path:
        from foretold.media.fetch import fetcher_for

        where = f"{config_path}: [media]"
        media = fetcher_for(load_config(config_path).media, str(Path(state_dir) / "pictures.db"),
                            where)  # fmt: skip
    labeller = Labeller(load_classifier(tier), media=media)
    app = build_app(broker, labeller, partitions, state_dir=state_dir)
    # the models load before the first message, not on it (seconds of latency on the
    # first posts otherwise, bench/detect_latency_bench.py); a signal meanwhile stops here
    with StopSignals(graceful=False):
        labeller.stage.warm()
    # live: the updates of pictures read while no post comes go out every second
    ticker = (
        Ticker(labeller, engine.producer(broker)) if media is not None and not media_dir else None
    )
    with SignalsSeen() as seen:
        try:
            if ticker is not None:
                ticker.start()
            app.run()  # Quix Streams stops cleanly on SIGINT / SIGTERM: checkpoint committed
        finally:
            if ticker is not None:
                ticker.stop()
            labeller.close()
            close = getattr(media, "close", None)
            if callable(close):
                close()
            read = f", {labeller.updates:,} late picture updates" if labeller.updates else ""
            click.echo(f"worker classify: labelled {labeller.posts:,} posts{read}")
    _stopped(seen)


def _stopped(seen: SignalsSeen) -> None:
    """After a worker's clean stop by a signal: say so and exit 130 / 143."""
    if seen.signum is not None:
        click.echo(f"foretold: stopped by {seen.name}", err=True)
        sys.exit(seen.exit_code)


@worker_cmd.command(name="detect")
@_broker
@_partitions
@_track
@_config
@click.option(
    "--store",
    "store_path",
    default="foretold.db",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The database file to write posts, labels, metrics and alerts to.",
)
@click.option(
    "--state-dir",
    default="state",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Local state (RocksDB); rebuilt from the changelog topics when lost.",
)
@click.option(
    "--worker-id",
    help="A stable name for this replica (e.g. its ordinal): a restart then aborts the "
    "killed process's open transaction at once.",
)
@click.option("--fixed-now", hidden=True, help="Tests: a fixed wall clock for raised_at.")
def detect_worker_cmd(
    broker: str,
    partitions: int,
    track: tuple[str, ...],
    config_path: str | None,
    store_path: str,
    state_dir: str,
    worker_id: str | None,
    fixed_now: str | None,
) -> None:
    """Early warning per campaign, state checkpointed; alerts to the topic and the store.

    Every detect worker must be given the same campaigns as the publisher.

    \b
    Examples:
      foretold worker detect --broker 127.0.0.1:9092 --track '#AskJPM' --store brand.db
      foretold worker detect --broker kafka:9092 --config foretold.toml --state-dir /var/lib/ft
    """
    from foretold.store import Store
    from foretold.workers import engine
    from foretold.workers.detect import build_app

    campaigns = _campaigns(track, config_path)
    if not campaigns:
        raise ConfigError("worker detect needs campaigns: --track or --config")
    from foretold.runs import AfterStore, router_for

    router = router_for(load_config(config_path)) if config_path else None
    clock: Clock = ManualClock(parse_time(fixed_now)) if fixed_now else SystemClock()
    with Store(store_path) as store:
        store.put_campaigns((c.name, c.to_config()) for c in campaigns)
        after = AfterStore(store, clock, router=router)  # the step replay and watch take
        after.begin(f"worker detect --broker {broker}")

        def make_app() -> Any:
            return build_app(
                broker, campaigns, clock, store, partitions, state_dir=state_dir,
                worker_id=worker_id, router=router, after=after,
            )  # fmt: skip

        seen = SignalsSeen()
        try:
            with seen:
                # Quix Streams stops cleanly on SIGINT / SIGTERM: checkpoint committed
                engine.run_supervised(make_app, lambda m: click.echo(m, err=True))
        finally:  # also a second Ctrl-C (KeyboardInterrupt) or a signal before run()
            stop = {"stopped_by": seen.name} if seen.name else {}
            after.finish({"campaigns": [c.name for c in campaigns], "posts": after.posts,
                          "alerts": after.alerts, **stop})  # fmt: skip
            click.echo(f"worker detect: stored {after.posts:,} posts, raised {after.alerts:,} "
                       f"alerts")  # fmt: skip
    _stopped(seen)


@worker_cmd.command(name="publish")
@click.argument("files", nargs=-1, type=str)
@_broker
@_partitions
@_track
@_config
@input_options
@click.option(
    "--quarantine",
    "quarantine_path",
    default="publish.quarantine.jsonl",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Where lines that cannot be read go (written only when there are some).",
)
def publish_cmd(
    files: tuple[str, ...], broker: str, partitions: int, track: tuple[str, ...],
    config_path: str | None, reading: dict[str, Any], quarantine_path: str,
) -> None:  # fmt: skip
    """Send archived posts to the raw topic instead of processing them in-process.

    FILES are read as `replay` reads them (any supported JSON shape, detected per line,
    or CSV with a column mapping); a line that cannot be read goes to --quarantine with
    its line number and the reason, and the rest is published.

    \b
    Examples:
      foretold worker publish askjpm.jsonl.gz --broker 127.0.0.1:9092 --track '#AskJPM'
      twarc2 flatten raw.jsonl | foretold worker publish - --config foretold.toml
      foretold worker publish pheme.csv --csv-preset pheme --platform x --track Germanwings
    """
    from pathlib import Path

    from foretold.ingest import IngestStats, Quarantine, read_batches
    from foretold.workers.engine import create_topics, producer
    from foretold.workers.publish import Publisher

    create_topics(broker, partitions)
    pub = Publisher(producer(broker), _campaigns(track, config_path))
    stats = IngestStats()
    quarantine = Quarantine(path=Path(quarantine_path))
    with StopSignals() as signals:  # Ctrl-C / SIGTERM: the batch in hand is delivered first
        batches = read_batches(list(files) or ["-"], stats, quarantine, **reading)
        sent = pub.publish_all(batches, signals.event)
    quarantine.close()
    where = f" -> {quarantine_path}" if stats.quarantined else ""
    click.echo(f"published {sent:,} posts to foretold.posts.raw "
               f"({stats.quarantined:,} quarantined{where})")  # fmt: skip
    for damage in stats.damaged:
        click.echo(f"foretold: warning: {damage}; the lines before the break were published",
                   err=True)  # fmt: skip
    for note in stats.notes:
        click.echo(f"foretold: note: {note}", err=True)
    if signals.signum is not None:
        click.echo(f"foretold: stopped by {signals.name}", err=True)
        sys.exit(signals.exit_code)


if __name__ == "__main__":
    worker_cmd()
