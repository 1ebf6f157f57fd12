"""Every error foretold raises on purpose derives from ``ForetoldError``.

::

    ForetoldError
    ├── InputError            a line, file or option could not be read
    │   └── FormatError       a record is not in the shape its reader expects
    ├── ConfigError           foretold.toml or a command-line option is wrong
    ├── StoreError            the database file cannot be opened or written
    └── MissingExtraError     an optional dependency is not installed

Messages say which stage or input failed, what arrived and what was expected.
"""

from __future__ import annotations


class ForetoldError(Exception):
    """Base class of every error foretold raises on purpose."""


class InputError(ForetoldError):
    """A line, file or option could not be read."""


class FormatError(InputError):
    """A record is not in the shape its reader expects.

    ``reason`` is short and stable enough to group quarantined lines by.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ConfigError(ForetoldError):
    """The configuration file or a command-line option is wrong."""


class StoreError(ForetoldError):
    """The database file cannot be opened or written."""


class MissingExtraError(ForetoldError):
    """An optional dependency is missing; the message names the extra to install."""

    def __init__(self, module: str, extra: str) -> None:
        super().__init__(
            f"this feature needs the Python package {module!r}; "
            f"install it with: pip install 'foretold[{extra}]'"
        )
        self.module = module
        self.extra = extra
