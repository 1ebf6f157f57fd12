"""Bluesky Jetstream over a real websocket: resume by cursor with rewind, faults, 429."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from foretold.ingest import IngestStats, Quarantine
from foretold.sources.base import Backoff
from foretold.sources.jetstream import Jetstream
from tests.sources.harness import watch_until
from tests.sources.servers import FastClock, JetstreamServer, Timeline


def _source(url: str, clock: FastClock, stats: IngestStats, q: Quarantine) -> Jetstream:
    return Jetstream("bluesky", stats, q, url=url, clock=clock, stall_seconds=0.3,
                     backoff=Backoff(random.Random(1), base=1.0, cap=30.0))  # fmt: skip


def _run(n: int, faults: dict[int, str], tmp_path: Path) -> None:
    clock = FastClock()
    tl = Timeline(n, faults=dict(faults), clock=clock)
    stats, q = IngestStats(), Quarantine()
    with JetstreamServer(tl) as server:
        src = _source(server.url, clock, stats, q)
        got = watch_until([src], tmp_path / "w.db", n)
    assert got.stored == n
    assert len(got.seen) == n
    assert got.passed_twice == 0  # the rewind's replays were dropped at the source
    assert src.stats.duplicates_dropped > 0
    assert stats.quarantined == sum(f == "malformed" for f in faults.values())
    assert src.stats.stalls == sum(f == "stall" for f in faults.values())
    [(reset, told, waited)] = src.stats.rate_limit_waits
    assert waited == pytest.approx((reset - told).total_seconds(), abs=1e-6)
    assert waited == pytest.approx(tl.reset_after_s)
    assert got.cursor == str(server.times[-1])
    print(
        f"\njetstream n={n}: stored {got.stored}, passed twice {got.passed_twice}, "
        f"rewound duplicates dropped {src.stats.duplicates_dropped}, "
        f"backoff {src.stats.backoff_seconds:.2f} s, rate-limited {waited:.1f} s "
        f"(Retry-After {tl.reset_after_s:g} s), connects {src.stats.connects}"
    )


FAULTS = {300: "disconnect", 500: "malformed", 700: "disconnect+429", 900: "stall", 1100: "restart"}


def test_jetstream_resumes_through_faults_exactly_once(tmp_path: Path) -> None:
    _run(1500, FAULTS, tmp_path)


def test_jetstream_10000_posts_exactly_once(tmp_path: Path) -> None:
    _run(
        10_000,
        {
            2000: "disconnect",
            4000: "disconnect+429",
            6000: "stall",
            7000: "malformed",
            8000: "restart",
        },
        tmp_path,
    )
