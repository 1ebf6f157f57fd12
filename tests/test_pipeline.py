"""The in-process runner: stages in order, the store written off-thread, pacing on a clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from foretold.campaigns import Campaign, Track
from foretold.clock import ManualClock
from foretold.ingest import IngestStats, Quarantine, read_batches
from foretold.pipeline import Pipeline
from foretold.records import Batch
from foretold.store import Store
from foretold.understand.stage import Classify
from tests.conftest import JSON_FIXTURES


class Recorder:
    """A stage that records what it saw and adds one label per post."""

    name = "recorder"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def process(self, batch: Batch) -> None:
        for p in batch.posts:
            self.seen.append(p.id)
            batch.labels.append((p.platform, p.id, "test", b'{"sentiment": "neutral"}'))


def _batches() -> list[list]:  # type: ignore[type-arg]
    paths = [str(p) for p in JSON_FIXTURES.values()]
    return list(read_batches(paths, IngestStats(), Quarantine()))


def test_stages_see_posts_in_order_and_their_output_is_stored(tmp_path: Path) -> None:
    rec = Recorder()
    with Store(tmp_path / "s.db") as store:
        result = Pipeline(store, [Track([Campaign.from_track(["#AskJPM"])]), rec]).run(_batches())
        ids = [p.id for p in store.iter_posts()]
        assert store.labels_of("x", ids[0]) == {"sentiment": "neutral"}
        assert store.count_posts("askjpm") == result.memberships > 0
    assert len(set(rec.seen)) == len(ids) == result.stored


def test_child_process_writer_stores_what_the_inline_writer_stores(tmp_path: Path) -> None:
    results = []
    for separate in (True, False):
        path = tmp_path / f"{separate}.db"
        with Store(path) as store:
            r = Pipeline(
                store, [Track([Campaign.from_track(["#AskJPM"])])], separate_writer=separate
            ).run(_batches() + _batches())
            results.append((r.stored, r.duplicates, r.memberships, [p for p in store.iter_posts()]))
    assert results[0] == results[1]
    posts_read = sum(1 for b in _batches() for r in b if hasattr(r, "text"))
    assert results[0][0] + results[0][1] == 2 * posts_read  # read twice: all but one copy dup


def test_paced_replay_sleeps_stream_time_divided_by_speed() -> None:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    batches = list(read_batches([str(JSON_FIXTURES["x_v2"])], IngestStats(), Quarantine()))
    posts = [p for b in batches for p in b]
    span = (max(p.created_at for p in posts) - posts[0].created_at).total_seconds()
    sizes: list[int] = []
    Pipeline(
        Store(":memory:"), clock=clock, speed=60, on_batch=lambda b, r: sizes.append(len(b.posts))
    ).run(batches)
    # 09:00:00 -> 09:11:00 of stream time at 60x is 11 wall seconds, slept on the clock
    assert span == 660 and clock.slept == 11.0
    assert sum(sizes) == len(posts) and len(sizes) > 1


class _Question:
    """A tiny rule-based classifier: enough to check the stage's plumbing."""

    tier = "rule"

    def classify(self, texts: Sequence[str]) -> list[_Flags]:
        return [_Flags("?" in t) for t in texts]


class _Flags:
    def __init__(self, question: bool) -> None:
        self.question = question

    def to_dict(self) -> dict[str, object]:
        return {"flags": ["question"] if self.question else []}


def test_classify_stage_stores_labels_and_hands_them_to_later_stages(tmp_path: Path) -> None:
    seen: dict[tuple[str, str], dict[str, object]] = {}

    class After:
        name = "after"

        def process(self, batch: Batch) -> None:
            seen.update(batch.label_of)

    with Store(tmp_path / "s.db") as store:
        Pipeline(store, [Classify(_Question()), After()]).run(_batches())
        labels = {p.id: store.labels_of(p.platform, p.id) for p in store.iter_posts()}
    assert labels["1631000000000000003"] == {"flags": ["question"]}
    assert labels["1631000000000000001"] == {"flags": ["question"]}
    assert len(seen) == len(labels)


def test_cursors_are_stored_with_their_batch(tmp_path: Path) -> None:
    class Cursored(Pipeline):
        def cursors_of(self, records: list) -> list[tuple[str, str, str]]:  # type: ignore[type-arg]
            return [("jetstream", str(len(records)), "2026-11-25T00:00:00Z")]

    with Store(tmp_path / "s.db") as store:
        Cursored(store).run(_batches())
        assert store.cursor("jetstream") is not None
        assert store.cursor("x") is None
