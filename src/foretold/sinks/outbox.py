"""The outbox: alerts queued per sink in the store's ``deliveries`` table, sent by a
:class:`Dispatcher` with exponential backoff and jitter, delivered once.

A delivery is one ``(alert_id, sink)`` row: ``pending`` until a sink takes it, then
``delivered`` (once: the row is claimed before sending, so two dispatchers never
send it twice), or ``failed`` after ``max_attempts`` or an error not worth retrying.
Errors are stored and logged without secrets. The sinks of a pass are served
concurrently by a bounded pool (``workers``, 8), each sink's deliveries in order;
after a failure worth retrying, the rest of that sink's deliveries wait for its
retry, so a hanging endpoint costs the pass one timeout, not one per alert, and holds
no other sink. The store is only touched from the calling thread. Nothing here blocks the pipeline:
:func:`enqueue` is one insert, and a dispatcher runs beside it (``foretold alerts
--deliver``) on its own connection.

::

    attempt      1      2        3            4 ...
    fails at    t0     t0+30s   t0+90s       t0+210s        (base 30 s, before jitter)
    next_at     +30s   +60s     +120s        +240s ... capped at 1 h; delay × U(0.5, 1)

>>> import random
>>> from datetime import datetime, UTC
>>> from foretold.clock import ManualClock
>>> from foretold.store import Store
>>> from foretold.sinks.routing import Router
>>> store = Store(":memory:")
>>> alert = {"id": "a-1", "campaign": "c", "level": "crisis", "at": "2013-11-13T21:00:00Z",
...          "raised_at": "2013-11-13T21:00:01Z", "summary": "s"}
>>> store.put_alerts([alert])
>>> clock = ManualClock(datetime(2013, 11, 13, 21, tzinfo=UTC))
>>> enqueue(store.db, [alert], Router({"c": ["out"]}, [{"name": "out", "type": "console"}]), clock.now())
1
>>> class Flaky:
...     name, calls = "out", 0
...     def deliver(self, alert):
...         self.calls += 1
...         if self.calls == 1:
...             raise DeliveryError("sink 'out': down")
>>> d = Dispatcher(store.db, {"out": Flaky()}, clock, random.Random(1))
>>> d.run_once(), clock.advance(60), d.run_once()
(DispatchResult(delivered=0, retrying=1, failed=0), None, DispatchResult(delivered=1, retrying=0, failed=0))
>>> [(r["state"], r["attempts"], r["last_error"]) for r in deliveries(store.db)]
[('delivered', 2, "sink 'out': down")]
"""

from __future__ import annotations

import logging
import random
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from foretold.clock import Clock
from foretold.sinks.base import Alert, DeliveryError, Sink, one_line, redact
from foretold.sinks.evidence import with_posts
from foretold.sinks.routing import Router

log = logging.getLogger("foretold.sinks")
STATES = ("pending", "delivered", "failed")


def stamp(t: datetime) -> str:
    """Outbox times: fixed-width UTC text, so text order is time order."""
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def enqueue(db: sqlite3.Connection, alerts: Iterable[Alert], router: Router, now: datetime) -> int:
    """Queue each alert for each sink its route names; returns the rows added (an alert
    already queued for a sink is not queued again)."""
    rows = delivery_rows(alerts, router, now)
    if not rows:
        return 0
    before = db.total_changes
    db.executemany(
        "INSERT OR IGNORE INTO deliveries (alert_id, sink, state, attempts, next_at)"
        " VALUES (?, ?, 'pending', 0, ?)",
        rows,
    )
    return db.total_changes - before


def delivery_rows(
    alerts: Iterable[Alert], router: Router, now: datetime
) -> list[tuple[str, str, str]]:
    """The outbox rows ``(alert id, sink, due at)`` of ``alerts``: what :func:`enqueue`
    inserts, or what a runner stores in the same transaction as the alerts."""
    return [(a["id"], sink, stamp(now)) for a in alerts for sink in router.sinks_for(a)]


def deliveries(db: sqlite3.Connection, states: Sequence[str] = STATES) -> list[dict[str, Any]]:
    """Deliveries in the given states, oldest alert first, with the alert's campaign and level."""
    marks = ",".join("?" * len(states))
    rows = db.execute(
        "SELECT d.alert_id, d.sink, d.state, d.attempts, d.next_at, d.last_error, d.delivered_at,"
        " a.campaign, a.level FROM deliveries d LEFT JOIN alerts a ON a.id = d.alert_id"
        f" WHERE d.state IN ({marks}) ORDER BY a.at, d.alert_id, d.sink",
        tuple(states),
    )
    keys = ("alert_id", "sink", "state", "attempts", "next_at", "last_error", "delivered_at",
            "campaign", "level")  # fmt: skip
    return [dict(zip(keys, r, strict=True)) for r in rows]


def retry_failed(db: sqlite3.Connection, now: datetime) -> int:
    """Put failed deliveries back in the queue, due now; returns how many."""
    cur = db.execute(
        "UPDATE deliveries SET state = 'pending', attempts = 0, next_at = ? WHERE state = 'failed'",
        (stamp(now),),
    )
    return cur.rowcount


@dataclass(frozen=True)
class DispatchResult:
    """What one pass did: deliveries sent, scheduled for retry, given up on."""

    delivered: int = 0
    retrying: int = 0
    failed: int = 0


class Dispatcher:
    """Send due deliveries through their sinks; the clock and the random source are injected."""

    def __init__(
        self,
        db: sqlite3.Connection,
        sinks: Mapping[str, Sink],
        clock: Clock,
        rng: random.Random,
        base_s: float = 30.0,
        cap_s: float = 3600.0,
        max_attempts: int = 10,
        lease_s: float = 120.0,
        secrets: Sequence[str] = (),
        workers: int = 8,
    ) -> None:
        self.db = db
        self.sinks = sinks
        self.clock = clock
        self.rng = rng
        self.base_s = base_s
        self.cap_s = cap_s
        self.max_attempts = max_attempts
        self.lease_s = lease_s
        self.secrets = secrets
        self.workers = workers

    def backoff(self, attempts: int) -> float:
        """Seconds before the next try after ``attempts`` failures: doubling, capped, jittered."""
        delay = min(self.cap_s, self.base_s * 2.0 ** max(attempts - 1, 0))
        return delay * (0.5 + 0.5 * self.rng.random())

    def run_once(self, limit: int = 100) -> DispatchResult:
        """Try every delivery that is due now (at most ``limit``)."""
        now = self.clock.now()
        due = self.db.execute(
            "SELECT d.alert_id, d.sink, d.attempts FROM deliveries d LEFT JOIN alerts a"
            " ON a.id = d.alert_id WHERE d.state = 'pending' AND d.next_at <= ?"
            " ORDER BY d.next_at, a.at, d.alert_id, d.sink LIMIT ?",
            (stamp(now), limit),
        ).fetchall()
        claimed = [
            (alert_id, sink_name, int(attempts) + 1)
            for alert_id, sink_name, attempts in due
            if self._claim(alert_id, sink_name, now)  # else another dispatcher has it
        ]
        chains: dict[str, list[tuple[str, int, Callable[[], None]]]] = {}
        for alert_id, sink_name, attempt in claimed:
            chains.setdefault(sink_name, []).append(
                (alert_id, attempt, self._job(alert_id, sink_name))
            )
        runs = [[job for *_, job in chain] for chain in chains.values()]
        if len(runs) > 1 and self.workers > 1:
            with ThreadPoolExecutor(min(self.workers, len(runs)), "foretold-sink") as pool:
                outcomes = list(pool.map(_run_chain, runs))
        else:
            outcomes = [_run_chain(run) for run in runs]
        delivered = retrying = failed = 0
        for (sink_name, chain), errors in zip(chains.items(), outcomes, strict=True):
            later: str | None = None
            for (alert_id, attempt, _), error in zip(chain, errors, strict=True):
                if error is _NOT_TRIED:
                    self._postpone(alert_id, sink_name, later)
                    retrying += 1
                    continue
                assert not isinstance(error, _NotTried)
                outcome = self._record(alert_id, sink_name, attempt, error)
                if outcome == "delivered":
                    delivered += 1
                elif outcome == "pending":
                    retrying += 1
                    later = self._next_at(alert_id, sink_name)
                else:
                    failed += 1
        return DispatchResult(delivered, retrying, failed)

    def _next_at(self, alert_id: str, sink: str) -> str | None:
        row = self.db.execute(
            "SELECT next_at FROM deliveries WHERE alert_id = ? AND sink = ?", (alert_id, sink)
        ).fetchone()
        return None if row is None else row[0]

    def _postpone(self, alert_id: str, sink: str, until: str | None) -> None:
        """Not tried this pass (the sink failed just before): due with the failed one."""
        self.db.execute(
            "UPDATE deliveries SET next_at = ? WHERE alert_id = ? AND sink = ? AND state = 'pending'",
            (until or stamp(self.clock.now()), alert_id, sink),
        )

    def _claim(self, alert_id: str, sink: str, now: datetime) -> bool:
        lease = stamp(now + timedelta(seconds=self.lease_s))
        cur = self.db.execute(
            "UPDATE deliveries SET next_at = ? WHERE alert_id = ? AND sink = ?"
            " AND state = 'pending' AND next_at <= ?",
            (lease, alert_id, sink, stamp(now)),
        )
        return cur.rowcount == 1

    def _job(self, alert_id: str, sink_name: str) -> Callable[[], None]:
        """What a worker runs: hand the alert (read here, on the store's thread) to its sink."""
        try:
            sink = self.sinks.get(sink_name)
            if sink is None:
                raise DeliveryError(f"sink {sink_name!r} is not configured")
            alert = self._alert(alert_id)
            if getattr(sink, "quotes_posts", False):  # Slack, e-mail: the posts' text too
                alert = with_posts(self.db, alert)
        except DeliveryError as e:
            error = e

            def fail() -> None:
                raise error

            return fail
        return lambda: _deliver(sink, sink_name, alert)

    def _record(
        self, alert_id: str, sink_name: str, attempt: int, error: DeliveryError | None
    ) -> str:
        if error is not None:
            return self._failed(alert_id, sink_name, attempt, str(error), error.retry)
        now = stamp(self.clock.now())
        self.db.execute(
            "UPDATE deliveries SET state = 'delivered', attempts = ?, delivered_at = ?,"
            " next_at = NULL WHERE alert_id = ? AND sink = ? AND state = 'pending'",
            (attempt, now, alert_id, sink_name),
        )
        log.info("delivered alert %s to %s (attempt %d)", one_line(alert_id), sink_name, attempt)
        return "delivered"

    def _alert(self, alert_id: str) -> Alert:
        row = self.db.execute("SELECT alert FROM alerts WHERE id = ?", (alert_id,)).fetchone()
        if row is None:
            raise DeliveryError(f"alert {alert_id!r} is not in the store")
        alert: Alert = orjson.loads(row[0])
        return alert

    def _failed(self, alert_id: str, sink: str, attempt: int, error: str, retry: bool) -> str:
        error = one_line(redact(error, self.secrets), 500)
        give_up = not retry or attempt >= self.max_attempts
        state = "failed" if give_up else "pending"
        next_at = (
            None if give_up else stamp(self.clock.now() + timedelta(seconds=self.backoff(attempt)))
        )
        self.db.execute(
            "UPDATE deliveries SET state = ?, attempts = ?, next_at = ?, last_error = ?"
            " WHERE alert_id = ? AND sink = ?",
            (state, attempt, next_at, error, alert_id, sink),
        )
        log.warning(
            "delivery of alert %s to %s failed (attempt %d, %s): %s",
            one_line(alert_id), sink, attempt, "gave up" if give_up else f"retry at {next_at}", error,
        )  # fmt: skip
        return state


def _deliver(sink: Sink, name: str, alert: Alert) -> None:
    try:
        sink.deliver(alert)
    except DeliveryError:
        raise
    except Exception as e:  # a sink bug must not stop the pipeline or lose the alert
        raise DeliveryError(f"sink {name!r}: {type(e).__name__}") from None


class _NotTried:
    """A delivery skipped because the one before it, to the same sink, failed."""


_NOT_TRIED = _NotTried()


def _run_chain(jobs: list[Callable[[], None]]) -> list[DeliveryError | _NotTried | None]:
    """One sink's deliveries on a worker, in order: None for each that went through, else
    its error. After a failure worth retrying (a timeout, an outage) the rest of the
    chain is not tried this pass, so a hanging endpoint costs one timeout, not one per
    alert, and the sink still gets its alerts in order."""
    out: list[DeliveryError | _NotTried | None] = []
    skip = False
    for job in jobs:
        if skip:
            out.append(_NOT_TRIED)
            continue
        try:
            job()
        except DeliveryError as e:
            out.append(e)
            skip = e.retry
            continue
        out.append(None)
    return out
