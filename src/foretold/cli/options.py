"""Options several commands share, declared once so their names and defaults agree."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

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
