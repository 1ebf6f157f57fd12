"""The detect worker's per-message step without a broker: out-of-order posts, redeliveries
and restarts from checkpointed state still give the in-process pipeline's alerts."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import orjson
import pytest

from foretold.campaigns import load_config
from foretold.clock import ManualClock
from foretold.ingest import IngestStats, Quarantine, read_batches
from foretold.post import Post, parse_time
from foretold.store import Store
from foretold.workers.classify import Labeller
from foretold.workers.detect import Detector
from foretold.workers.topics import encode_raw
from tests.kafka import harness as h
from tests.kafka.test_workers import NAME, SEED, _ready

pytestmark = pytest.mark.skipif(_ready() is not None, reason=str(_ready()))


class FakeState(dict[str, Any]):
    """Quix Streams' ``State`` surface the detector uses, JSON round-tripped like it."""

    def set(self, key: str, value: Any) -> None:
        self[key] = orjson.loads(orjson.dumps(value))

    def exists(self, key: str) -> bool:
        return key in self

    def delete(self, key: str) -> None:
        del self[key]


def _labelled(tmp: Path) -> tuple[list[dict[str, Any]], Path]:
    config = h.simulate(NAME, SEED, tmp / "stream.jsonl")
    from foretold.understand import load_classifier

    label = Labeller(load_classifier("fast"))
    campaigns = load_config(config).campaigns
    out: list[dict[str, Any]] = []
    seqs: dict[str, int] = {}
    for records in read_batches([str(tmp / "stream.jsonl")], IngestStats(), Quarantine()):
        for post in records:
            if not isinstance(post, Post):
                continue
            mine = {}
            for c in campaigns:
                if c.matches(post):
                    mine[c.name] = seqs.get(c.name, 0)
                    seqs[c.name] = mine[c.name] + 1
            out.extend(label(orjson.loads(encode_raw(post, mine, 0.0))))
    return out, config


@pytest.mark.parametrize("part", [None, 4096], ids=["whole", "snapshot-in-parts"])
def test_reordered_redelivered_and_restarted_stream_raises_the_golden_alerts(
    tmp_path: Path, part: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if part is not None:  # a snapshot over SNAP_PART is stored in several keys
        monkeypatch.setattr("foretold.workers.detect.SNAP_PART", part)
    messages, config = _labelled(tmp_path)
    rng = random.Random(7)
    # parallel classify workers: local reordering; at-least-once: some redeliveries
    shuffled: list[dict[str, Any]] = []
    for i in range(0, len(messages), 20):
        chunk = messages[i : i + 20] + rng.sample(messages[max(0, i - 40) : i + 20], 2)
        rng.shuffle(chunk)
        shuffled.extend(chunk)
    clock = ManualClock(parse_time(h.WALL))
    store = Store(":memory:")
    campaigns = load_config(config).campaigns
    worker = Detector(campaigns, clock, store, snapshot_every=300)
    state = FakeState()
    committed = (0, copy.deepcopy(state))
    alerts: list[dict[str, Any]] = []
    n, crashes = 0, 0
    while n < len(shuffled):
        alerts.extend(worker(shuffled[n], state))
        n += 1
        if n % 97 == 0:
            committed = (n, copy.deepcopy(state))  # a checkpoint: offset and state
        if n % 1013 == 500 and crashes < n // 1013 + 1:
            # a crash: a new process resumes from the checkpoint, re-reading what followed
            crashes += 1
            n, state = committed[0], copy.deepcopy(committed[1])
            worker = Detector(campaigns, clock, store, snapshot_every=300)
    assert crashes >= 5
    assert ("snap.1" in state) == (part is not None)
    assert h.canonical(store.alerts()) == h.canonical(h.golden(NAME, SEED))
    assert {a["id"] for a in alerts} == {a["id"] for a in h.golden(NAME, SEED)}
    assert store.count_posts() == len({(m["post"]["platform"], m["post"]["id"]) for m in messages})
