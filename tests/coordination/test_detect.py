"""The Detect stage names a swarm: evidence, summary and the level policy."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from foretold.campaigns import Campaign, Track
from foretold.clock import ManualClock
from foretold.detect import Detect
from foretold.records import Batch
from foretold.simulate.swarm import swarm_stream
from tests.conftest import SHARED_DATA
from tests.detect.helpers import CALM, HOSTILE

pytestmark = pytest.mark.skipif(
    not (SHARED_DATA / "tweeteval").is_dir(), reason="../shared/data is not here"
)


def _alerts() -> tuple[list[dict[str, Any]], set[str]]:
    posts, truth = swarm_stream("astroturf_attack", 1, SHARED_DATA)
    c = truth["campaign"]
    campaign = Campaign(name=c["name"], hashtags=tuple(c["hashtags"]),
                        handles=tuple(c["handles"]), owner=c["owner"])  # fmt: skip
    swarm = set(truth["coordination"]["coordinated_posts"])
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    stages = [Track([campaign]), Detect([campaign], clock)]
    alerts: list[dict[str, Any]] = []
    for i in range(0, len(posts), 500):
        batch = Batch(posts=posts[i : i + 500])
        # hand labels: the swarm's posts hostile, everyone else calm
        batch.label_of = {p.key: HOSTILE if p.id in swarm else CALM for p in batch.posts}
        for stage in stages:
            stage.process(batch)
        alerts.extend(batch.alerts)
    return alerts, set(truth["coordination"]["coordinated_accounts"])


def test_an_alert_on_a_swarm_names_it() -> None:
    alerts, accounts = _alerts()
    named = [a for a in alerts if "coordination" in a["evidence"]]
    assert named, [a["summary"] for a in alerts]
    first = named[0]["evidence"]["coordination"]
    assert first["clusters"] and first["coordinated_accounts"] >= 20
    assert {a["handle"] for a in first["accounts"]} <= accounts
    assert "near-copies from" in named[0]["summary"]


def test_alerts_on_calm_posts_carry_no_coordination() -> None:
    alerts, _ = _alerts()
    assert all("coordination" not in a["evidence"] for a in alerts if a["level"] == "all_clear")


def test_a_restored_stage_names_the_swarm_as_the_uninterrupted_one() -> None:
    """The Detect stage's snapshot holds the coordination state: restoring it after every
    batch gives the very alerts, coordination evidence included."""
    posts, truth = swarm_stream("astroturf_attack", 1, SHARED_DATA)
    c = truth["campaign"]
    campaign = Campaign(name=c["name"], hashtags=tuple(c["hashtags"]),
                        handles=tuple(c["handles"]), owner=c["owner"])  # fmt: skip
    swarm = set(truth["coordination"]["coordinated_posts"])
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    track, whole, cut = Track([campaign]), Detect([campaign], clock), Detect([campaign], clock)
    got: dict[str, list[dict[str, Any]]] = {"whole": [], "cut": []}
    for i in range(0, len(posts), 500):
        for name, stage in (("whole", whole), ("cut", cut)):
            batch = Batch(posts=posts[i : i + 500])
            batch.label_of = {p.key: HOSTILE if p.id in swarm else CALM for p in batch.posts}
            track.process(batch)
            stage.process(batch)
            got[name].extend(batch.alerts)
        restored = Detect([campaign], clock)
        restored.restore(cut.snapshot())
        cut = restored
    assert got["cut"] == got["whole"]
    assert any("coordination" in a["evidence"] for a in got["whole"])
