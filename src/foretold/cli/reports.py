"""``foretold chronicle`` and ``foretold precheck``: the post-mortem and the pre-launch check."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from foretold.errors import InputError


@click.command(name="chronicle")
@click.option(
    "--store",
    "store_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="The store a replay or a live run wrote.",
)
@click.option("--campaign", required=True, help="The campaign to tell the story of.")
@click.option(
    "--out",
    default="chronicle.html",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Where to write the HTML report.",
)
def chronicle_cmd(store_path: str, campaign: str, out: str) -> None:
    """Write the chronicle of a campaign: a self-contained HTML post-mortem.

    It tells the story the way a hand-written chronicle does: the launch, the first
    sign of trouble (quoted), the tipping point, who joined and when, press pickup,
    the brand's responses and their delays, the aftermath; charts of volume, label
    mix and reach with phases and alerts marked; the grievances, grouped into topics;
    what foretold's alerts said against when the brand acted. No script, no network:
    the file opens anywhere (print it to PDF from a browser).

    \b
    Examples:
      foretold chronicle --store askjpm.db --campaign askjpm --out askjpm.html
    """
    from foretold.reports.chronicle import write_chronicle
    from foretold.store import Store

    if not Path(store_path).exists():
        raise InputError(f"chronicle: no store at {store_path!r}")
    with Store(store_path, readonly=True) as store:
        story = write_chronicle(store, campaign, out)
    phases = ", ".join(f"{p.name} {p.at:%b %d %H:%M}" for p in story.phases)
    click.echo(f"chronicle: {story.posts:,} posts -> {out}\nphases: {phases}", err=True)


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
    "--tier",
    type=click.Choice(["fast", "accurate"]),
    default="fast",
    show_default=True,
    help="The classifier tier.",
)
def precheck_cmd(brand: str, hashtag: str, archives: tuple[str, ...], tier: str) -> None:
    """Check how people talk about a brand before launching a campaign.

    Reads recent posts about the brand, measures the tone (sentiment, irony,
    hostility), finds the live grievances with example posts, the hostile or
    big accounts already talking and recent flare-ups, and prints a risk level
    (low / elevated / high) with its reasons and a recommendation.

    \b
    Examples:
      foretold simulate askjpm_prelaunch --seed 1 --out jpm-week.jsonl
      foretold precheck --brand "JP Morgan" --hashtag '#AskJPM' --archive jpm-week.jsonl
    """
    from foretold.ingest import IngestStats, Quarantine, read_batches
    from foretold.post import Post
    from foretold.reports.frame import frame_of
    from foretold.reports.precheck import about, precheck
    from foretold.understand import load_classifier

    if not archives:
        raise InputError("precheck: give --archive FILE (live search is not wired yet)")
    posts: list[Post] = []
    stats, quarantine = IngestStats(), Quarantine()
    for batch in read_batches(list(archives), stats, quarantine):
        posts.extend(
            p for p in batch if isinstance(p, Post) and about(p.text, p.hashtags, brand, hashtag)
        )
    if not posts:
        raise InputError(f"precheck: no post about {brand!r} in {', '.join(archives)}")
    labels = [x.to_dict() for x in load_classifier(tier).classify([p.text for p in posts])]
    sys.stdout.write(precheck(frame_of(posts, labels), brand, hashtag).text())
