"""Options several commands share, declared once so their names and defaults agree."""

from __future__ import annotations

import codecs
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from foretold.errors import ConfigError
from foretold.formats import FORMATS
from foretold.formats.csv_rows import PRESETS, column_map
from foretold.ingest import IngestStats

F = TypeVar("F", bound=Callable[..., Any])


def store_option(help: str) -> Callable[[F], F]:
    """``--store PATH`` (default ``foretold.db``), passed as ``store_path``."""
    return click.option(
        "--store",
        "store_path",
        default="foretold.db",
        show_default=True,
        type=click.Path(dir_okay=False),
        help=help,
    )


alerts_option = click.option(
    "--alerts",
    "alerts_path",
    type=click.Path(dir_okay=False),
    help="Also write alerts as JSON lines to this file ('-' for stdout).",
)

tier_option = click.option(
    "--tier",
    type=click.Choice(["fast", "accurate"]),
    default="fast",
    show_default=True,
    help="Classifier tier: fast (linear models) or accurate (sentence encoder).",
)


def default_quarantine(store_path: str) -> Path:
    """Quarantine file beside the store: ``foretold.db`` -> ``foretold.quarantine.jsonl``."""
    p = Path(store_path)
    return p.with_name(p.stem + ".quarantine.jsonl")


def open_output(path: str, mode: str, option: str) -> IO[Any]:
    """Open a file a command writes; a path that cannot be written is a ConfigError
    naming the option (a folder that is a file, no permission, a missing folder)."""
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return open(path, mode)
    except OSError as e:
        raise ConfigError(f"{option} {path!r}: cannot write there: {_why(e)}") from None


def _why(e: OSError) -> str:
    if isinstance(e, (FileExistsError, NotADirectoryError)):
        return "a folder on the path is a file"
    return (e.strerror or str(e)).lower()


def nothing_read_exit(stats: IngestStats) -> None:
    """A run that read no post and no deletion warns and exits 1 (not an error: the input
    was readable, it just held nothing foretold could use); otherwise returns."""
    if stats.posts or stats.deletions:
        return
    if stats.quarantined:
        why = (
            f"all {stats.quarantined:,} lines with data were quarantined "
            "(wrong --format? see the quarantine file)"
        )
    elif stats.lines:
        why = f"no posts among {stats.lines:,} lines"
    else:
        why = "the input is empty"
    click.echo(f"foretold: warning: nothing was read: {why}", err=True)
    sys.exit(1)


def check_encoding(ctx: click.Context, param: click.Parameter, value: str) -> str:
    try:
        return codecs.lookup(value).name
    except LookupError:
        raise click.BadParameter(f"unknown text encoding {value!r} (e.g. utf-8, cp1252)") from None


#: What ``input_options`` hands on when none of its options is given (the options'
#: defaults, as ``read_batches`` keywords).
_INPUT_DEFAULTS = {"fmt": "auto", "csv_preset": "auto", "platform": "csv", "encoding": "utf-8"}

_INPUT_OPTIONS = (
    click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default=_INPUT_DEFAULTS["fmt"],
        show_default=True,
        help="Force one input format instead of detecting it per line.",
    ),
    click.option(
        "--csv-preset",
        type=click.Choice(["auto", *sorted(PRESETS)]),
        default=_INPUT_DEFAULTS["csv_preset"],
        show_default=True,
        help="Column mapping for CSV input: foretold's export, the PHEME threads, or R's "
        "twitteR (twListToDF + write.csv); auto: the one whose id, text and time columns "
        "the header holds.",
    ),
    click.option(
        "--csv-map",
        multiple=True,
        metavar="FIELD=COLUMN",
        help="Override one CSV column mapping (repeatable).",
    ),
    click.option(
        "--csv-raw",
        is_flag=True,
        help="CSV cells as they are (a file from `export --csv-raw`); by default a ' that "
        "`export` put before a formula-looking cell is taken off.",
    ),
    click.option(
        "--platform",
        default=_INPUT_DEFAULTS["platform"],
        show_default=True,
        help="Platform name for CSV rows without a platform column.",
    ),
    click.option(
        "--encoding",
        default=_INPUT_DEFAULTS["encoding"],
        show_default=True,
        callback=check_encoding,
        help="Text encoding of CSV input (cp1252 for many Excel and R exports); JSON lines "
        "are UTF-8.",
    ),
)


def input_options(f: F) -> F:
    """``--format``, ``--csv-preset``, ``--csv-map``, ``--csv-raw``, ``--platform`` and
    ``--encoding``, handed to the command as one ``reading`` argument: the keyword
    arguments of :func:`foretold.ingest.read_batches` (the CSV mapping checked first)."""

    @functools.wraps(f)
    def command(*args: Any, **kwargs: Any) -> Any:
        kwargs["reading"] = _reading(
            kwargs.pop("fmt"), kwargs.pop("csv_preset"), kwargs.pop("csv_map"),
            kwargs.pop("platform"), kwargs.pop("csv_raw"), kwargs.pop("encoding"),
        )  # fmt: skip
        return f(*args, **kwargs)

    for option in reversed(_INPUT_OPTIONS):
        command = option(command)
    return command  # type: ignore[return-value]


def _reading(
    fmt: str, preset: str, overrides: tuple[str, ...], platform: str, raw: bool, encoding: str
) -> dict[str, Any]:
    return {
        "fmt": fmt,
        # auto: the header picks the preset (given --csv-map, they apply to foretold's own)
        "csv_map": None
        if preset == "auto" and not overrides
        else column_map("foretold" if preset == "auto" else preset, overrides),
        "csv_platform": platform,
        "csv_raw": raw,
        "csv_encoding": encoding,
    }


#: ``reading`` when none of the input options is given.
DEFAULT_READING = _reading(
    _INPUT_DEFAULTS["fmt"], _INPUT_DEFAULTS["csv_preset"], (), _INPUT_DEFAULTS["platform"],
    False, _INPUT_DEFAULTS["encoding"],
)  # fmt: skip
