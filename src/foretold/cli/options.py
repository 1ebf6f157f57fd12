"""Options several commands share, declared once so their names and defaults agree."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from foretold.errors import ConfigError
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
