"""Picture posts on the Kafka workers: the classify worker reads their pictures with the
embedded image-reading step, and the detect worker gets the same labels, and raises the
same alerts, as the embedded pipeline; late picture labels travel as updates.

No broker is needed: the classify worker's per-post step (``Labeller``) and the detect
worker's (``Detector``, with Quix Streams' state faked) are called in publish order,
as the topics deliver them to one worker each (``tests/kafka/test_detector.py``).
The stream is the picture tests' hour of memes with neutral captions after eight calm
hours (``tests/media/test_live_updates.py``), with the OCR gated as there: shut while a
post goes through, so, live, every picture's labels come one post later.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import orjson
import pytest

from foretold.campaigns import Track
from foretold.clock import ManualClock
from foretold.detect.stage import Detect
from foretold.media.understand import ReadPictures
from foretold.post import Post
from foretold.records import Batch
from foretold.store import Store
from foretold.understand.stage import Classify
from foretold.workers.classify import Labeller, Ticker
from foretold.workers.detect import Detector
from foretold.workers.topics import LABELLED, Labelled, encode_raw
from tests.kafka import harness as h
from tests.kafka.test_detector import FakeState
from tests.media.rules import Hostile
from tests.media.test_live_updates import CAMPAIGN, MEME, T0, Cached, Gate, stream


def posts() -> list[Post]:
    return [p for batch in stream() for p in batch]


def embedded(posts: list[Post], *, live: bool | None) -> list[dict[str, Any]]:
    """Track, Classify, ReadPictures and Detect, a batch per post (as the workers see
    them); ``live`` None: no picture read (OCR off)."""
    clock = ManualClock(T0)
    gate = Gate()
    words = Hostile("SHAME")
    stages = [Track([CAMPAIGN]), Classify(words),
              ReadPictures(words, ocr=gate, hasher=gate.hash, live=bool(live)),
              Detect([CAMPAIGN], clock)]  # fmt: skip
    alerts: list[dict[str, Any]] = []
    for post in posts:
        batch = Batch(posts=[post], media=Cached() if live is not None else None)
        if live:
            gate.open.clear()
        for stage in stages:
            stage.process(batch)
        gate.open.set()
        stages[2].wait_idle()  # type: ignore[attr-defined]
        alerts += batch.alerts
    stages[2].close()  # type: ignore[attr-defined]
    return alerts


def labelled(posts: list[Post], *, live: bool) -> list[dict[str, Any]]:
    """What a classify worker with pictures sends to the labelled topic, in order."""
    gate = Gate()
    words = Hostile("SHAME")
    read = ReadPictures(words, ocr=gate, hasher=gate.hash, live=live)
    labeller = Labeller(words, media=Cached(), pictures=read)
    out: list[dict[str, Any]] = []
    seq = 0
    for post in posts:
        seqs = {}
        if CAMPAIGN.matches(post):
            seqs = {CAMPAIGN.name: seq}
            seq += 1
        if live:
            gate.open.clear()
        out += labeller(orjson.loads(encode_raw(post, seqs, 0.0)))
        gate.open.set()
        read.wait_idle()
    labeller.close()
    return out


def detect(messages: list[dict[str, Any]], crash_every: int = 0) -> tuple[Store, list[str]]:
    """The detect worker over ``messages``; with ``crash_every``, it is killed that often
    and a new one resumes from the last checkpoint (every 97 messages), re-reading what
    followed it."""
    clock = ManualClock(T0)
    store = Store(":memory:")
    worker = Detector([CAMPAIGN], clock, store, snapshot_every=300)
    state = FakeState()
    committed = (0, copy.deepcopy(state))
    raised: list[str] = []
    n = crashes = 0
    while n < len(messages):
        raised += [a["id"] for a in worker(messages[n], state)]
        n += 1
        if n % 97 == 0:
            committed = (n, copy.deepcopy(state))
        if crash_every and n % crash_every == crash_every // 2 and crashes < n // crash_every + 1:
            crashes += 1
            n, state = committed[0], copy.deepcopy(committed[1])
            worker = Detector([CAMPAIGN], clock, store, snapshot_every=300)
    assert crashes >= (len(messages) // crash_every if crash_every else 0)
    return store, raised


@pytest.fixture(scope="module")
def stream_posts() -> list[Post]:
    return posts()


def first(alerts: list[dict[str, Any]], level: str) -> datetime | None:
    return next((datetime.fromisoformat(a["at"]) for a in alerts if a["level"] == level), None)


def test_archive_pictures_on_the_workers_raise_the_embedded_alerts(
    stream_posts: list[Post],
) -> None:
    expected = embedded(stream_posts, live=False)
    assert first(expected, "crisis") is not None  # the memes make the crisis
    messages = labelled(stream_posts, live=False)
    assert not any(m.get("update") for m in messages)  # read before the labels go out
    store, _ = detect(messages)
    assert h.canonical(store.alerts()) == h.canonical(expected)
    # the store has the merged labels and what the pictures say, as replay writes them
    meme = next(p for p in stream_posts if p.media)
    labels = store.labels_of(meme.platform, meme.id)
    assert labels is not None and labels["image_text"] == MEME
    assert labels["sources"] == ["text", "image_text"]
    assert store.image_readings_of([meme.key])[meme.key][0]["text"] == MEME


def test_late_picture_labels_travel_as_updates_and_raise_the_embedded_alerts(
    stream_posts: list[Post],
) -> None:
    expected = embedded(stream_posts, live=True)
    messages = labelled(stream_posts, live=True)
    updates = [Labelled.from_json(m) for m in messages if m.get("update")]
    memes = sum(1 for p in stream_posts if p.media)
    assert len(updates) == memes - 1  # every meme's labels one post later (the last: never)
    assert all(u.before is not None and u.before["sentiment"] == "neutral" for u in updates)
    assert all(u.labels["image_text"] == MEME and u.readings for u in updates)
    store, _ = detect(messages)
    assert h.canonical(store.alerts()) == h.canonical(expected)
    assert first(expected, "crisis") is not None
    meme = updates[0].post
    labels = store.labels_of(meme.platform, meme.id)
    assert labels is not None and labels["sentiment"] == "negative"  # the update's replaced it


def test_a_killed_detect_worker_applies_each_update_once(stream_posts: list[Post]) -> None:
    """Killed every 1,013 messages and resumed from its checkpoint (the updates since
    the snapshot replayed with their posts); some updates delivered twice (an
    at-least-once classify worker), and some, with the next post, before their own
    post (two classify workers): each waits for its post."""
    expected = embedded(stream_posts, live=True)
    messages = labelled(stream_posts, live=True)
    noisy: list[dict[str, Any]] = []
    i = swaps = 0
    while i < len(messages):
        m = messages[i]
        if (
            i + 2 < len(messages)
            and not m.get("update")
            and messages[i + 1].get("update")
            and messages[i + 1]["post"]["id"] == m["post"]["id"]
            and not messages[i + 2].get("update")
            and i % 11 == 0
        ):
            # the next post first (held until this one is in), then this post's update
            # (held until its post is counted), then this post: all in order again
            noisy += [messages[i + 2], messages[i + 1], m]
            swaps += 1
            i += 3
            continue
        noisy.append(m)
        if m.get("update") and i % 5 == 0:
            noisy.append(m)  # redelivered
        i += 1
    assert swaps >= 50
    store, raised = detect(noisy, crash_every=1013)
    assert h.canonical(store.alerts()) == h.canonical(expected)
    assert set(raised) == {a["id"] for a in expected}


def test_with_ocr_off_the_workers_raise_no_crisis(stream_posts: list[Post]) -> None:
    expected = embedded(stream_posts, live=None)
    assert first(expected, "crisis") is None


class Producer:
    """confluent-kafka's ``Producer`` surface the ticker uses, recording what it sends."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict[str, Any]]] = []

    def produce(self, topic: str, key: str, value: bytes) -> None:
        self.sent.append((topic, key, orjson.loads(value)))

    def poll(self, timeout: float) -> int:
        return 0

    def flush(self, timeout: float) -> int:
        return 0


def test_a_quiet_streams_late_picture_goes_out_on_a_tick() -> None:
    """No post comes after a meme: the ticker sends its update, the detect worker applies
    it once, and the store gets the picture's labels."""
    gate = Gate()
    words = Hostile("SHAME")
    read = ReadPictures(words, ocr=gate, hasher=gate.hash, live=True)
    labeller = Labeller(words, media=Cached(), pictures=read)
    producer = Producer()
    ticker = Ticker(labeller, producer, clock=lambda: 2.0)
    meme = next(p for p in posts() if p.media)
    gate.open.clear()
    first = labeller(orjson.loads(encode_raw(meme, {CAMPAIGN.name: 0}, 1.0)))
    assert ticker.run_once() == 0  # still being read
    gate.open.set()
    read.wait_idle()
    assert ticker.run_once() == 1 and ticker.run_once() == 0
    [(topic, key, update)] = producer.sent
    assert (topic, key) == (LABELLED, CAMPAIGN.name)
    assert update["update"] and update["labels"]["image_text"] == MEME
    store = Store(":memory:")
    worker = Detector([CAMPAIGN], ManualClock(T0), store)
    state = FakeState()
    for m in [*first, update]:
        worker(m, state)
    labeller.close()
    stored = store.labels_of(meme.platform, meme.id)
    assert stored is not None and stored["sentiment"] == "negative"
    # applied once, after the post, and kept for a restore to replay after it
    assert state["u0"] == [update] and state["applied"] == [f"x:{meme.id}:0"]
    assert worker(update, state) == [] and state["u0"] == [update]  # redelivered: ignored
