"""``foretold worker detect``: keyed by campaign, with its detectors' state checkpointed.

A detect worker owns some partitions of the labelled topic, hence some campaigns.
For each campaign it keeps, in Quix Streams' state store (RocksDB locally, a changelog
topic in Kafka), the embedded :class:`~foretold.detect.stage.Detect` stage's
:meth:`~foretold.detect.stage.Detect.snapshot` (every few hundred posts) with the posts
since, the next sequence number it expects and the posts that arrived early. Posts are
fed to ``Detect`` strictly in publish order, so the alerts are those of the in-process
pipeline. With ``exactly_once`` the state, the alerts produced and the consumed offsets
commit together: a worker killed at any point resumes from the last checkpoint,
re-processes what came after it (raising the same alerts again, which the store keeps
once by id) and loses nothing. On brokers whose transactions hide aborted messages
(Kafka, Redpanda) the alert topic then also has each alert once.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

import orjson

from foretold.campaigns import Campaign, Config
from foretold.clock import Clock
from foretold.detect.stage import Detect
from foretold.records import Batch, LabelUpdate
from foretold.runs import AfterStore, build_stages
from foretold.sinks.routing import Router
from foretold.store import Store
from foretold.workers import engine
from foretold.workers.topics import ALERTS, LABELLED, Labelled
from foretold.writer import message

GROUP = "foretold-detect"
#: the most characters of the (base64) snapshot in one state key, hence one changelog
#: record: half of Kafka's default 1 MB message limit
SNAP_PART = 512 * 1024
#: the late picture updates remembered per campaign, so a redelivered one is applied once
APPLIED = 1000


class Detector:
    """Labelled message in (with its campaign's state), alerts out; writes the store.

    State per campaign: ``next`` (the sequence number expected), ``p<seq>`` (posts that
    came early), ``snap`` (the stage's snapshot as of sequence ``snap_next``, continued in
    ``snap.1`` ... when it is over ``SNAP_PART`` characters; ``snap_parts`` says how many),
    ``r<seq>`` (posts processed since the snapshot) and, for late picture labels
    (updates, docs/media.md): ``u<seq>`` (the updates applied after post ``seq``, since
    the snapshot), ``q<seq>`` (updates waiting for post ``seq``, still early) and
    ``applied`` (the last ``APPLIED`` updates' keys). A snapshot is taken every
    ``snapshot_every`` posts; restoring replays the posts after it, each followed by its
    updates, through the stage (their alerts were already raised and are dropped), so
    the per-post cost stays small.
    """

    def __init__(
        self,
        campaigns: Sequence[Campaign],
        clock: Clock,
        store: Store,
        snapshot_every: int = 500,
        router: Router | None = None,
        after: AfterStore | None = None,
    ) -> None:
        self.campaigns = {c.name: c for c in campaigns}
        self.clock = clock
        self.store = store
        self.snapshot_every = snapshot_every
        self.router = router
        self.after = after or AfterStore(store, clock, router=router)
        #: campaign -> (next sequence number, live stage): skips restoring per post
        self._live: dict[str, tuple[int, Detect]] = {}

    def __call__(self, value: dict[str, Any], state: Any) -> list[dict[str, Any]]:
        lab = Labelled.from_json(value)
        if lab.campaign is None or lab.campaign not in self.campaigns:
            self._store([lab], Batch(posts=[]))
            return []
        if lab.update:
            return self._update(lab, value, state)
        nxt: int = state.get("next", 0)
        if lab.seq < nxt or state.exists(f"p{lab.seq}"):
            return []  # seen before (a redelivery)
        if lab.seq > nxt:
            state.set(f"p{lab.seq}", value)  # early: wait for the posts before it
            return []
        values = [value]
        nxt += 1
        while state.exists(f"p{nxt}"):
            values.append(state.get(f"p{nxt}"))
            state.delete(f"p{nxt}")
            nxt += 1
        stage = self._stage(lab.campaign, state, lab.seq)
        # each post, then the late picture labels that came for it while it waited
        ready: list[Labelled] = []
        for i, v in enumerate(values):
            ready.append(Labelled.from_json(v))
            queued = state.get(f"q{lab.seq + i}")
            if queued is not None:
                state.delete(f"q{lab.seq + i}")
                ups = [u for u in queued if self._first(Labelled.from_json(u), state)]
                if ups:
                    state.set(f"u{lab.seq + i}", ups)
                    ready.extend(Labelled.from_json(u) for u in ups)
        batch = _run(stage, lab.campaign, ready)
        self._checkpoint(stage, state, lab.seq, values, nxt)
        self._live[lab.campaign] = (nxt, stage)
        self._store(ready, batch)
        return batch.alerts

    def _update(self, lab: Labelled, value: dict[str, Any], state: Any) -> list[dict[str, Any]]:
        """A late picture's labels for a post of the campaign: applied now when the post
        was counted (and kept, after it, for a restore to replay), else kept with the
        post until it is; a redelivered update is applied once."""
        assert lab.campaign is not None
        nxt: int = state.get("next", 0)
        if lab.seq >= nxt:  # its post waits for the posts before it
            queued = state.get(f"q{lab.seq}") or []
            if value not in queued:
                state.set(f"q{lab.seq}", [*queued, value])
            return []
        if not self._first(lab, state):
            return []
        stage = self._stage(lab.campaign, state, nxt)
        batch = _run(stage, lab.campaign, [lab])
        state.set(f"u{nxt - 1}", [*(state.get(f"u{nxt - 1}") or []), value])
        self._live[lab.campaign] = (nxt, stage)
        self._store([lab], batch)
        return batch.alerts

    @staticmethod
    def _first(lab: Labelled, state: Any) -> bool:
        """True the first time this update is seen (the last ``APPLIED`` are remembered)."""
        applied: list[str] = state.get("applied") or []
        key = lab.key()
        if key in applied:
            return False
        state.set("applied", [*applied[-(APPLIED - 1) :], key])
        return True

    def _checkpoint(
        self, stage: Detect, state: Any, seq: int, values: list[dict[str, Any]], nxt: int
    ) -> None:
        snap_next: int = state.get("snap_next", 0)
        if nxt - snap_next >= self.snapshot_every:
            # in parts: a storm's coordination state reaches megabytes, over a broker's
            # message limit for one changelog record (docs/coordination.md)
            snap = base64.b64encode(stage.snapshot()).decode()
            parts = [snap[i : i + SNAP_PART] for i in range(0, len(snap), SNAP_PART)] or [""]
            state.set("snap", parts[0])
            for k, part in enumerate(parts[1:], 1):
                state.set(f"snap.{k}", part)
            for k in range(len(parts), state.get("snap_parts", 1)):
                state.delete(f"snap.{k}")
            state.set("snap_parts", len(parts))
            state.set("snap_next", nxt)
            for old in range(snap_next, seq):
                state.delete(f"r{old}")
            for old in range(snap_next - 1, nxt):  # updates applied before the snapshot
                if state.exists(f"u{old}"):
                    state.delete(f"u{old}")
        else:
            for i, v in enumerate(values):
                state.set(f"r{seq + i}", v)
        state.set("next", nxt)

    def _stage(self, campaign: str, state: Any, seq: int) -> Detect:
        live = self._live.get(campaign)
        if live is not None and live[0] == seq:
            return live[1]
        # the stages replay and watch build, less Track and Classify (done upstream)
        [stage] = build_stages(Config(campaigns=(self.campaigns[campaign],)), self.clock,
                               track=False, classify=False)  # fmt: skip
        assert isinstance(stage, Detect)
        snap: str | None = state.get("snap")
        if snap is not None:
            rest = [state.get(f"snap.{k}") for k in range(1, state.get("snap_parts", 1))]
            stage.restore(base64.b64decode(snap + "".join(rest)))
        since: int = state.get("snap_next", 0)
        replay: list[Labelled] = []  # the posts since the snapshot, each with its updates
        for i in range(since - 1, seq):
            if i >= since:
                replay.append(Labelled.from_json(state.get(f"r{i}")))
            replay.extend(Labelled.from_json(u) for u in state.get(f"u{i}") or [])
        if replay:
            _run(stage, campaign, replay)  # rebuilds state; alerts already raised
        return stage

    def _store(self, ready: list[Labelled], batch: Batch) -> None:
        """The batch's rows as the embedded runner writes them (one row-building function,
        :func:`~foretold.writer.message`), with the alerts' outbox rows (once per alert id)
        in the same transaction: the posts (an update's post was stored before), their
        labels in order (an update's replace its post's) and what their pictures say."""
        batch.posts = [r.post for r in ready if not r.update]
        batch.labels = [(r.post.platform, r.post.id, r.tier, orjson.dumps(r.labels)) for r in ready]
        batch.readings = [row for r in ready for row in r.readings]
        self.after.seal(batch)
        self.store.write_rows(*message(batch))


def _run(stage: Detect, campaign: str, items: list[Labelled]) -> Batch:
    """Posts and updates through ``stage`` in their order (``Detect`` applies a batch's
    updates before its posts, so a batch is cut after each post an update follows);
    the batch of the posts, with every alert, metric and phase."""
    out = _batch(campaign, [r for r in items if not r.update])
    i = 0
    while i < len(items):
        ups = []
        while i < len(items) and items[i].update:
            ups.append(items[i])
            i += 1
        posts = []
        while i < len(items) and not items[i].update:
            posts.append(items[i])
            i += 1
        part = _batch(campaign, posts)
        part.updates = [LabelUpdate(u.post, (campaign,), u.before, u.labels) for u in ups]
        stage.process(part)
        out.alerts += part.alerts
        out.metrics += part.metrics
        out.phases += part.phases
    return out


def _batch(campaign: str, posts: list[Labelled]) -> Batch:
    """A batch of one campaign's posts with their labels, as Track and Classify leave it."""
    return Batch(
        posts=[r.post for r in posts],
        memberships=[(campaign, r.post.platform, r.post.id) for r in posts],
        label_of={r.post.key: r.labels for r in posts},
    )


def alert_key(alert: dict[str, Any]) -> str:
    """The alert topic's key: the campaign."""
    campaign: str = alert["campaign"]
    return campaign


def build_app(
    broker: str,
    campaigns: Sequence[Campaign],
    clock: Clock,
    store: Store,
    partitions: int = 4,
    group: str = GROUP,
    state_dir: str = "state",
    exactly_once: bool = True,
    worker_id: str | None = None,
    router: Router | None = None,
    after: AfterStore | None = None,
) -> Any:
    """The detect worker's Quix Streams application (call ``.run()`` on it); ``after`` is
    the run's :class:`~foretold.runs.AfterStore` (outbox rows with each batch)."""
    app = engine.application(
        broker, group, state_dir=state_dir, exactly_once=exactly_once, worker_id=worker_id
    )
    labelled = engine.topic(app, LABELLED, partitions)
    out = engine.topic(app, ALERTS, partitions)
    sdf = app.dataframe(labelled)
    step = Detector(campaigns, clock, store, router=router, after=after)
    sdf = sdf.apply(step, stateful=True, expand=True)
    sdf.to_topic(out, key=alert_key)
    return app
