"""``foretold benchmark``: detection quality on a scenario suite, beside the market's alarms."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
import orjson

from foretold.bench.case import Case
from foretold.bench.detectors import REGISTRY, detector
from foretold.bench.report import markdown, text, to_json
from foretold.bench.runner import DetectorRun, run
from foretold.bench.suite import SUITES, cases, missing_real, suite, user_case
from foretold.campaigns import Campaign
from foretold.cli.options import DEFAULT_READING, input_options
from foretold.cli.stop import summary_on_stop
from foretold.errors import ConfigError


@click.command(name="benchmark")
@click.option(
    "--suite",
    "suite_name",
    type=click.Choice(sorted(SUITES)),
    default="default",
    show_default=True,
    help="Which streams: " + "; ".join(f"{s.name}: {s.description}" for s in SUITES.values()),
)
@click.option(
    "--detector",
    "detectors",
    multiple=True,
    metavar="NAME",
    help=f"A detector to run (repeatable; default all): {', '.join(REGISTRY)}.",
)
@click.option(
    "--seeds",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Simulate each scenario with seeds 1..K (from --first-seed).",
)
@click.option(
    "--first-seed",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="The first seed: --first-seed 4 --seeds 8 runs seeds 4..8 (the report seeds).",
)
@click.option(
    "--data",
    default="../shared/data",
    show_default=True,
    envvar="FORETOLD_DATA",
    type=click.Path(file_okay=False),
    help="Folder of the real data: tweet texts for the simulator, PHEME, CrisisLexT26.",
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write every score, case and figure as JSON here ('-' for stdout).",
)
@click.option(
    "--markdown",
    "md_out",
    type=click.Path(dir_okay=False),
    help="Write the tables as a Markdown page here (docs/benchmark.md).",
)
@click.option(
    "--stream",
    type=click.Path(dir_okay=False, exists=True),
    help="Your own stream (any format replay reads) instead of a suite; needs --truth.",
)
@click.option(
    "--truth",
    type=click.Path(dir_okay=False, exists=True),
    help='Its truth JSON: {"kind": ..., "expected": "none|watch|warning|crisis", "onset", '
    '"tipping_point", "press_pickup" (UTC times), "campaign": {...}}; a simulator truth '
    "file works as it is.",
)
@click.option(
    "--track",
    "track",
    multiple=True,
    metavar="TERM",
    help="With --stream: the campaign's #hashtag, @handle or keyword (repeatable).",
)
@click.option(
    "--owner",
    metavar="@HANDLE",
    default="",
    help="With --track: the brand's own account, never counted as the public's.",
)
@click.option(
    "--labels-cache",
    type=click.Path(file_okay=False),
    envvar="FORETOLD_LABELS_CACHE",
    help="Keep the classifiers' labels in this folder, by text and model files, so that a "
    "rerun (a detector being tuned, another policy) classifies only texts it has not seen.",
)
@input_options
@click.option("--quiet", is_flag=True, help="No progress lines on stderr.")
def benchmark_cmd(
    suite_name: str,
    detectors: tuple[str, ...],
    seeds: int,
    first_seed: int,
    data: str,
    json_out: str | None,
    md_out: str | None,
    stream: str | None,
    truth: str | None,
    track: tuple[str, ...],
    owner: str,
    labels_cache: str | None,
    reading: dict[str, Any],
    quiet: bool,
) -> None:
    """Score detectors on a suite of streams: lead time, misses, false alarms.

    Each stream (simulated scenarios with their truth, and the real PHEME
    Germanwings and CrisisLexT26 streams) runs through the real pipeline once per
    detector; the alerts are scored per level against the truth: the first
    alert's lead time before the tipping point and press pickup, misses, and
    false alarms per 30 days of benign stream. The market's baselines
    (market_volume_12h, market_24h_7d, market_negative_vader) run beside
    foretold's own detector and the table prints them side by side, with each
    stream's realism figures beside CASES.md.

    \b
    Examples:
      foretold benchmark                                   # default suite, all detectors
      foretold benchmark --suite quick --detector market_volume_12h
      foretold benchmark --suite variants --seeds 5 --json bench.json
      foretold benchmark --suite variants --first-seed 4 --seeds 8   # report seeds
      foretold benchmark --json out/benchmark.json --markdown docs/benchmark.md
      foretold benchmark --stream mine.jsonl --truth mine.truth.json --track "#AskAcme"
      foretold benchmark --stream jetblue_tweets.csv --csv-preset twitter_r --encoding cp1252 \\
          --truth quiet.truth.json --track @JetBlue --owner @JetBlue  # an R twitteR export
      foretold benchmark --suite variants --seeds 3 --labels-cache ~/.cache/foretold-labels

    \b
    A truth file for --stream is one JSON object:
      {"kind": "hijack", "expected": "crisis", "onset": "2013-11-13T20:40:00Z",
       "tipping_point": "2013-11-13T21:00:00Z", "press_pickup": "2013-11-13T23:00:00Z"}
    or, for a stream that must stay quiet, {"kind": "ordinary", "expected": "none"};
    "excused": {"from": ..., "to": ..., "up_to": "warning"} forgives alerts up to that
    level during a known disruption (a hurricane in an airline's month).
    "expected" is the highest level the stream deserves; an alert at a level above
    it, or before the onset, is a false alarm. Times are ISO-8601 UTC.
    """
    names = list(dict.fromkeys(detectors)) or list(REGISTRY)
    for name in names:
        detector(name)  # unknown names fail before any work
    if (stream is None) != (truth is None):
        raise ConfigError("benchmark: --stream and --truth go together")
    if first_seed > seeds:
        raise ConfigError(f"benchmark: --first-seed {first_seed} is above --seeds {seeds}")
    if track and stream is None:
        raise ConfigError("benchmark: --track applies to --stream")
    if owner and not track:
        raise ConfigError("benchmark: --owner needs --track")
    if stream is None and reading != DEFAULT_READING:
        raise ConfigError(
            "benchmark: --format, --csv-preset, --csv-map, --csv-raw, --platform and --encoding "
            "apply to --stream"
        )
    s = suite(suite_name)
    show = not quiet

    finished: list[str] = []

    def progress(r: DetectorRun) -> None:
        took = f" {r.seconds:.1f} s" if r.status == "ok" else ""
        finished.append(f"  {r.case:<40} {r.detector:<22} {r.status} {r.alerts} alerts{took}")
        if show:
            click.echo(finished[-1], err=True)

    def stopped() -> str:  # Ctrl-C / SIGTERM: the runs that finished, and no half tables
        runs = f"after {len(finished)} detector runs" if finished else "before any run finished"
        listed = "" if show or not finished else "\n" + "\n".join(finished)
        return f"{runs}; no table, JSON or Markdown written (they need every run){listed}"

    skipped: list[str] = []  # scenarios that could not be simulated, with the reason
    with (
        summary_on_stop("benchmark", stopped),
        tempfile.TemporaryDirectory(prefix="foretold-bench-") as work,
    ):
        if stream is not None and truth is not None:
            campaign = Campaign.from_track(list(track), owner=owner) if track else None
            streams: Iterable[Case] = [user_case(stream, truth, campaign, reading)]
            suite_name, seeds, first_seed = f"--stream {Path(stream).name}", 1, 1
        else:
            streams = cases(s, seeds, data, work, first=first_seed, skipped=skipped)
        result = run(streams, names, on_run=progress, workdir=work, labels_cache=labels_cache)
    result.notes += skipped
    for note in skipped:
        click.echo(f"foretold: {note}", err=True)
    if stream is None:
        result.notes += missing_real(s, data)
    click.echo(text(result, suite_name, seeds, first_seed), nl=False, err=json_out == "-")
    meta = {"suite": suite_name, "seeds": seeds, "first_seed": first_seed}
    if json_out:
        blob = orjson.dumps(to_json(result, **meta), option=orjson.OPT_INDENT_2) + b"\n"
        if json_out == "-":
            sys.stdout.buffer.write(blob)
        else:
            Path(json_out).write_bytes(blob)
    if md_out:
        command = "foretold benchmark" + (
            f" --suite {suite_name}" if suite_name != "default" else ""
        )
        command += f" --first-seed {first_seed}" if first_seed != 1 else ""
        command += f" --seeds {seeds}" if seeds != 1 else ""
        page = markdown(result, suite_name, seeds, command, first_seed)
        Path(md_out).write_text(page, encoding="utf-8")
