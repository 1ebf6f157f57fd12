"""The in-process runner: stages in order, the store written off-thread, pacing on a clock."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from foretold.campaigns import Campaign
from foretold.clock import ManualClock
from foretold.ingest import IngestStats, Quarantine, read_batches
from foretold.pipeline import Batch, Pipeline, Track
from foretold.store import Store
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
            r = Pipeline(store, [Track([Campaign.from_track(["#AskJPM"])])],
                         separate_writer=separate).run(_batches() + _batches())  # fmt: skip
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
    Pipeline(Store(":memory:"), clock=clock, speed=60,
             on_batch=lambda b, r: sizes.append(len(b.posts))).run(batches)  # fmt: skip
    # 09:00:00 -> 09:11:00 of stream time at 60x is 11 wall seconds, slept on the clock
    assert span == 660 and clock.slept == 11.0
    assert sum(sizes) == len(posts) and len(sizes) > 1
