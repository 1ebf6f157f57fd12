"""X API v2 against a local server: chunked filtered stream, rules, recent search, faults."""

from __future__ import annotations

import random
from pathlib import Path

import httpx
import pytest

from foretold.campaigns import Campaign
from foretold.ingest import IngestStats, Quarantine
from foretold.sources.base import Backoff
from foretold.sources.x import XSource, rule_for
from tests.sources.harness import watch_until
from tests.sources.servers import TOKEN, FastClock, Timeline, XServer

ASK = Campaign("askbrand", hashtags=("#AskBrand",), handles=("@brand",))
OTHER = Campaign("launch", keywords=("new phone",))


def _source(url: str, clock: FastClock, stats: IngestStats, mode: str = "stream") -> XSource:
    return XSource("x", [ASK, OTHER], TOKEN, stats, Quarantine(), base_url=url, mode=mode,
                   clock=clock, stall_seconds=0.3, poll_s=1.0,
                   backoff=Backoff(random.Random(2), base=1.0, cap=30.0))  # fmt: skip


def test_rules_are_synced_with_the_campaigns() -> None:
    stale = {"value": "#oldcampaign", "tag": "old"}
    kept = {"value": rule_for(ASK), "tag": "askbrand"}
    with XServer(Timeline(0), rules=[stale, kept]) as server:
        src = _source(server.url, FastClock(), IngestStats())
        with httpx.Client(base_url=server.url,
                          headers={"Authorization": f"Bearer {TOKEN}"}) as client:  # fmt: skip
            src.sync_rules(client)
        rules = sorted((r["tag"], r["value"]) for r in server.rules.values())
    assert rules == [("askbrand", "#askbrand OR @brand OR from:brand"), ("launch", '"new phone"')]


def test_the_stream_asks_for_twarc2_expansions() -> None:
    clock = FastClock()
    with XServer(Timeline(20, clock=clock)) as server:
        got = watch_until([_source(server.url, clock, IngestStats())], Path(":memory:"), 20)
        params = server.stream_params[0]
    assert got.stored == 20
    assert "referenced_tweets.id.author_id" in params["expansions"][0]
    assert "public_metrics" in params["user.fields"][0]


def _run(n: int, faults: dict[int, str], tmp_path: Path) -> None:
    clock = FastClock()
    tl = Timeline(n, faults=dict(faults), clock=clock)
    stats = IngestStats()
    with XServer(tl) as server:
        src = _source(server.url, clock, stats)
        got = watch_until([src], tmp_path / "x.db", n)
        backfills = len(server.search_params)
    assert got.stored == n
    assert len(got.seen) == n
    assert got.passed_twice == 0
    assert stats.quarantined == sum(f == "malformed" for f in faults.values())
    assert src.stats.stalls == sum(f == "stall" for f in faults.values())
    [(reset, told, waited)] = src.stats.rate_limit_waits
    assert reset == tl.resets_sent[0]  # the x-rate-limit-reset header, to the second
    assert waited == pytest.approx((reset - told).total_seconds(), abs=1e-6)
    assert got.cursor == str(1_833_000_000_000_000_000 + n - 1)
    print(
        f"\nx n={n}: stored {got.stored}, passed twice {got.passed_twice}, "
        f"backfill searches {backfills}, backoff {src.stats.backoff_seconds:.2f} s, "
        f"rate-limited {waited:.1f} s (reset header - now = "
        f"{(reset - told).total_seconds():.1f} s), connects {src.stats.connects}"
    )


def test_x_stream_resumes_through_faults_exactly_once(tmp_path: Path) -> None:
    _run(1500, {300: "disconnect", 500: "malformed", 700: "disconnect+429", 900: "stall",
                1100: "disconnect"}, tmp_path)  # fmt: skip


def test_recent_search_polling_fallback(tmp_path: Path) -> None:
    clock = FastClock()
    tl = Timeline(250, clock=clock, published=250)
    with XServer(tl) as server:
        src = _source(server.url, clock, IngestStats(), mode="search")
        got = watch_until([src], tmp_path / "s.db", 250)
    assert got.stored == 250
    assert got.passed_twice == 0


def test_x_10000_posts_exactly_once(tmp_path: Path) -> None:
    _run(10_000, {2000: "disconnect", 4000: "disconnect+429", 6000: "stall",
                  7000: "malformed", 8000: "disconnect"}, tmp_path)  # fmt: skip
