"""A picture read late in a watch: its labels follow as an update that reaches ``Detect``.

The live runs here are deterministic: the picture reader waits on a gate that is shut
while a batch goes through the stages and opened between batches, so every picture's
labels arrive exactly one batch after its post (as in a watch whose OCR takes longer
than the batch). The clock is injected (``ManualClock``).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foretold.campaigns import Campaign, Track
from foretold.clock import ManualClock
from foretold.detect.stage import Detect
from foretold.media.evidence import QUOTE_CHARS, picture_evidence
from foretold.media.understand import ReadConfig, ReadPictures
from foretold.pipeline import RunResult
from foretold.post import Author, Media, Post, Ref
from foretold.records import Batch, LabelUpdate
from foretold.signals import FIELDS, HOSTILE, LABELLED, POSTS, CampaignSignals, Note
from foretold.sources.base import LiveSource, SourceBatch
from foretold.sources.watch import LivePipeline, Watch
from foretold.store import Store
from foretold.understand.stage import Classify
from foretold.windows import SlidingWindows
from tests.media.rules import Hostile

MEME = "NYPD BRUTALITY IS DISGUSTING SHAME ON YOU"
T0 = datetime(2014, 4, 22, 10, tzinfo=UTC)
CAMPAIGN = Campaign.from_track(["#myNYPD", "@NYPDnews"])


class Gate:
    """The OCR and the hash wait on ``open``: shut while a batch is in the stages."""

    name = "gated"

    def __init__(self) -> None:
        self.open = threading.Event()
        self.open.set()

    def read(self, data: bytes) -> str:
        self.open.wait(10)
        return MEME if data.startswith(b"meme") else ""

    def hash(self, data: bytes) -> str:
        self.open.wait(10)
        return hashlib.sha256(data).hexdigest()[:16]


class Cached:
    """Every picture is in the cache already (its file named by its key)."""

    def path_for(self, post: Post, media: Media) -> Path | None:
        return Path(media.key or "none")

    def bytes_for(self, post: Post, media: Media) -> bytes | None:
        return (media.key or "").encode()

    def arrived(self) -> list[tuple[Post, int]]:
        return []


def _post(n: int, at: datetime, text: str, followers: int = 300, meme: bool = False) -> Post:
    media = (Media("photo", None, None, f"meme-{n % 8}"),) if meme else ()
    return Post(platform="x", id=str(n), text=text, hashtags=("mynypd",), created_at=at,
                author=Author(id=f"a{n}", handle=f"u{n}", followers=followers),
                media=media)  # fmt: skip


def stream() -> list[list[Post]]:
    """Eight calm hours (4 posts a minute, one in 25 hostile in words), then an hour of
    memes with neutral captions, rising from 4 to 64 a minute, a big account among them;
    in batches of 30 seconds."""
    posts: list[Post] = []
    n = 0
    for minute in range(8 * 60):
        for k in range(4):
            at = T0 + timedelta(minutes=minute, seconds=k * 15)
            text = "SHAME on #myNYPD today" if n % 25 == 0 else f"a good day with #myNYPD {n}"
            posts.append(_post(n, at, text, 200 + n % 300))
            n += 1
    for minute in range(60):
        per = 4 + minute
        for k in range(per):
            at = T0 + timedelta(hours=8, minutes=minute, seconds=k * 60 / per)
            big = minute == 20 and k == 0
            posts.append(_post(n, at, "my #myNYPD photo", 900_000 if big else 300, meme=True))
            n += 1
    batches: dict[int, list[Post]] = {}
    for p in posts:
        batches.setdefault(int((p.created_at - T0).total_seconds() // 30), []).append(p)
    return [batches[k] for k in sorted(batches)]


def run(
    batches: list[list[Post]], *, live: bool | None, pictures: bool = True, snapshot_at: int = -1
) -> tuple[list[dict[str, Any]], Detect, list[LabelUpdate]]:
    """Track, Classify, ReadPictures and Detect over ``batches``; ``live`` None: no
    picture is read (OCR off). ``snapshot_at``: the detector is snapshot after that
    batch and a fresh one resumes from it."""
    clock = ManualClock(T0)
    gate = Gate()
    words = Hostile("SHAME")
    track, classify = Track([CAMPAIGN]), Classify(words)
    read = ReadPictures(words, ocr=gate, hasher=gate.hash, live=live)
    detect = Detect([CAMPAIGN], clock)
    alerts: list[dict[str, Any]] = []
    updates: list[LabelUpdate] = []
    for i, posts in enumerate(batches):
        batch = Batch(posts=list(posts), media=Cached() if pictures else None)
        if live:
            gate.open.clear()  # the pictures submitted now are read after this batch
        for stage in (track, classify, read, detect):
            stage.process(batch)
        gate.open.set()
        read.wait_idle()
        alerts += batch.alerts
        updates += batch.updates
        if i == snapshot_at:
            state = detect.snapshot()
            detect = Detect([CAMPAIGN], clock)
            detect.restore(state)
    last = Batch(posts=[])
    read.finish(last)
    detect.finish(last)
    read.close()
    return alerts + last.alerts, detect, updates + last.updates


@pytest.fixture(scope="module")
def batches() -> list[list[Post]]:
    return stream()


@pytest.fixture(scope="module")
def archive(batches: list[list[Post]]) -> tuple[list[dict[str, Any]], Detect, list[LabelUpdate]]:
    return run(batches, live=False)


@pytest.fixture(scope="module")
def live(batches: list[list[Post]]) -> tuple[list[dict[str, Any]], Detect, list[LabelUpdate]]:
    return run(batches, live=True)


def first(alerts: list[dict[str, Any]], level: str) -> datetime | None:
    return next((datetime.fromisoformat(a["at"]) for a in alerts if a["level"] == level), None)


def test_a_late_pictures_labels_reach_the_detector_and_count_once(
    archive: tuple[list[dict[str, Any]], Detect, list[LabelUpdate]],
    live: tuple[list[dict[str, Any]], Detect, list[LabelUpdate]],
) -> None:
    a_alerts, a_det, a_updates = archive
    l_alerts, l_det, l_updates = live
    assert a_updates == []  # an archive's pictures are read before Detect
    memes = sum(1 for u in l_updates if u.post.media)
    assert memes == len(l_updates) == sum(range(4, 64))  # every meme came as an update
    assert all(u.before is not None and u.before["sentiment"] == "neutral" for u in l_updates)
    assert all(u.after["sentiment"] == "negative" and u.campaigns == ("mynypd",) for u in l_updates)
    # once: the last hour holds every meme once, as a hostile post, in both runs
    a_sums = a_det.campaigns["mynypd"].signals.windows.sums(60)
    l_sums = l_det.campaigns["mynypd"].signals.windows.sums(60)
    for field in (POSTS, LABELLED, HOSTILE):
        assert a_sums[field] == l_sums[field], FIELDS[field]
    assert l_sums[HOSTILE] >= memes
    # the live alerts come at most two minutes after the archive's, level by level (the
    # crisis needs the big account's meme to count as a hostile amplifier: its update)
    for level in ("warning", "crisis"):
        at_archive, at_live = first(a_alerts, level), first(l_alerts, level)
        assert at_archive is not None and at_live is not None, level
        assert timedelta(0) <= at_live - at_archive <= timedelta(minutes=2), level


def test_with_ocr_off_the_meme_storm_is_not_a_crisis(batches: list[list[Post]]) -> None:
    alerts, _det, updates = run(batches, live=None, pictures=False)
    assert updates == [] and first(alerts, "crisis") is None


def test_the_evidence_names_a_meme_that_came_as_an_update(
    live: tuple[list[dict[str, Any]], Detect, list[LabelUpdate]],
) -> None:
    alerts, _det, updates = live
    crisis = next(a for a in alerts if a["level"] == "crisis")
    memes = {u.post.id for u in updates}
    assert crisis["evidence"]["posts"] and set(crisis["evidence"]["posts"]) <= memes
    # the alert quotes what the pictures say: in its evidence and in its summary
    assert crisis["evidence"]["images"] == dict.fromkeys(crisis["evidence"]["posts"], MEME)
    assert f"most hostile posts are pictures, a meme reading '{MEME}'" in crisis["summary"]


def test_an_alert_names_a_meme_only_when_most_hostile_posts_are_pictures() -> None:
    words = [Note("hostile", str(i), f"u{i}", 100) for i in range(3)]
    pics = [Note("hostile", str(i), f"u{i}", 50, image_text=f"SHAME {i % 2}") for i in (7, 8, 9)]
    amp = Note("amplifier", "5", "big", 900_000, image_text="A\x07 BIG\nSIGN " + "X" * 99)
    assert picture_evidence(words, ["0", "1"]) == ({}, None)
    images, said = picture_evidence(words + pics[:2], ["0", "7", "5"])
    assert images == {"7": "SHAME 1"} and said is None  # 2 pictures of 5 hostile posts
    images, said = picture_evidence([amp, *words, *pics], ["5", "7", "8"])
    assert said == "most hostile posts are pictures, a meme reading 'SHAME 1'"  # 7 and 9
    assert images["5"].startswith("A BIG SIGN X") and images["5"].endswith("...")
    assert len(images["5"]) <= QUOTE_CHARS and "\n" not in images["5"]


def test_a_snapshot_between_an_update_and_the_next_resumes_exactly(
    batches: list[list[Post]], live: tuple[list[dict[str, Any]], Detect, list[LabelUpdate]]
) -> None:
    storm = 8 * 120 + 41  # a batch in the storm, its memes' updates still to come
    alerts, _det, _updates = run(batches, live=True, snapshot_at=storm)
    assert alerts == live[0]


def test_the_labels_part_of_a_post_is_what_observe_counts_for_its_labels() -> None:
    angry = {"sentiment": "negative", "emotion": "anger", "flags": ["question", "ironic"],
             "scores": {"anger": 0.9, "negative": 0.8, "joy": 0.1}}  # fmt: skip
    calm = {"sentiment": "neutral", "emotion": "joy", "flags": ["ironic"]}
    at = datetime(2014, 4, 22, 18, 30, tzinfo=UTC)
    ref = Ref(id="9", author_handle="someone")
    own = Ref(id="8", author_handle="NYPDnews")
    posts = [
        _post(1, at, "my #myNYPD photo"),
        Post(platform="x", id="2", text="RT", hashtags=("mynypd",), created_at=at,
             author=Author(id="b", handle="b", followers=50), kind="repost", repost_of=ref),
        Post(platform="x", id="3", text="RT", created_at=at, author=Author(id="c", handle="c"),
             kind="repost", repost_of=own),
        Post(platform="x", id="4", text="nypd", created_at=at, author=Author(id="d", handle="d")),
    ]  # fmt: skip
    for post in posts:
        for labels in (angry, calm, {"flags": ["unsupported"], "sentiment": "negative"}):
            with_labels, without = CampaignSignals(CAMPAIGN), CampaignSignals(CAMPAIGN)
            with_labels.observe(post, labels)
            without.observe(post, None)
            step = with_labels.step_of(post)
            a, b = with_labels.windows.bucket(step).sums, without.windows.bucket(step).sums
            diff = [(i, x - y) for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
            part = sorted((i, x) for i, x in with_labels.label_part(post, labels) if x)
            assert [i for i, _ in part] == [i for i, _ in diff], (post.id, labels)
            assert [x for _, x in part] == pytest.approx([x for _, x in diff])


def test_a_post_no_longer_remembered_updates_the_store_not_the_detector() -> None:
    gate = Gate()
    read = ReadPictures(Hostile("SHAME"), ocr=gate, hasher=gate.hash, live=True,
                        config=ReadConfig(waiting=1))  # fmt: skip
    posts = [_post(n, T0 + timedelta(seconds=n), "my #myNYPD photo", meme=True) for n in (1, 2)]
    batch = Batch(posts=posts, media=Cached(), memberships=[("mynypd", "x", "1"),
                                                            ("mynypd", "x", "2")])  # fmt: skip
    gate.open.clear()
    Classify(Hostile("SHAME")).process(batch)
    read.process(batch)
    gate.open.set()
    read.wait_idle()
    later = Batch(posts=[], media=Cached())
    read.process(later)
    read.close()
    assert [u.post.id for u in later.updates] == ["2"]  # post 1 was forgotten
    assert read.forgotten == 1 and {r[1] for r in later.labels} == {"1", "2"}


class OnePost(LiveSource):
    """Yields one picture post, then nothing until the watch stops."""

    def connect(self, stop: threading.Event) -> Iterator[SourceBatch]:
        post = _post(1, T0, "my #myNYPD photo", meme=True)
        yield SourceBatch([post], "1")
        stop.wait(30)


def test_a_quiet_watch_still_carries_a_late_pictures_update(tmp_path: Path) -> None:
    """No post comes after the picture post: the watch sends an empty batch for the
    update once its picture is read, and the detector and the store get it."""
    gate = Gate()
    gate.open.clear()
    words = Hostile("SHAME")
    read = ReadPictures(words, ocr=gate, hasher=gate.hash, live=True)
    seen: list[Batch] = []
    stop = threading.Event()

    class Source:  # the run's pictures, all cached; the first stage puts it on the batch
        name = "pictures"

        def process(self, batch: Batch) -> None:
            batch.media = Cached()

    def on_batch(batch: Batch, result: RunResult) -> None:
        seen.append(batch)
        if len(seen) == 1:
            gate.open.set()  # the picture is read after its post's batch went on
        if batch.updates:
            stop.set()

    detect = Detect([CAMPAIGN], ManualClock(T0))
    stages = [Source(), Track([CAMPAIGN]), Classify(words), read, detect]
    guard = threading.Timer(30, stop.set)
    guard.start()
    try:
        with Store(tmp_path / "w.db") as store:
            pipeline = LivePipeline(store, stages, on_batch=on_batch, separate_writer=False)
            Watch([OnePost("one")], pipeline, tick_s=0.01).run(stop)
            stored = store.labels_of("x", "1")
    finally:
        guard.cancel()
        read.close()
    assert seen[0].posts and seen[0].label_of[("x", "1")]["sentiment"] == "neutral"
    update = seen[-1]
    assert update.posts == [] and [u.post.id for u in update.updates] == ["1"]
    sig = detect.campaigns["mynypd"].signals
    minute = sig.windows.at(sig.step_of(update.updates[0].post))  # still open: no post since
    assert minute is not None and minute.sums[HOSTILE] == 1 and minute.sums[LABELLED] == 1
    assert stored is not None and stored["sentiment"] == "negative"
    assert stored["image_text"] == MEME


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["add", "retract", "advance"]), st.integers(0, 90),
                  st.integers(1, 5)),
        max_size=60,
    )
)  # fmt: skip
def test_retracting_keeps_every_window_the_sum_of_its_steps(
    ops: list[tuple[str, int, int]],
) -> None:
    """Whatever is added, retracted and closed, each window holds what its steps hold."""
    w = SlidingWindows(width=1, step_seconds=60, lengths=(1, 5, 15, 60))
    kept: dict[int, float] = {}  # step index -> what it holds now
    for op, index, amount in ops:
        if op == "add":
            b = w.bucket(index)  # a step before the open one counts in the open one
            b.sums[0] += amount
            kept[b.index] = kept.get(b.index, 0.0) + amount
        elif op == "retract":
            present = w.at(index) is not None
            assert w.retract(index, [(0, float(amount))]) is present
            if present:
                kept[index] -= amount
        else:
            w.advance(w.end + index % 7)
        for n in w.lengths:
            expect = sum(x for i, x in kept.items() if w.end - n <= i < w.end)
            assert w.sums(n)[0] == pytest.approx(expect), (n, w.end)


def test_a_picture_fetched_just_before_its_batch_is_read_once() -> None:
    """The fetcher lists a picture in ``arrived()`` even when it was in the cache by its
    post's batch (fetched meanwhile): it is read once, and quoted once."""
    gate = Gate()
    p = _post(1, T0, "my #myNYPD photo", meme=True)

    class Both(Cached):
        def __init__(self) -> None:
            self.listed = False

        def arrived(self) -> list[tuple[Post, int]]:
            if self.listed:
                return []
            self.listed = True
            return [(p, 0)]

    read = ReadPictures(Hostile("SHAME"), ocr=gate, hasher=gate.hash, live=True)
    source = Both()
    first = Batch(posts=[p], media=source, memberships=[("mynypd", "x", "1")])
    gate.open.clear()
    Classify(Hostile("SHAME")).process(first)
    read.process(first)  # its picture is in the cache: submitted with the batch
    gate.open.set()
    read.wait_idle()
    later = Batch(posts=[], media=source)
    read.process(later)  # arrived() names it too: not read again
    read.wait_idle()
    last = Batch(posts=[], media=source)
    read.finish(last)
    read.close()
    rows = later.readings + last.readings
    assert [r[:3] for r in rows] == [("x", "1", 0)]
    assert [u.after["image_text"] for u in later.updates + last.updates] == [MEME]


def test_a_watch_whose_file_ends_waits_for_its_pictures(tmp_path: Path) -> None:
    """``follow = false``: the file ends, the watch ends after the late picture's update."""
    from foretold.ingest import IngestStats, Quarantine
    from foretold.sources.filetail import FileTail

    line = {"platform": "x", "id": "1", "text": "my #myNYPD photo", "hashtags": ["mynypd"],
            "created_at": "2014-04-22T10:00:00.000Z", "author": {"id": "7", "handle": "ann"},
            "media": [{"type": "photo", "url": None, "alt_text": None, "key": "meme-1"}]}  # fmt: skip
    path = tmp_path / "posts.jsonl"
    path.write_bytes(orjson.dumps(line) + b"\n")
    gate = Gate()
    gate.open.clear()
    words = Hostile("SHAME")
    read = ReadPictures(words, ocr=gate, hasher=gate.hash, live=True)
    seen: list[Batch] = []

    class Source:
        name = "pictures"

        def process(self, batch: Batch) -> None:
            batch.media = Cached()

    def on_batch(batch: Batch, result: RunResult) -> None:
        seen.append(batch)
        gate.open.set()  # the picture is read after its post's batch went on

    stages = [
        Source(),
        Track([CAMPAIGN]),
        Classify(words),
        read,
        Detect([CAMPAIGN], ManualClock(T0)),
    ]
    tail = FileTail("file", str(path), IngestStats(), Quarantine(path=tmp_path / "q"), follow=False)
    try:
        with Store(tmp_path / "w.db") as store:
            pipeline = LivePipeline(store, stages, on_batch=on_batch, separate_writer=False)
            Watch([tail], pipeline, tick_s=0.01, drain_s=30).run(threading.Event())
            stored = store.labels_of("x", "1")
    finally:
        read.close()
    assert [u.post.id for b in seen for u in b.updates] == ["1"]
    assert stored is not None and stored["image_text"] == MEME
