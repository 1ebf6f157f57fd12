"""The one step around each stored batch (runs.AfterStore): snapshots and the cursors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from foretold.campaigns import load_config
from foretold.clock import ManualClock
from foretold.errors import ConfigError
from foretold.pipeline import Pipeline
from foretold.post import Author, Post
from foretold.records import Batch, Record
from foretold.runs import AfterStore, build_stages, run_config
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


class Slow(Counter):
    """A stage whose snapshot takes ``cost`` seconds of the clock (a state that grew)."""

    def __init__(self, clock: ManualClock, cost: float) -> None:
        super().__init__()
        self.clock, self.cost, self.taken = clock, cost, 0

    def snapshot(self) -> bytes:
        self.clock.advance(self.cost)
        self.taken += 1
        return super().snapshot()


def test_a_snapshot_that_takes_long_is_taken_less_often() -> None:
    """Every second, but at most 2% of the time (``snapshot_share``): a snapshot taking
    0.5 s waits 25 s for the next one, and the cursors wait with it.

        batch every 1 s   |....|....|....|....|....|....|   (60 batches)
        0.01 s snapshots  S S S S S S S S S ...               one a second: 60
        0.5 s snapshots   S.........................S......   one per 25 s: 3
    """
    taken = []
    for cost in (0.01, 0.5):
        clock = ManualClock(T0)
        store, stage = Store(":memory:"), Slow(clock, cost)
        after = AfterStore(store, clock, snapshot=stage, snapshot_every_s=1.0)

        def on_batch(batch: Batch, result: object, clock: ManualClock = clock) -> None:
            clock.advance(1.0)

        batches = [[_post(b)] for b in range(60)]
        Live(store, [stage], clock, after=after, on_batch=on_batch, separate_writer=False).run(
            batches
        )
        taken.append(stage.taken)
        assert store.snapshot("detect") == b"60" and store.cursor("feed") == "c59"
    assert taken[0] >= 50 and taken[1] <= 4  # the last one: the end of the run stores it


def test_a_restored_stage_resumes_from_the_stored_snapshot() -> None:
    store = Store(":memory:")
    first = Counter()
    Live(store, [first], ManualClock(T0), after=AfterStore(store, ManualClock(T0), snapshot=first),
         separate_writer=False).run([[_post(1), _post(2)]])  # fmt: skip
    again = Counter()
    assert AfterStore(store, ManualClock(T0), snapshot=again).restore()
    assert again.seen == 2
    assert not AfterStore(store, ManualClock(T0), snapshot=again, snapshot_key="other").restore()


def test_the_stages_are_built_from_the_loaded_config(tmp_path: Path) -> None:
    """Issue 14: one library function builds the stages from a config (``foretold.toml``
    as loaded, plus ``--track``); replay, watch and the detect worker all call it."""
    path = tmp_path / "foretold.toml"
    path.write_text('[[campaign]]\nname = "acme"\nhashtags = ["#acme"]\n')
    config = run_config(load_config(path), ["#other"])
    assert [c.name for c in config.campaigns] == ["acme", "other"]
    assert run_config(load_config(path)) == load_config(path)
    clock = ManualClock(T0)
    stages = build_stages(config, clock)
    assert [s.name for s in stages] == ["track", "classify", "read_pictures", "detect"]
    assert stages[0].campaigns == config.campaigns  # type: ignore[attr-defined]
    assert [s.name for s in build_stages(config, clock, classify=False, detect=False)] == ["track"]
    with pytest.raises(ConfigError, match="needs labels"):
        build_stages(config, clock, classify=False)
    # the detect worker's: tracked and labelled upstream
    assert [s.name for s in build_stages(config, clock, track=False, classify=False)] == ["detect"]
    assert build_stages(run_config(None), clock, classify=False) == []


def test_the_commands_leave_the_stages_to_the_library() -> None:
    """The CLI is a thin caller: no command builds a stage itself."""
    src = Path(__file__).resolve().parents[1] / "src" / "foretold"
    for name in ("cli/replay.py", "cli/watch.py", "workers/detect.py"):
        text = (src / name).read_text()
        assert "build_stages(config" in text or "build_stages(Config(" in text, name
        for own in ("Track(", "Classify(", "build_stage("):
            assert own not in text, (name, own)


def test_owner_names_the_tracked_campaigns_own_account() -> None:
    [campaign] = run_config(None, ["#AskJPM", "@jpmorgan"], "@jpmorgan").campaigns
    assert campaign.owner == "@jpmorgan" and campaign.hashtags == ("askjpm",)
    with pytest.raises(ConfigError, match="--owner @jpmorgan needs --track"):
        run_config(None, (), "@jpmorgan")


def test_the_owners_posts_are_not_counted_as_the_publics() -> None:
    from foretold.signals import CampaignSignals

    [campaign] = run_config(None, ["#AskJPM", "@jpmorgan"], "@jpmorgan").campaigns
    sig = CampaignSignals(campaign)
    for i, handle in enumerate(("jpmorgan", "jpmorgan", "ann")):
        sig.observe(
            Post(platform="x", id=str(i), text="#AskJPM hello", hashtags=("askjpm",),
                 author=Author(id=handle, handle=handle), created_at=T0),
            {"sentiment": "neutral", "emotion": "joy", "flags": []},
        )  # fmt: skip
    sig.windows.advance(int(T0.timestamp()) // 60 + 1)
    w = sig.read(1)
    assert (w.posts, w.labelled) == (1, 1)
