"""Sinks from ``[[sink]]`` tables; secrets only from the environment variables they name.

=========  ==========================================================================
type       keys
=========  ==========================================================================
console    (none)
jsonl      ``path``
webhook    ``url_env``; ``secret_env`` (HMAC key, optional); ``allow_private`` (false)
slack      ``url_env``; ``dashboard_url`` (optional); ``allow_private`` (false)
email      ``host``, ``port`` (587), ``from``, ``to`` (list), ``username``,
           ``password_env``, ``starttls`` (true), ``dashboard_url``
=========  ==========================================================================

A sink whose environment variable is unset is still built, as :class:`Unavailable`:
its deliveries fail (and are retried) with a message naming the variable, so a
missing secret never stops the pipeline and never loses an alert. A webhook or Slack
URL must be http(s) and resolve to public addresses; ``allow_private = true`` lets a
sink reach loopback and private networks (:mod:`foretold.sinks.http`).

>>> sinks = build_sinks([{"name": "hook", "type": "webhook", "url_env": "NO_SUCH_VAR_X"}], env={})
>>> sinks["hook"].deliver({"id": "a-1"})
Traceback (most recent call last):
...
foretold.sinks.base.DeliveryError: sink 'hook': environment variable NO_SUCH_VAR_X is not set
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from foretold.errors import ConfigError
from foretold.sinks.base import Alert, DeliveryError, Sink
from foretold.sinks.console import ConsoleSink
from foretold.sinks.email import EmailSink
from foretold.sinks.jsonl import JsonlSink
from foretold.sinks.slack import SlackSink
from foretold.sinks.webhook import WebhookSink

if TYPE_CHECKING:
    import httpx


class Unavailable:
    """A configured sink that cannot work yet; every delivery fails with ``reason``."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason

    def deliver(self, alert: Alert) -> None:
        """Always raise: the reason names what is missing."""
        raise DeliveryError(f"sink {self.name!r}: {self.reason}")


class _MissingEnv(Exception):
    def __init__(self, var: str) -> None:
        self.var = var


def build_sinks(
    tables: Iterable[Mapping[str, Any]],
    env: Mapping[str, str] | None = None,
    client: httpx.Client | None = None,
) -> dict[str, Sink]:
    """One sink per table, by name; ConfigError for a table that is wrong in itself."""
    environ = os.environ if env is None else env
    out: dict[str, Sink] = {}
    for table in tables:
        name = str(table.get("name", ""))
        try:
            out[name] = _build(name, table, environ, client)
        except _MissingEnv as e:
            out[name] = Unavailable(name, f"environment variable {e.var} is not set")
        except (KeyError, TypeError, ValueError) as e:
            raise ConfigError(f"[[sink]] {name!r}: missing or wrong key {e}") from None
    return out


def secret_values(
    tables: Iterable[Mapping[str, Any]], env: Mapping[str, str] | None = None
) -> list[str]:
    """The values of every secret the tables name: what logs must never show."""
    environ = os.environ if env is None else env
    keys = ("url_env", "secret_env", "password_env")
    return [environ[t[k]] for t in tables for k in keys if k in t and t[k] in environ]


def _secret(table: Mapping[str, Any], key: str, env: Mapping[str, str], required: bool) -> str:
    var = table.get(key)
    if var is None:
        if required:
            raise ConfigError(
                f"[[sink]] {table.get('name')!r}: needs {key} (secrets come from the environment)"
            )
        return ""
    if not isinstance(var, str):
        raise ConfigError(
            f"[[sink]] {table.get('name')!r}: {key} must name an environment variable"
        )
    if var not in env:
        raise _MissingEnv(var)
    return env[var]


def _flag(table: Mapping[str, Any], key: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"[[sink]] {table.get('name')!r}: {key} must be true or false")
    return value


def _build(
    name: str, table: Mapping[str, Any], env: Mapping[str, str], client: httpx.Client | None
) -> Sink:
    for inline in ("url", "password", "secret", "token"):
        if inline in table:
            raise ConfigError(
                f"[[sink]] {name!r}: {inline!r} must not be written in the config; "
                f"put it in an environment variable and name it with {inline}_env"
            )
    kind = table.get("type")
    if kind == "console":
        return ConsoleSink(name=name)
    if kind == "jsonl":
        return JsonlSink(path=str(table["path"]), name=name)
    if kind == "webhook":
        return WebhookSink(
            url=_secret(table, "url_env", env, True),
            secret=_secret(table, "secret_env", env, False),
            name=name,
            client=client,
            allow_private=_flag(table, "allow_private"),
        )
    if kind == "slack":
        return SlackSink(
            url=_secret(table, "url_env", env, True),
            dashboard_url=str(table.get("dashboard_url", "")),
            name=name,
            client=client,
            allow_private=_flag(table, "allow_private"),
        )
    if kind == "email":
        to = table["to"]
        recipients = [to] if isinstance(to, str) else [str(t) for t in to]
        return EmailSink(
            host=str(table["host"]),
            port=int(table.get("port", 587)),
            sender=str(table["from"]),
            recipients=recipients,
            username=str(table.get("username", "")),
            password=_secret(table, "password_env", env, False),
            starttls=bool(table.get("starttls", True)),
            dashboard_url=str(table.get("dashboard_url", "")),
            name=name,
        )
    raise ConfigError(f"[[sink]] {name!r}: unknown type {kind!r}")
