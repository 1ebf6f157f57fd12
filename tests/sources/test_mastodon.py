"""Mastodon against a local server: SSE hashtag stream, min_id backfill, faults, 429."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from foretold.ingest import IngestStats, Quarantine
from foretold.sources.base import Backoff
from foretold.sources.mastodon import MastodonSource
from tests.sources.harness import watch_until
from tests.sources.servers import FastClock, MastodonServer, Timeline


def _run(n: int, faults: dict[int, str], tmp_path: Path) -> None:
    clock = FastClock()
    tl = Timeline(n, faults=dict(faults), clock=clock)
    stats = IngestStats()
    with MastodonServer(tl, token="secret-token") as server:
        src = MastodonSource("mastodon", server.url, "#AskBrand", stats, Quarantine(),
                             token="secret-token", clock=clock, stall_seconds=0.3,
                             backoff=Backoff(random.Random(3), base=1.0, cap=30.0))  # fmt: skip
        got = watch_until([src], tmp_path / "m.db", n)
        backfills = len(server.timeline_params)
    assert got.stored == n
    assert len(got.seen) == n
    assert got.passed_twice == 0
    assert stats.quarantined == sum(f == "malformed" for f in faults.values())
    assert src.stats.stalls == sum(f == "stall" for f in faults.values())
    [(reset, told, waited)] = src.stats.rate_limit_waits
    assert reset == tl.resets_sent[0]  # X-RateLimit-Reset, to the second
    assert waited == pytest.approx((reset - told).total_seconds(), abs=1e-6)
    assert got.cursor == str(113_107_200_000_000_000 + n - 1)
    print(
        f"\nmastodon n={n}: stored {got.stored}, passed twice {got.passed_twice}, "
        f"timeline pages {backfills}, backoff {src.stats.backoff_seconds:.2f} s, "
        f"rate-limited {waited:.1f} s (reset header - now = "
        f"{(reset - told).total_seconds():.1f} s), connects {src.stats.connects}"
    )


def test_mastodon_stream_resumes_through_faults_exactly_once(tmp_path: Path) -> None:
    _run(1500, {300: "disconnect", 500: "malformed", 700: "disconnect+429", 900: "stall",
                1100: "disconnect"}, tmp_path)  # fmt: skip


def test_mastodon_10000_posts_exactly_once(tmp_path: Path) -> None:
    _run(10_000, {2000: "disconnect", 4000: "disconnect+429", 6000: "stall",
                  7000: "malformed", 8000: "disconnect"}, tmp_path)  # fmt: skip
