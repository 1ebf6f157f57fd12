"""``foretold simulate``: a realistic synthetic campaign stream, and the truth about it."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

import click
import numpy as np
import orjson

from foretold.cli.stop import Stopped, StopSignals, summary_on_stop
from foretold.errors import ConfigError
from foretold.simulate.library import names, scenario
from foretold.simulate.pictures import PICTURE_STORMS, media_dir_for, write_picture_storm
from foretold.simulate.realism import render, stats, text_figures
from foretold.simulate.scenario_toml import dump, load
from foretold.simulate.stream import simulate
from foretold.simulate.swarm import SWARMS, write_swarm
from foretold.simulate.text import TextPools
from foretold.simulate.truth import truth_path, write_truth
from foretold.simulate.twarc import post_texts, write_jsonl


@click.command(name="simulate")
@click.argument("scenario_name", metavar="SCENARIO", required=False)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "--random",
    "randomise",
    is_flag=True,
    help="Draw the scenario's parameters (volumes, timings, branching) from the seed.",
)
@click.option(
    "--scale",
    type=click.FloatRange(min=0.0, min_open=True),
    default=1.0,
    show_default=True,
    help="Multiply every wave's volume (e.g. 30 for a stream of about a million posts).",
)
@click.option(
    "--out",
    default="-",
    show_default=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Where to write the posts (twarc2-flattened X API v2 JSON lines).",
)
@click.option(
    "--truth",
    "truth_file",
    type=click.Path(dir_okay=False),
    help="Where to write the truth [default: FILE.truth.json beside --out; none for stdout].",
)
@click.option(
    "--data",
    default="../shared/data",
    show_default=True,
    envvar="FORETOLD_DATA",
    type=click.Path(file_okay=False),
    help="Folder of the real labelled tweets the texts come from (env FORETOLD_DATA).",
)
@click.option(
    "--scenario",
    "scenario_file",
    type=click.Path(dir_okay=False),
    help="Run your own drill: a scenario TOML file (docs/simulate.md) instead of a NAME.",
)
@click.option(
    "--print-scenario",
    is_flag=True,
    help="Print the scenario as TOML (a start for your own drill) and exit.",
)
@click.option(
    "--media-dir",
    type=click.Path(file_okay=False),
    help="A picture storm's pictures go here [default: FILE.media beside --out].",
)
@click.option("--list", "list_only", is_flag=True, help="List the scenarios and exit.")
@click.option("--report", is_flag=True, help="Print the realism figures beside CASES.md to stderr.")
def simulate_cmd(
    scenario_name: str | None,
    seed: int,
    randomise: bool,
    scale: float,
    out: str,
    truth_file: str | None,
    data: str,
    scenario_file: str | None,
    print_scenario: bool,
    media_dir: str | None,
    list_only: bool,
    report: bool,
) -> None:
    """Write a simulated campaign stream for fire drills and benchmarks.

    The posts are X API v2 tweets as twarc2 flattens them (one a line); the truth
    file beside them gives the phase boundaries (launch, first weak signal, tipping
    point, peak, press pickup, brand response, end) and which posts were the attack.
    Everyday posts are real brand mentions retargeted to the scenario's brand; the
    hijackers' posts are written from the scenario's grievances (docs/simulate.md).

    \b
    Examples:
      foretold simulate --list
      foretold simulate askjpm --print-scenario > my-drill.toml  # edit, then:
      foretold simulate --scenario my-drill.toml --seed 1 --out drill.jsonl
      foretold simulate askjpm --seed 7 --out askjpm-7.jsonl     # + askjpm-7.truth.json
      foretold simulate mynypd --random --seed 3 --out drill.jsonl --report
      foretold simulate quiet_month --seed 1 | foretold replay - --track '#BrewCo'
      foretold simulate askjpm --scale 30 --out big.jsonl       # about a million posts
      foretold simulate astroturf_attack --seed 1 --out swarm.jsonl  # coordination drill
      foretold simulate mynypd_pictures --seed 1 --out storm.jsonl  # + storm.media/ pictures
    """
    if list_only:
        for name in names():
            click.echo(f"{name:<20}{scenario(name).title}")
        for name, drill in SWARMS.items():
            click.echo(f"{name:<20}{drill.title}")
        for name, storm in PICTURE_STORMS.items():
            click.echo(f"{name:<20}{storm.title}")
        return
    if scenario_name in PICTURE_STORMS:
        _pictures(scenario_name, seed, out, truth_file, data, media_dir,
                  randomise or scale != 1.0 or print_scenario or report)  # fmt: skip
        return
    if scenario_name in SWARMS:
        _swarm(scenario_name, seed, out, truth_file, data,
               randomise or scale != 1.0 or print_scenario or report)  # fmt: skip
        return
    if scenario_name and scenario_file:
        raise ConfigError("simulate: give a SCENARIO name or --scenario FILE, not both")
    if not scenario_name and not scenario_file:
        raise ConfigError(
            "simulate: name a SCENARIO (see foretold simulate --list) or give --scenario FILE"
        )
    rng = np.random.default_rng([seed, 1]) if randomise else None
    if scenario_file:  # a bad file fails before the data is read
        sc = load(scenario_file)
        if rng is not None:
            from foretold.simulate.library import randomise as draw

            sc = draw(sc, rng)
    else:
        name = scenario_name or ""
        if name not in names():  # an unknown name fails before the data is read
            drills = ", ".join([*names(), *SWARMS, *PICTURE_STORMS])
            raise ConfigError(f"simulate: unknown scenario {name!r}; expected one of: {drills} "
                              "(foretold simulate --list says what each is)")  # fmt: skip
        sc = scenario(name, rng)
    if print_scenario:
        click.echo(dump(sc), nl=False)
        return
    pools = TextPools.load(data)
    started = time.perf_counter()
    stream = simulate(sc, seed, scale=scale)
    where = "stdout" if out == "-" else out
    written = [0]

    def stopped() -> str:  # Ctrl-C / SIGTERM: what was written
        return (
            f"after {written[0]:,} of {len(stream):,} posts written to {where}, each line "
            "whole; no truth file (it describes the whole stream)"
        )

    with summary_on_stop("simulate", stopped), ExitStack() as stack:
        sink: IO[bytes]
        sink = sys.stdout.buffer if out == "-" else stack.enter_context(Path(out).open("wb"))
        bar: Any = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            bar = stack.enter_context(
                tqdm(total=len(stream), unit=" posts", unit_scale=True, dynamic_ncols=True)
            )
        # Ctrl-C / SIGTERM: stop after the batch of lines in hand (a second signal: at once)
        signals = stack.enter_context(StopSignals())

        def progress(k: int) -> None:
            written[0] += k
            if bar is not None:
                bar.update(k)
            if signals.signum is not None:
                sink.flush()
                raise Stopped(signals.signum)

        n = write_jsonl(stream, pools, sink, progress)
        sink.flush()
    elapsed = time.perf_counter() - started
    target = Path(truth_file) if truth_file else (truth_path(out) if out != "-" else None)
    if target is not None:
        write_truth(stream, target)
    click.echo(
        f"simulate: {sc.name} seed {seed}: {n:,} posts to {where} in {elapsed:.1f} s "
        f"({n / max(elapsed, 1e-9):,.0f} posts/s)" + (f"; truth: {target}" if target else ""),
        err=True,
    )
    if report:
        texts, skeletons = post_texts(stream, pools)  # the same texts again, to measure them
        figures = {**stats(stream), **text_figures(stream, texts, skeletons)}
        click.echo(render(stream, figures), err=True)


def _swarm(
    name: str, seed: int, out: str, truth_file: str | None, data: str, options: bool
) -> None:
    """A coordination drill (``foretold.simulate.swarm``): a swarm laid over a library
    scenario, its truth listing the coordinated accounts and posts."""
    if options:
        raise ConfigError(
            f"simulate: {name} is a coordination drill (docs/coordination.md): it takes "
            "--seed, --out, --truth and --data only"
        )
    n, obj, done = _write_with_truth(out, truth_file, lambda f: write_swarm(name, seed, data, f))
    co = obj["coordination"]
    click.echo(
        f"simulate: {name} seed {seed}: {n:,} posts to {done[0]}, "
        f"{len(co['coordinated_accounts'])} coordinated accounts, "
        f"{len(co['coordinated_posts'])} coordinated posts{done[1]}",
        err=True,
    )


def _write_with_truth(
    out: str, truth_file: str | None, write: Callable[[IO[bytes]], tuple[int, dict[str, Any]]]
) -> tuple[int, dict[str, Any], tuple[str, str]]:
    """Write a drill's posts to ``out`` ('-': stdout) and its truth beside it (or to
    ``truth_file``); returns the posts, the truth and, for the summary line, where the
    posts went with the time taken and the truth's ``"; truth: PATH"`` (or nothing)."""
    started = time.perf_counter()
    where = "stdout" if out == "-" else out
    stopped = f"while writing the posts to {where} (the file is incomplete); no truth file"
    with ExitStack() as stack, summary_on_stop("simulate", lambda: stopped):
        sink: IO[bytes]
        sink = sys.stdout.buffer if out == "-" else stack.enter_context(Path(out).open("wb"))
        n, obj = write(sink)
        sink.flush()
    elapsed = time.perf_counter() - started
    target = Path(truth_file) if truth_file else (truth_path(out) if out != "-" else None)
    if target is not None:
        target.write_bytes(orjson.dumps(obj, option=orjson.OPT_APPEND_NEWLINE))
    return n, obj, (f"{where} in {elapsed:.1f} s", f"; truth: {target}" if target else "")


def _pictures(
    name: str,
    seed: int,
    out: str,
    truth_file: str | None,
    data: str,
    media_dir: str | None,
    options: bool,
) -> None:
    """A picture storm (``foretold.simulate.pictures``): the posts, their pictures in a
    media folder (``replay --media-dir`` reads it), and the truth."""
    if options:
        raise ConfigError(
            f"simulate: {name} is a picture storm (docs/media.md): it takes --seed, --out, "
            "--truth, --media-dir and --data only"
        )
    if out == "-" and not media_dir:
        raise ConfigError(f"simulate: {name} writes pictures: give --out FILE or --media-dir DIR")
    folder = Path(media_dir) if media_dir else media_dir_for(out)
    n, obj, done = _write_with_truth(
        out, truth_file, lambda f: write_picture_storm(name, seed, data, f, folder)
    )
    pics = obj["pictures"]
    click.echo(
        f"simulate: {name} seed {seed}: {n:,} posts to {done[0]}, "
        f"{pics['picture_posts']:,} picture posts ({len(pics['memes'])} memes) in {folder}"
        f"{done[1]}",
        err=True,
    )
