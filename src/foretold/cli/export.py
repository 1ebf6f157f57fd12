"""``foretold export``: posts from the store in the normalised shape."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO

import click

from foretold.cli.options import store_option
from foretold.errors import ConfigError
from foretold.export import EXPORT_FORMATS, export_posts
from foretold.store import Store


@click.command(name="export")
@store_option("The database file to read.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="jsonl",
    show_default=True,
    help="Output format.",
)
@click.option("--campaign", default=None, help="Only posts of this campaign.")
@click.option("--out", default="-", show_default=True, help="Output file, '-' for stdout.")
@click.option(
    "--csv-raw",
    is_flag=True,
    help="Write CSV cells exactly as stored, formulas included (default: a cell that a "
    "spreadsheet would run gets a leading ').",
)
def export_cmd(store_path: str, fmt: str, campaign: str | None, out: str, csv_raw: bool) -> None:
    """Write stored posts back out as JSONL, CSV or Parquet.

    JSONL and CSV read back in with `foretold replay` (the `foretold` and `csv`
    formats), so an export is also a portable archive. A CSV cell starting with
    =, +, -, @, tab or CR gets a leading ' so a spreadsheet shows it instead of
    running it (a reply starting with a plain @handle, without '(' or '|', reads
    as written); replay takes the ' off again. --csv-raw writes cells as they are
    (read it back with replay --csv-raw).

    \b
    Examples:
      foretold export --store foretold.db --format jsonl > posts.jsonl
      foretold export --store foretold.db --format csv --campaign askjpm --out askjpm.csv
      foretold export --format csv --csv-raw --out exact.csv
      foretold export --store foretold.db --format parquet --out posts.parquet
    """  # fmt: skip
    if not Path(store_path).exists():
        raise ConfigError(f"no store at {store_path!r}; create one with `foretold replay`")
    if fmt == "parquet" and out == "-" and sys.stdout.isatty():
        raise ConfigError("parquet is binary: give --out FILE")
    with Store(store_path, readonly=True) as store:
        if campaign is not None and campaign not in store.campaigns():
            known = ", ".join(store.campaigns()) or "none"
            raise ConfigError(f"no campaign {campaign!r} in {store_path!r} (known: {known})")
        posts = store.iter_posts(campaign)
        if out == "-":
            n = export_posts(posts, fmt, sys.stdout.buffer, csv_raw)
            sys.stdout.buffer.flush()
        else:
            n = _write_whole(Path(out), lambda f: export_posts(posts, fmt, f, csv_raw))
    click.echo(f"exported {n:,} posts as {fmt}" + (f" to {out}" if out != "-" else ""), err=True)


def _write_whole(path: Path, write: Callable[[IO[bytes]], int]) -> int:
    """Write ``path`` whole or not at all: into a hidden file beside it, renamed over it
    once complete, so a stop (Ctrl-C, SIGTERM) or an error leaves no half-written export
    and an earlier file of that name as it was."""
    part = path.with_name(f".{path.name}.part")
    try:
        with part.open("wb") as f:
            n = write(f)
        os.replace(part, path)
    except OSError as e:
        if e.filename in (str(part), part):  # errors name the user's path, not the part
            e.filename = str(path)
        raise
    finally:
        with contextlib.suppress(OSError):  # gone once renamed; unreachable if never made
            part.unlink()
    return n
