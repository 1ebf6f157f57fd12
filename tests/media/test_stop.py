"""A watch stopped (Ctrl-C, SIGTERM) while a picture is being read: it waits, bounded,
for the picture, so its update reaches the detector before the last snapshot, and a
restarted watch resumes with the post counted as hostile. The OCR is gated and the
clock injected: the picture is read when the stopping watch first sleeps, or never."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from foretold.campaigns import Track
from foretold.clock import ManualClock
from foretold.detect.stage import Detect
from foretold.media.understand import ReadPictures
from foretold.pipeline import RunResult
from foretold.post import Author, Media, Post
from foretold.records import Batch
from foretold.runs import AfterStore
from foretold.signals import HOSTILE, LABELLED, POSTS
from foretold.sources.base import LiveSource, SourceBatch
from foretold.sources.watch import LivePipeline, Watch
from foretold.store import Store
from foretold.understand.stage import Classify
from tests.media.rules import Hostile
from tests.media.test_live_updates import CAMPAIGN, MEME, Cached, Gate

T0 = datetime(2014, 4, 22, 18, 30, tzinfo=UTC)
MEME_POST = Post(platform="x", id="1", text="my #myNYPD photo", hashtags=("mynypd",),
                 created_at=T0, author=Author(id="a1", handle="amy", followers=300),
                 media=(Media("photo", None, None, "meme-1"),))  # fmt: skip


class OnePost(LiveSource):
    """Yields the meme post, then nothing until the watch stops."""

    def connect(self, stop: threading.Event) -> Iterator[SourceBatch]:
        yield SourceBatch([MEME_POST], "1")
        stop.wait(30)


class Pictures:
    """The run's pictures, all cached; the first stage puts them on the batch."""

    name = "pictures"

    def process(self, batch: Batch) -> None:
        batch.media = Cached()


class Sleepy(ManualClock):
    """A clock whose ``sleep`` first lets the OCR read (``reads``), then advances."""

    def __init__(self, read: ReadPictures | None, gate: Gate) -> None:
        super().__init__(datetime(2026, 1, 1, tzinfo=UTC))
        self.read, self.gate = read, gate

    def sleep(self, seconds: float) -> None:
        if self.read is not None:
            self.gate.open.set()
            self.read.wait_idle()
        super().sleep(seconds)


def watch(
    tmp: Path, reads: bool, stop_wait_s: float = 10.0
) -> tuple[Path, ReadPictures, float, Gate]:
    """A watch of the meme post, stopped right after its batch with its picture unread;
    returns the store, the image-reading step, the clock time slept while stopping and
    the OCR's gate."""
    gate = Gate()
    gate.open.clear()
    words = Hostile("SHAME")
    read = ReadPictures(words, ocr=gate, hasher=gate.hash, live=True)
    clock = Sleepy(read if reads else None, gate)
    stop = threading.Event()

    def on_batch(batch: Batch, result: RunResult) -> None:
        stop.set()  # Ctrl-C as soon as the post is in: its picture is still being read

    detect = Detect([CAMPAIGN], clock)
    stages = [Pictures(), Track([CAMPAIGN]), Classify(words), read, detect]
    path = tmp / "w.db"
    guard = threading.Timer(30, gate.open.set)  # a failing test must not hang
    guard.start()
    try:
        with Store(path) as store:
            after = AfterStore(store, clock, snapshot=detect, snapshot_key="detect",
                               snapshot_every_s=3600)  # fmt: skip
            pipeline = LivePipeline(store, stages, clock, on_batch=on_batch,
                                    separate_writer=False, after=after)  # fmt: skip
            Watch([OnePost("one")], pipeline, clock, tick_s=1.0,
                  stop_wait_s=stop_wait_s).run(stop)  # fmt: skip
    finally:
        guard.cancel()
    return path, read, clock.slept, gate


def resumed(path: Path) -> tuple[list[float], dict[str, object] | None]:
    """The post's minute in a detector restored from the stored snapshot, and its
    stored labels."""
    with Store(path) as store:
        detect = Detect([CAMPAIGN], ManualClock(T0))
        state = store.snapshot("detect")
        assert state is not None
        detect.restore(state)
        labels = store.labels_of("x", "1")
    sig = detect.campaigns["mynypd"].signals
    minute = sig.windows.at(sig.step_of(MEME_POST))
    assert minute is not None
    return list(minute.sums), labels


def test_a_stop_waits_for_the_picture_and_the_snapshot_counts_it(tmp_path: Path) -> None:
    path, read, slept, _gate = watch(tmp_path, reads=True)
    read.close()
    assert slept == pytest.approx(1.0) and read.unread() == 0  # one tick: read by then
    sums, labels = resumed(path)
    assert (sums[POSTS], sums[LABELLED], sums[HOSTILE]) == (1, 1, 1)  # once, as hostile
    assert labels is not None and labels["image_text"] == MEME


def test_the_wait_is_bounded_and_the_unread_picture_counted(tmp_path: Path) -> None:
    path, read, slept, gate = watch(tmp_path, reads=False, stop_wait_s=2.5)
    try:
        assert slept == pytest.approx(2.5)  # 1 + 1 + 0.5 s of ticks, then it stops
        assert read.unread() == 1
        sums, labels = resumed(path)
        assert (sums[POSTS], sums[LABELLED], sums[HOSTILE]) == (1, 1, 0)  # its text labels
        assert labels is not None and "image_text" not in labels
    finally:
        gate.open.set()
        read.close()
