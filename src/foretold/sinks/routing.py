"""Which alert goes where: each campaign names its sinks, each sink the levels it takes.

A sink without ``levels`` takes every level. A campaign without ``sinks`` sends
nowhere (its alerts are still stored and shown on the dashboard).

>>> r = Router({"askjpm": ["comms-slack", "pr-email"]},
...            [{"name": "comms-slack", "type": "slack", "levels": ["watch", "warning", "crisis"]},
...             {"name": "pr-email", "type": "email", "levels": ["crisis"]}])
>>> r.sinks_for({"campaign": "askjpm", "level": "watch"})
['comms-slack']
>>> r.sinks_for({"campaign": "askjpm", "level": "crisis"})
['comms-slack', 'pr-email']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from foretold.campaigns import Config
from foretold.errors import ConfigError

ALERT_LEVELS = ("watch", "warning", "crisis", "all_clear")
SINK_TYPES = ("console", "jsonl", "webhook", "slack", "email")


class Router:
    """Campaign sink lists plus each sink's levels; checks both when made."""

    def __init__(
        self, campaigns: Mapping[str, Sequence[str]], sinks: Iterable[Mapping[str, Any]]
    ) -> None:
        self.campaigns = {name: tuple(names) for name, names in campaigns.items()}
        self.sinks = tuple(sinks)
        self._levels: dict[str, frozenset[str]] = {}
        for i, table in enumerate(self.sinks):
            name = table.get("name")
            if not isinstance(name, str) or not name:
                raise ConfigError(f"[[sink]] #{i + 1}: needs a name")
            if name in self._levels:
                raise ConfigError(f"[[sink]] {name!r}: sink names must be unique")
            if table.get("type") not in SINK_TYPES:
                raise ConfigError(
                    f"[[sink]] {name!r}: type must be one of {', '.join(SINK_TYPES)}, "
                    f"got {table.get('type')!r}"
                )
            levels = table.get("levels", list(ALERT_LEVELS))
            if not isinstance(levels, list) or not set(levels) <= set(ALERT_LEVELS):
                raise ConfigError(
                    f"[[sink]] {name!r}: levels must be a list from {', '.join(ALERT_LEVELS)}, "
                    f"got {levels!r}"
                )
            self._levels[name] = frozenset(levels)
        for campaign, names in self.campaigns.items():
            for n in names:
                if n not in self._levels:
                    raise ConfigError(
                        f"campaign {campaign!r}: sink {n!r} is not defined by any [[sink]]"
                    )

    @classmethod
    def from_config(cls, config: Config) -> Router:
        """The router of a parsed ``foretold.toml``."""
        return cls({c.name: c.sinks for c in config.campaigns}, config.sinks)

    def sinks_for(self, alert: Mapping[str, Any]) -> list[str]:
        """Names of the sinks that take this alert, in the campaign's order."""
        names = self.campaigns.get(str(alert.get("campaign")), ())
        level = str(alert.get("level"))
        return [n for n in names if level in self._levels[n]]
