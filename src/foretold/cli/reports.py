"""``foretold chronicle`` and ``foretold precheck``: the post-mortem and the pre-launch check."""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from foretold.cli.options import input_options
from foretold.cli.stop import summary_on_stop
from foretold.errors import ConfigError, InputError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from foretold.clock import Clock
    from foretold.post import Post


@click.command(name="chronicle")
@click.option(
    "--store",
    "store_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="The store a replay or a live run wrote.",
)
@click.option(
    "--campaign",
    help="The campaign to tell the story of [default: the store's campaign, when it holds one].",
)
@click.option(
    "--out",
    default="chronicle.html",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Where to write the HTML report.",
)
@click.option(
    "--media-dir", "media_dirs", multiple=True, metavar="DIR",
    type=click.Path(file_okay=False, exists=True),
    help="A folder of the posts' pictures (replay --media-dir): the most repeated ones are "
    "embedded from it as small thumbnails (the watch's cache NAME.media always counts).",
)  # fmt: skip
def chronicle_cmd(
    store_path: str, campaign: str | None, out: str, media_dirs: tuple[str, ...]
) -> None:
    """Write the chronicle of a campaign: a self-contained HTML post-mortem.

    It tells the story the way a hand-written chronicle does: the launch, the first
    sign of trouble (quoted), the tipping point, who joined and when, press pickup,
    the brand's responses and their delays, the aftermath; charts of volume, label
    mix and reach with phases and alerts marked; the grievances, grouped into topics;
    what foretold's alerts said against when the brand acted; the text read in quoted
    posts' pictures and their alt text, and the storm's most repeated pictures. No
    script, no network:
    the file opens anywhere (print it to PDF from a browser).

    \b
    Examples:
      foretold chronicle --store askjpm.db --campaign askjpm --out askjpm.html
      foretold chronicle --store jetblue.db       # a store of one campaign
    """
    from foretold.reports.chronicle import write_chronicle
    from foretold.store import Store

    if not Path(store_path).exists():
        raise InputError(f"chronicle: no store at {store_path!r}")
    # written beside --out and renamed when whole: a stop never leaves half a report
    part = Path(out).with_name(Path(out).name + ".part")
    stopped = f"before the report was written; {out} is untouched"
    with Store(store_path, readonly=True) as store, summary_on_stop("chronicle", lambda: stopped):
        if campaign is None:
            names = store.campaigns()
            if len(names) != 1:
                held = f"it holds {', '.join(names)}" if names else "it holds none"
                raise InputError(f"chronicle: give --campaign NAME; {held}")
            campaign = names[0]
        click.echo(f"chronicle: reading {store.count_posts(campaign):,} posts of {campaign!r} "
                   f"from {store_path}", err=True)  # fmt: skip
        try:
            story = write_chronicle(store, campaign, part, [Path(d) for d in media_dirs])
            os.replace(part, out)
        finally:
            part.unlink(missing_ok=True)
    phases = ", ".join(f"{p.name} {p.at:%b %d %H:%M}" for p in story.phases)
    click.echo(f"chronicle: {story.posts:,} posts -> {out}\nphases: {phases}", err=True)
    if not story.owner:
        click.echo(
            f"chronicle: note: campaign {campaign!r} names no owner, so the brand's launch and "
            'response are missing; replay with --track @handle (or set owner = "@handle" '
            "in its [[campaign]])",
            err=True,
        )


@click.command(name="precheck")
@click.option("--brand", required=True, help='The brand\'s name as people write it ("JP Morgan").')
@click.option("--hashtag", default="", help="The campaign hashtag you plan to launch.")
@click.option(
    "--archive",
    "archives",
    multiple=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Recent posts (any format replay reads); repeat for several files.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False),
    help="foretold.toml: search its [[source]] tables (X recent search, Mastodon hashtag "
    "timelines) for recent posts; merged with --archive.",
)
@click.option(
    "--days",
    type=click.FloatRange(min=0, min_open=True),
    default=7.0,
    show_default=True,
    help="How far back the search reaches (X keeps 7 days).",
)
@click.option(
    "--max-posts",
    type=click.IntRange(min=1),
    default=2000,
    show_default=True,
    help="At most this many posts from each searched source.",
)
@click.option(
    "--tier",
    type=click.Choice(["fast", "accurate"]),
    default="fast",
    show_default=True,
    help="The classifier tier.",
)
@input_options
@click.option("--fixed-now", hidden=True, help="Tests: a fixed wall clock for the search window.")
def precheck_cmd(
    brand: str,
    hashtag: str,
    archives: tuple[str, ...],
    config_path: str | None,
    days: float,
    max_posts: int,
    tier: str,
    reading: dict[str, Any],
    fixed_now: str | None,
) -> None:
    """Check how people talk about a brand before launching a campaign.

    Reads recent posts about the brand (archives, a search of the live sources of
    a config, or both, merged), measures the tone (sentiment, irony, hostility),
    finds the live grievances with example posts, the hostile or big accounts
    already talking and recent flare-ups, and prints a risk level (low /
    elevated / high) with its reasons and a recommendation.

    With --config, X sources run recent search for the hashtag and the brand's
    name (retweets left out, at most 7 days back) and Mastodon sources read the
    hashtag timelines; file and Bluesky sources cannot search and are skipped.
    Progress and a per-source summary go to stderr.

    \b
    Examples:
      foretold simulate askjpm_prelaunch --seed 1 --out jpm-week.jsonl
      foretold precheck --brand "JP Morgan" --hashtag '#AskJPM' --archive jpm-week.jsonl
      X_BEARER_TOKEN=... foretold precheck --brand "JP Morgan" --hashtag '#AskJPM' \\
          --config foretold.toml --days 7 --max-posts 5000
    """
    from foretold.clock import ManualClock, SystemClock
    from foretold.ingest import IngestStats, Quarantine, read_batches
    from foretold.post import Post, parse_time
    from foretold.reports.frame import frame_of
    from foretold.reports.precheck import gather, precheck
    from foretold.streamtime import UNORDERED
    from foretold.understand import load_classifier

    if not archives and not config_path:
        raise InputError(
            "precheck: give --archive FILE, --config foretold.toml (search the live sources), "
            "or both"
        )
    places: list[tuple[str, Iterable[Post]]] = []
    stats, quarantine = IngestStats(), Quarantine()
    for path in archives:
        # no detector reads these posts
        batches = read_batches([path], stats, quarantine, stream_time=UNORDERED, **reading)
        places.append((path, (p for b in batches for p in b if isinstance(p, Post))))
    if config_path:
        clock: Clock = ManualClock(parse_time(fixed_now)) if fixed_now else SystemClock()
        places += _search(config_path, brand, hashtag, days, max_posts, clock)
    gathered = gather(places, brand, hashtag)
    if config_path:  # an archive alone prints the report only, as before
        click.echo(gathered.summary(brand), err=True)
    if not gathered.posts:
        where = ", ".join(name for name, _ in places)
        unread = ""
        if stats.quarantined:
            reasons = ", ".join(f"{n:,} {why!r}" for why, n in quarantine.commonest(3))
            unread = (f"; {stats.quarantined:,} records could not be read ({reasons}, ...); a "
                      "CSV file may need --csv-preset, --csv-map or --encoding")  # fmt: skip
        raise InputError(f"precheck: no post about {brand!r} in {where}{unread}")
    posts = gathered.posts
    labels = [x.to_dict() for x in load_classifier(tier).classify([p.text for p in posts])]
    sys.stdout.write(precheck(frame_of(posts, labels), brand, hashtag).text())


def _search(
    config_path: str, brand: str, hashtag: str, days: float, max_posts: int, clock: Clock
) -> list[tuple[str, Iterable[Post]]]:
    """Search every [[source]] of the config that can; notes and progress on stderr."""
    from foretold.campaigns import load_config
    from foretold.ingest import IngestStats, Quarantine
    from foretold.sources.base import SearchProgress
    from foretold.sources.search import searchers

    config = load_config(config_path)
    if not config.sources:
        raise ConfigError(f"{config_path}: no [[source]] table: nothing to search")
    stats = IngestStats()
    found, skipped = searchers(config.sources, brand, hashtag, os.environ, stats, Quarantine(),
                               clock)  # fmt: skip
    for note in skipped:
        click.echo(f"precheck: {note}", err=True)
    if not found:
        raise ConfigError(f"{config_path}: no [[source]] can search (x and mastodon can)")

    def progress(p: SearchProgress) -> None:
        if p.waiting_until is not None:
            click.echo(f"precheck: {p.source}: rate limited; waiting until "
                       f"{p.waiting_until:%H:%M:%S} UTC", err=True)  # fmt: skip
        elif p.pages % 10 == 0:
            click.echo(f"precheck: {p.source}: {p.posts:,} posts so far", err=True)

    since = clock.now() - timedelta(days=days)
    out: list[tuple[str, Iterable[Post]]] = []
    for source in found:
        result = source.search(since, max_posts, progress)
        for note in result.notes:
            click.echo(f"precheck: {source.name}: {note}", err=True)
        click.echo(f"precheck: {source.name}: {len(result.posts):,} posts in "
                   f"{result.pages:,} pages", err=True)  # fmt: skip
        out.append((source.name, result.posts))
    if stats.quarantined:
        click.echo(f"precheck: {stats.quarantined:,} records could not be read", err=True)
    return out
