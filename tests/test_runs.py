"""The one step around each stored batch (runs.AfterStore): snapshots and the cursors."""

from __future__ import annotations

from datetime import UTC, datetime

from foretold.clock import ManualClock
from foretold.pipeline import Pipeline
from foretold.post import Author, Post
from foretold.records import Batch, Record
from foretold.runs import AfterStore
from foretold.store import Store

T0 = datetime(2024, 1, 1, tzinfo=UTC)


class Counter:
    """A stage whose state is the number of posts it saw (snapshot: that number)."""

    name = "detect"

    def __init__(self) -> None:
        self.seen = 0

    def process(self, batch: Batch) -> None:
        self.seen += len(batch.posts)

    def snapshot(self) -> bytes:
        return str(self.seen).encode()

    def restore(self, state: bytes) -> None:
        self.seen = int(state)


def _post(i: int) -> Post:
    return Post(platform="x", id=str(i), text="hi", author=Author(id="1"), created_at=T0)


class Live(Pipeline):
    """Each batch carries the cursor ``c<last id>`` of source ``feed``, as a watch's do."""

    def cursors_of(self, records: list[Record]) -> list[tuple[str, str, str]]:
        return [("feed", f"c{records[-1].id}", T0.isoformat())]


def test_cursors_are_stored_only_with_the_snapshot_they_belong_to() -> None:
    clock = ManualClock(T0)
    store, stage = Store(":memory:"), Counter()
    after = AfterStore(store, clock, snapshot=stage, snapshot_every_s=10.0)
    stored: list[tuple[str | None, bytes | None]] = []

    def on_batch(batch: Batch, result: object) -> None:
        stored.append((store.cursor("feed"), store.snapshot("detect")))
        clock.advance(4.0)  # a batch every 4 s: a snapshot every third batch

    batches = [[_post(3 * b + i) for i in range(3)] for b in range(5)]
    Live(store, [stage], clock, after=after, on_batch=on_batch, separate_writer=False).run(batches)
    assert stored == [
        ("c2", b"3"),  # the first batch: a snapshot at once
        ("c2", b"3"),  # held: the cursor waits with the state it belongs to
        ("c2", b"3"),
        ("c11", b"12"),  # 12 s after the last one: snapshot and the newest cursor
        ("c11", b"12"),
    ]
    # the end of the run stores the last state with the cursor held for it
    assert (store.cursor("feed"), store.snapshot("detect")) == ("c14", b"15")


def test_a_restored_stage_resumes_from_the_stored_snapshot() -> None:
    store = Store(":memory:")
    first = Counter()
    Live(store, [first], ManualClock(T0), after=AfterStore(store, ManualClock(T0), snapshot=first),
         separate_writer=False).run([[_post(1), _post(2)]])  # fmt: skip
    again = Counter()
    assert AfterStore(store, ManualClock(T0), snapshot=again).restore()
    assert again.seen == 2
    assert not AfterStore(store, ManualClock(T0), snapshot=again, snapshot_key="other").restore()
