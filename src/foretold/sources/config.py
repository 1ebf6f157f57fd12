"""Live sources from ``[[source]]`` tables of ``foretold.toml``; secrets from the environment.

>>> from foretold.ingest import IngestStats, Quarantine
>>> [s] = build_sources([{"type": "file", "path": "collected.jsonl"}], (), {}, IngestStats(), Quarantine())
>>> s.name, s.kind
('file:collected.jsonl', 'file')
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from foretold.campaigns import Campaign
from foretold.clock import Clock
from foretold.errors import ConfigError
from foretold.ingest import IngestStats, Quarantine
from foretold.post import Post
from foretold.sources.base import LiveSource

TYPES = ("file", "x", "bluesky", "mastodon")


def build_sources(
    tables: Sequence[Mapping[str, Any]],
    campaigns: Sequence[Campaign],
    env: Mapping[str, str],
    stats: IngestStats,
    quarantine: Quarantine,
    clock: Clock | None = None,
    rng: random.Random | None = None,
) -> list[LiveSource]:
    """One :class:`LiveSource` per table (Mastodon: one per hashtag)."""
    out: list[LiveSource] = []
    for i, t in enumerate(tables):
        kind = t.get("type")
        where = f"[[source]] #{i + 1} ({kind})"
        common: dict[str, Any] = {"clock": clock, "rng": rng}
        if "stall_seconds" in t:
            common["stall_seconds"] = float(t["stall_seconds"])
        if kind == "file":
            from foretold.sources.filetail import FileTail

            path = _need(t, "path", where)
            out.append(FileTail(str(t.get("name", f"file:{path}")), path, stats, quarantine,
                                poll_s=float(t.get("poll_seconds", 0.5)),
                                follow=bool(t.get("follow", True)), **common))  # fmt: skip
        elif kind == "x":
            from foretold.sources.x import DEFAULT_URL, XSource

            token = _secret(t, "bearer_token_env", "X_BEARER_TOKEN", env, where, required=True)
            assert token is not None
            out.append(XSource(str(t.get("name", "x")), campaigns, token, stats, quarantine,
                               base_url=str(t.get("base_url", DEFAULT_URL)),
                               mode=str(t.get("mode", "stream")),
                               poll_s=float(t.get("poll_seconds", 60)),
                               manage_rules=bool(t.get("manage_rules", True)), **common))  # fmt: skip
        elif kind == "bluesky":
            from foretold.sources.jetstream import DEFAULT_URL as JS_URL
            from foretold.sources.jetstream import Jetstream

            keep = None if t.get("all_posts", False) else _matcher(campaigns)
            out.append(Jetstream(str(t.get("name", "bluesky")), stats, quarantine,
                                 url=str(t.get("url", JS_URL)),
                                 rewind_s=float(t.get("rewind_seconds", 3.0)), keep=keep,
                                 **common))  # fmt: skip
        elif kind == "mastodon":
            from foretold.sources.mastodon import MastodonSource

            instance = _need(t, "instance", where)
            token = _secret(t, "token_env", None, env, where, required=False)
            tags = t.get("hashtags") or sorted({h for c in campaigns for h in c.hashtags})
            if not tags:
                raise ConfigError(f"{where}: give hashtags, or campaigns with hashtags")
            host = urlsplit(instance).netloc or instance
            for tag in tags:
                tag = str(tag).lstrip("#").lower()
                out.append(MastodonSource(f"mastodon:{host}:#{tag}", instance, tag, stats,
                                          quarantine, token=token, **common))  # fmt: skip
        else:
            raise ConfigError(f"{where}: type must be one of {', '.join(TYPES)}")
    return out


def _need(t: Mapping[str, Any], key: str, where: str) -> str:
    if not t.get(key):
        raise ConfigError(f"{where}: needs {key}")
    return str(t[key])


def _secret(
    t: Mapping[str, Any],
    key: str,
    default: str | None,
    env: Mapping[str, str],
    where: str,
    required: bool,
) -> str | None:
    """A secret from the environment variable the config names (never inline)."""
    for inline in ("bearer_token", "token"):
        if inline in t:
            raise ConfigError(f"{where}: secrets are not written in the config; use {key}")
    var = t.get(key, default)
    if var is None:
        return None
    value = env.get(str(var))
    if required and not value:
        raise ConfigError(f"{where}: set the environment variable {var} (named by {key})")
    return value or None


def _matcher(campaigns: Sequence[Campaign]) -> Any:
    if not campaigns:
        return None
    cs = tuple(campaigns)

    def keep(post: Post) -> bool:
        return any(c.matches(post) for c in cs)

    return keep
