"""Readers for the platforms' own record shapes, detected per line.

Each reader is a module with three names:

``NAME``
    the value ``--format`` takes (``x_v2``, ``x_v1``, ``bluesky``, ``mastodon``, ...);
``matches(obj) -> bool``
    a cheap look at a decoded JSON object's keys: is this record mine?
``parse(obj, raw) -> list[Post | Deletion]``
    the records the object holds (an X API v2 response page holds many; a
    Jetstream identity event holds none); raises :class:`FormatError` with a
    short reason when the object claims the shape but breaks it.

``detect`` tries the readers in ``READERS`` order. CSV is not line-JSON: it has
its own entry point, :mod:`foretold.formats.csv_rows`.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from foretold.errors import ConfigError
from foretold.formats import bluesky, mastodon, native, x_v1, x_v2
from foretold.records import Record as Record  # the one definition; readers return these

# Order matters only for speed: the most common archive shape goes first.
READERS: tuple[ModuleType, ...] = (x_v2, x_v1, bluesky, mastodon, native)
FORMATS: tuple[str, ...] = ("auto", *(r.NAME for r in READERS), "csv")


def reader_named(name: str) -> ModuleType:
    """The reader module for a ``--format`` value (not ``auto`` or ``csv``)."""
    for reader in READERS:
        if name == reader.NAME:
            return reader
    raise ConfigError(f"unknown format {name!r}; expected one of: {', '.join(FORMATS)}")


def detect(obj: Any) -> ModuleType | None:
    """The first reader whose ``matches`` accepts ``obj``, or None."""
    if not isinstance(obj, dict):
        return None
    for reader in READERS:
        if reader.matches(obj):
            return reader
    return None
