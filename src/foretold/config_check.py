"""The whole of ``foretold.toml`` checked before a line is read.

Every table and key is known: a misspelt key (``hashtag``, ``handels``) is named with
the close match, ``[campaign]`` (one table) is told apart from ``[[campaign]]`` (an
array of tables), a sink of an unknown type or missing a key, and a campaign naming a
sink that no ``[[sink]]`` defines, are errors at load time, not after a long replay.

::

    TOML ──> top-level tables known? ──> each table's keys known (per type)?
                                      ──> sinks build (types, keys) ──> routes resolve

>>> def check(data):
...     try:
...         check_tables(data, "foretold.toml")
...     except ConfigError as e:
...         print(e)
>>> check({"campaign": {"name": "x"}})
foretold.toml: [campaign] is a single table; write [[campaign]] (two brackets) for each campaign
>>> check({"campaign": [{"name": "x", "handels": ["@a"]}]})
foretold.toml: [[campaign]] #1 ('x'): unknown key 'handels'; did you mean 'handles'?
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from foretold.errors import ConfigError

__all__ = ["CAMPAIGN_KEYS", "MEDIA_KEYS", "SINK_KEYS", "SOURCE_KEYS", "TABLES", "check_tables"]

#: Top-level tables, each an array of tables.
TABLES = ("campaign", "source", "sink")
#: Top-level single tables and their keys: ``[media]`` (pictures, see docs/media.md).
MEDIA_KEYS = (
    "fetch", "max_bytes", "timeout_s", "workers", "queue", "cache_dir", "cache_mb",
    "allow_private", "max_redirects",
)  # fmt: skip
SINGLE_TABLES: dict[str, tuple[str, ...]] = {"media": MEDIA_KEYS}
CAMPAIGN_KEYS = (
    "name", "hashtags", "handles", "keywords", "owner", "launched_at", "sinks", "languages"
)  # fmt: skip
#: Keys of a ``[[source]]`` by type; every type also takes ``type``, ``name``, ``stall_seconds``.
SOURCE_KEYS: dict[str, tuple[str, ...]] = {
    "file": ("path", "poll_seconds", "follow"),
    "x": ("mode", "bearer_token_env", "base_url", "poll_seconds", "manage_rules"),
    "bluesky": ("url", "rewind_seconds", "all_posts"),
    "mastodon": ("instance", "token_env", "hashtags"),
}
_SOURCE_COMMON = ("type", "name", "stall_seconds")
#: Keys of a ``[[sink]]`` by type; every type also takes ``name``, ``type``, ``levels``.
SINK_KEYS: dict[str, tuple[str, ...]] = {
    "console": (),
    "jsonl": ("path",),
    "webhook": ("url_env", "secret_env", "allow_private"),
    "slack": ("url_env", "dashboard_url", "allow_private"),
    "email": ("host", "port", "from", "to", "username", "password_env", "starttls",
              "dashboard_url"),
}  # fmt: skip
_SINK_COMMON = ("name", "type", "levels")
#: Written inline, these are secrets: the source and sink builders say which ``*_env`` to use.
_SECRETS = ("bearer_token", "token", "url", "password", "secret")


def check_tables(data: Mapping[str, Any], path: object) -> None:
    """Every table and key of a parsed ``foretold.toml`` is known; else a ConfigError
    naming the file, the table and the key, with the close match when there is one."""
    for key, value in data.items():
        if key in SINGLE_TABLES:
            _check_single(key, value, path)
            continue
        if key not in TABLES:
            raise ConfigError(f"{path}: unknown table [{key}]{_hint(key, TABLES, '[[{}]]')}")
        if isinstance(value, dict):
            raise ConfigError(
                f"{path}: [{key}] is a single table; write [[{key}]] (two brackets) for each {key}"
            )
        if not isinstance(value, list):
            raise ConfigError(f"{path}: {key} must be [[{key}]] tables, got a {_kind(value)}")
        for i, table in enumerate(value):
            where = f"{path}: [[{key}]] #{i + 1}"
            if not isinstance(table, dict):
                raise ConfigError(f"{where}: must be a table, got a {_kind(table)}")
            if "name" in table:
                where += f" ({table['name']!r})"
            _check_keys(key, table, where)


def _check_single(kind: str, table: object, path: object) -> None:
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [{kind}] is one table (single brackets), got a {_kind(table)}")
    allowed = SINGLE_TABLES[kind]
    for key in table:
        if key not in allowed:
            raise ConfigError(f"{path}: [{kind}]: unknown key {key!r}{_hint(key, allowed)}")


def _check_keys(kind: str, table: Mapping[str, Any], where: str) -> None:
    if kind == "campaign":
        allowed: tuple[str, ...] = CAMPAIGN_KEYS
    else:
        types = SOURCE_KEYS if kind == "source" else SINK_KEYS
        common = _SOURCE_COMMON if kind == "source" else _SINK_COMMON
        t = table.get("type")
        if t is None:
            raise ConfigError(f"{where}: needs a type, one of: {', '.join(types)}")
        if t not in types:
            raise ConfigError(f"{where}: unknown type {t!r}{_hint(str(t), tuple(types))}")
        allowed = common + types[t]
    for key in table:
        if key not in allowed and key not in _SECRETS:
            raise ConfigError(f"{where}: unknown key {key!r}{_hint(key, allowed)}")


def _hint(word: str, choices: tuple[str, ...], shape: str = "{!r}") -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {shape.format(close[0])}?"
    return f"; expected one of: {', '.join(choices)}" if shape == "{!r}" else ""


def _kind(value: object) -> str:
    return {str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), type(value).__name__
    )


def check_config(config: Any, path: object) -> None:
    """Cross-checks of a loaded config: every sink builds (its type's keys, no inline
    secret), every route names a defined sink, every source has what its type needs.
    Environment variables are not required here (a missing one fails its deliveries)."""
    if config.sinks or any(c.sinks for c in config.campaigns):
        from foretold.sinks import Router, build_sinks

        try:
            Router.from_config(config)
            build_sinks(config.sinks, env={})
        except ConfigError as e:
            raise ConfigError(f"{path}: {e}") from None
    if config.media:
        from foretold.media.fetch import FetchConfig

        FetchConfig.from_table(config.media, path)  # values of the right kind and range
    for i, t in enumerate(config.sources):
        where = f"{path}: [[source]] #{i + 1} ({t['type']})"
        need = {"file": "path", "mastodon": "instance"}.get(t["type"])
        if need and not t.get(need):
            raise ConfigError(f"{where}: needs {need}")
        for inline in ("bearer_token", "token"):
            if inline in t:
                raise ConfigError(
                    f"{where}: secrets are not written in the config; name an environment "
                    f"variable with {'bearer_token_env' if t['type'] == 'x' else 'token_env'}"
                )
