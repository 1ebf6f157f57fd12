"""A watch stopped (Ctrl-C, SIGTERM) while a picture is being read: it waits, bounded,
for the picture, so its update reaches the detector before the last snapshot, and a
restarted watch resumes with the post counted as hostile; a picture still unread when
the wait runs out is recorded and read by the next watch. The OCR is gated and the
clock injected: the picture is read when the stopping watch first sleeps, or never."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from foretold.campaigns import Track
from foretold.clock import ManualClock
from foretold.detect.stage import Detect
from foretold.media.cache import MediaCache
from foretold.media.fetch import FetchConfig, Fetcher
from foretold.media.understand import ReadPictures, record_unread, resume_unread
from foretold.pipeline import RunResult
from foretold.post import Author, Media, Post
from foretold.records import Batch
from foretold.runs import AfterStore
from foretold.signals import HOSTILE, LABELLED, POSTS
from foretold.sources.base import LiveSource, SourceBatch
from foretold.sources.watch import LivePipeline, Watch
from foretold.store import Store
from foretold.understand.stage import Classify
from foretold.writer import message
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
            record_unread(store, "detect", stages, "2026-01-01T00:00:00Z")  # as watch does
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


def test_a_picture_left_unread_is_read_by_the_next_watch(tmp_path: Path) -> None:
    path, read, _slept, gate = watch(tmp_path, reads=False, stop_wait_s=0.5)
    gate.open.set()
    read.close()
    # the next watch: the detectors restored, then the pictures the stop left unread
    words = Hostile("SHAME")
    again = Gate()
    read = ReadPictures(words, ocr=again, hasher=again.hash, live=True)
    at = "2026-01-01T00:01:00Z"
    with Store(path) as store:
        detect = Detect([CAMPAIGN], ManualClock(T0))
        state = store.snapshot("detect")
        assert state is not None
        detect.restore(state)
        assert resume_unread(store, "detect", [read], Cached(), at) == 1
        read.wait_idle()
        tick = Batch(posts=[], media=Cached())  # the watch's first batch (or tick)
        read.process(tick)
        detect.process(tick)
        store.write_rows(*message(tick))
        assert resume_unread(store, "detect", [read], Cached(), at) == 0  # read once
    read.close()
    [update] = tick.updates
    assert update.post.id == "1" and update.before is not None
    assert update.before["sentiment"] == "neutral" and update.after["image_text"] == MEME
    sig = detect.campaigns["mynypd"].signals
    minute = sig.windows.at(sig.step_of(MEME_POST))
    assert minute is not None and (minute.sums[LABELLED], minute.sums[HOSTILE]) == (1, 1)
    with Store(path) as store:
        labels = store.labels_of("x", "1")
    assert labels is not None and labels["image_text"] == MEME


def test_a_picture_being_fetched_at_the_stop_is_fetched_again_and_read(tmp_path: Path) -> None:
    release = threading.Event()

    def slow(request: httpx.Request) -> httpx.Response:
        release.wait(10)  # the stop comes while this fetch hangs
        return httpx.Response(200, headers={"content-type": "image/png"}, content=b"meme png")

    def fetcher(folder: str) -> Fetcher:
        cfg = FetchConfig(fetch=True, allow_private=True, workers=1)
        return Fetcher(cfg, MediaCache(tmp_path / folder, 1 << 20),
                       client=lambda: httpx.Client(transport=httpx.MockTransport(slow)))  # fmt: skip

    post = Post(platform="x", id="1", text="my #myNYPD photo", hashtags=("mynypd",),
                created_at=T0, author=Author(id="a1", handle="amy"),
                media=(Media("photo", "http://media.example/m.png", None, "k"),))  # fmt: skip
    words = Hostile("SHAME")
    gate = Gate()
    at = "2026-01-01T00:00:00Z"
    store = Store(":memory:")
    first, read = fetcher("one"), ReadPictures(words, ocr=gate, hasher=gate.hash, live=True)
    batch = Batch(posts=[post], memberships=[("mynypd", "x", "1")])
    for stage in (first, Classify(words), read):
        stage.process(batch)
    assert record_unread(store, "detect", [first, read], at) == 1  # queued, not fetched
    release.set()
    first.close()
    read.close()
    # the next watch fetches it again (its cache is another folder here) and reads it
    second, read = fetcher("two"), ReadPictures(words, ocr=gate, hasher=gate.hash, live=True)
    try:
        assert resume_unread(store, "detect", [second, read], second, at) == 1
        assert second.wait_idle(10)
        updates = []
        for _ in range(2):  # the batch that takes the arrived picture, the one that harvests
            tick = Batch(posts=[], media=second)
            read.process(tick)
            read.wait_idle()
            updates += tick.updates
        [update] = updates
        assert update.campaigns == ("mynypd",) and update.after["image_text"] == MEME
    finally:
        second.close()
        read.close()
