"""One run, in the library: the stages a configuration asks for, and what follows a batch.

``replay``, ``watch`` and the Kafka workers run the same stages in the same order and
do the same things around storing each batch; this module is the one place for both::

    campaigns? ──no──> (no Track, no Detect)
        │yes
        ▼
      Track ──> Classify (unless classify=False) ──> Detect (unless detect=False)
                                                         │
      AfterStore.seal:  outbox rows for the alerts,      ▼
                        the detector snapshot ───> one transaction with the posts, cursors
      AfterStore.stored: the alerts file                 (store.write_rows)
      AfterStore.begin / finish: the run record
      Delivery: a thread sending the outbox while a watch runs

The stages come from the loaded config (what ``foretold.toml`` parses into, plus a
``--track`` campaign: :func:`run_config`); the commands only pass it on:

>>> from datetime import UTC, datetime
>>> from foretold.clock import ManualClock
>>> clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
>>> config = run_config(None, ["#AskJPM"])
>>> [c.name for c in config.campaigns]
['askjpm']
>>> [s.name for s in build_stages(config, clock, classify=False, detect=False)]
['track']
>>> [s.name for s in build_stages(config, clock, track=False, classify=False)]  # a worker's
['detect']
>>> [s.name for s in build_stages(Config(campaigns=()), clock, classify=False)]
[]
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import IO, Any, Protocol

import orjson

from foretold.campaigns import Campaign, Config, Track
from foretold.clock import Clock
from foretold.errors import ConfigError
from foretold.records import Batch, Stage
from foretold.store import Store

__all__ = [
    "AfterStore",
    "Delivery",
    "Snapshotting",
    "build_stages",
    "run_config",
    "snapshot_stage",
    "warm_stages",
]

log = logging.getLogger("foretold.runs")


def run_config(config: Config | None, track: Sequence[str] = (), owner: str = "") -> Config:
    """The config a run uses: the loaded ``foretold.toml`` (or none), plus one campaign
    from ``--track`` terms when given, whose own account is ``owner`` (``--owner``)."""
    base = config if config is not None else Config(campaigns=())
    if owner and not track:
        raise ConfigError(f"--owner {owner} needs --track (a config's campaign names its owner)")
    if not track:
        return base
    return replace(base, campaigns=(*base.campaigns, Campaign.from_track(track, owner=owner)))


def build_stages(
    config: Config,
    clock: Clock,
    *,
    track: bool = True,
    classify: bool = True,
    tier: str = "fast",
    detect: bool = True,
) -> list[Stage]:
    """Track, then Classify, then Detect for ``config``'s campaigns: each only when asked
    for and meaningful. ``replay``, ``watch`` and the Kafka detect worker build theirs here.

    No campaigns: no tracking and no detection. Detection needs labels, so ``detect=True``
    with ``classify=False`` and campaigns is a :class:`ConfigError`, unless ``track=False``:
    then the posts arrive tracked and labelled (the detect worker, after the classify
    workers), and the stages are Detect alone. Campaigns listing their ``languages`` choose
    the classifier's languages.
    """
    campaigns = config.campaigns
    stages: list[Stage] = [Track(campaigns)] if campaigns and track else []
    if classify:
        from foretold.understand import load_classifier
        from foretold.understand.stage import Classify

        listed = [lang for c in campaigns for lang in c.languages]
        languages = listed if listed and all(c.languages for c in campaigns) else None
        from foretold.media.understand import ReadPictures

        classifier = load_classifier(tier, languages)
        # a picture post's image text and alt text are labelled with it (docs/media.md)
        stages += [Classify(classifier), ReadPictures(classifier)]
    if detect and campaigns:
        if not classify and track:
            raise ConfigError("--detect needs labels: drop --no-classify or add --no-detect")
        from foretold.detect import build_stage

        stages.append(build_stage(campaigns, clock))
    return stages


def warm_stages(stages: Sequence[Stage]) -> None:
    """Load now what the stages would load on their first posts (a live ``watch`` calls
    it before it reads: :meth:`foretold.understand.stage.Classify.warm`)."""
    for stage in stages:
        warm = getattr(stage, "warm", None)
        if callable(warm):
            warm()


class Snapshotting(Protocol):
    """A stage whose state can be saved and resumed (the ``Detect`` stage)."""

    name: str

    def snapshot(self) -> bytes: ...

    def restore(self, state: bytes) -> bool | None: ...


def snapshot_stage(stages: Sequence[Stage]) -> Snapshotting | None:
    """The detection stage of ``stages`` (the one whose state a restart must resume), or None."""
    for stage in stages:
        if stage.name == "detect" and hasattr(stage, "snapshot") and hasattr(stage, "restore"):
            return stage  # type: ignore[return-value]
    return None


def snapshot_name(campaigns: Sequence[Campaign], extra: object = None) -> str:
    """The name a detector snapshot is stored under: it changes with the campaigns (and
    ``extra``, e.g. the detector settings), so a changed config starts afresh."""
    spec = orjson.dumps([c.to_config() for c in campaigns], option=orjson.OPT_SORT_KEYS)
    digest = hashlib.sha256(spec + repr(extra).encode()).hexdigest()[:16]
    return f"detect:{digest}"


class AfterStore:
    """What every runner does around storing a batch its stages finished.

    ``seal`` (before the batch goes to the writer) adds the outbox rows of its alerts
    (for ``router``) and, with ``snapshot``, the detection stage's state under
    ``snapshot_key``: both commit in the batch's transaction, with the posts and the
    live cursors, so an alert is queued once and a restarted watch resumes the
    detectors exactly where the stored cursors resume the sources. A snapshot is
    taken at most every ``snapshot_every_s`` seconds (the #AskJPM detectors pickle to
    about 180 KiB in about 15 ms), and at most every ``1 / snapshot_share`` times as long
    as the last one took: a state that grows (the coordination state of a campaign at
    1,000 posts/s pickles to 5 MB in about 0.5 s after four minutes, docs/soak.md) is
    snapshotted less often instead of taking half the run's time. The cursors of the
    batches in between are held back and stored with the next snapshot (or by
    :meth:`final` at the end), so the stored cursors never run ahead of the stored
    state: after a crash the sources re-read at most those seconds of posts (stored
    once, their alerts kept once by id). ``stored`` (after the hand-over) writes the
    alerts file. ``begin``/``finish`` keep the run
    record and ``restore`` resumes the detection stage from the store.

    >>> from datetime import UTC, datetime
    >>> from foretold.clock import ManualClock
    >>> from foretold.sinks.routing import Router
    >>> store = Store(":memory:")
    >>> after = AfterStore(store, ManualClock(datetime(2026, 1, 1, tzinfo=UTC)),
    ...                    router=Router({"c": ["ops"]}, [{"name": "ops", "type": "console"}]))
    >>> batch = Batch(posts=[], alerts=[{"id": "a-1", "campaign": "c", "level": "crisis"}])
    >>> after.seal(batch)
    >>> batch.deliveries
    [('a-1', 'ops', '2026-01-01T00:00:00.000000Z')]
    """

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        alerts_out: IO[bytes] | None = None,
        router: Any = None,
        snapshot: Snapshotting | None = None,
        snapshot_key: str = "detect",
        snapshot_every_s: float = 0.0,
        snapshot_share: float = 0.02,
    ) -> None:
        self.store = store
        self.clock = clock
        self.alerts_out = alerts_out
        self.router = router
        self.snapshot = snapshot
        self.snapshot_key = snapshot_key
        self.snapshot_every_s = snapshot_every_s
        self.snapshot_share = snapshot_share
        self.run_id: int | None = None
        self.posts = 0  # posts and alerts of the batches sealed so far
        self.alerts = 0
        self._held: dict[str, tuple[str, str]] = {}  # cursors waiting for the next snapshot
        self._last_snapshot: float | None = None
        self._last_cost = 0.0  # seconds the last snapshot took
        self._behind = False  # the stage has seen batches since the last snapshot

    def begin(self, command: str) -> int:
        """Open the run record."""
        self.run_id = self.store.start_run(command, self.clock.now())
        return self.run_id

    def restore(self) -> bool:
        """Resume the detection stage from its stored snapshot; False when there is none,
        or when the stage cannot read it (an older foretold's: the stage starts afresh)."""
        if self.snapshot is None:
            return False
        state = self.store.snapshot(self.snapshot_key)
        if state is None:
            return False
        return self.snapshot.restore(state) is not False

    def seal(self, batch: Batch) -> None:
        """Before writing: the alerts' outbox rows and the stage snapshot, into the batch."""
        self.posts += len(batch.posts)
        self.alerts += len(batch.alerts)
        if batch.alerts and self.router is not None:
            from foretold.sinks.outbox import delivery_rows

            batch.deliveries.extend(delivery_rows(batch.alerts, self.router, self.clock.now()))
        if self.snapshot is None:
            return
        for source, cursor, at in batch.cursors:
            self._held[source] = (cursor, at)
        now = self.clock.monotonic()
        last = self._last_snapshot
        wait = self.snapshot_every_s
        if self.snapshot_share > 0:
            wait = max(wait, self._last_cost / self.snapshot_share)
        if last is None or now - last >= wait:
            self._snapshot_into(batch)
            self._last_snapshot = now
        else:  # cursors never run ahead of the stored detector state: held until then
            batch.cursors = []
            self._behind = True

    def _snapshot_into(self, batch: Batch) -> None:
        batch.cursors = [(s, c, at) for s, (c, at) in self._held.items()]
        self._held.clear()
        stamp = self.clock.now().isoformat()
        started = self.clock.monotonic()
        batch.snapshots.append((self.snapshot_key, self.snapshot_of(), stamp))
        self._last_cost = self.clock.monotonic() - started
        self._behind = False

    def snapshot_of(self) -> bytes:
        """The detection stage's state now."""
        assert self.snapshot is not None
        return self.snapshot.snapshot()

    def final(self) -> Batch | None:
        """At the end of a run (input done, or a stop): a batch of no posts that stores
        the last snapshot with the cursors held for it, when any are waiting."""
        if self.snapshot is None or not (self._held or self._behind):
            return None
        batch = Batch(posts=[])
        self._snapshot_into(batch)
        return batch

    def stored(self, batch: Batch) -> None:
        """After the hand-over to the writer: the alerts file, flushed per batch."""
        if batch.alerts and self.alerts_out is not None:
            for alert in batch.alerts:
                self.alerts_out.write(orjson.dumps(alert) + b"\n")
            self.alerts_out.flush()

    def finish(self, summary: dict[str, Any]) -> None:
        """Close the run record with its summary (a stopped run is finished too)."""
        if self.run_id is not None:
            self.store.finish_run(self.run_id, self.clock.now(), summary)


def router_for(config: Config | None) -> Any:
    """The outbox router of a config with ``[[sink]]`` tables, or None."""
    if config is None or not config.sinks:
        return None
    from foretold.sinks import Router

    return Router.from_config(config)


class Delivery:
    """Sends the outbox through the config's sinks: once (``run_once``) or on a thread
    every ``every_s`` seconds while a watch runs (``start``/``stop``), on its own
    connection when given the store's path. What fails stays pending for ``foretold
    alerts --deliver``."""

    def __init__(
        self,
        store: Store | str,
        config: Config,
        clock: Clock,
        env: Mapping[str, str] | None = None,
        every_s: float = 1.0,
    ) -> None:
        from foretold.sinks import Dispatcher, build_sinks, secret_values

        self._own = isinstance(store, str)
        self.store = Store(store) if isinstance(store, str) else store
        self.dispatcher = Dispatcher(
            self.store.db, build_sinks(config.sinks, env), clock, random.Random(),
            secrets=secret_values(config.sinks, env),
        )  # fmt: skip
        self.every_s = every_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self, limit: int = 1000) -> None:
        """Try every due delivery once."""
        self.dispatcher.run_once(limit=limit)

    def start(self) -> None:
        """Deliver on a thread until :meth:`stop`."""
        self._thread = threading.Thread(target=self._loop, name="foretold-delivery", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                self.run_once()
            except Exception as e:  # the store busy, a sink bug: the outbox keeps the alert
                log.warning("delivery pass failed: %s", e)

    def stop(self) -> None:
        """Stop the thread, make one last pass (alerts of the last batch), close."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        try:
            self.run_once()
        finally:
            if self._own:
                self.store.close()
