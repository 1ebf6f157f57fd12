"""The outbox: routes, queueing, backoff with jitter, delivered once, errors without secrets."""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from foretold.clock import ManualClock
from foretold.errors import ConfigError
from foretold.sinks import DeliveryError, Dispatcher, Router, deliveries, enqueue, retry_failed
from foretold.store import Store
from tests.sinks.conftest import make_alert

T0 = datetime(2013, 11, 13, 21, 30, tzinfo=UTC)
SINKS = [
    {"name": "slack", "type": "slack", "url_env": "S", "levels": ["watch", "warning", "crisis"]},
    {"name": "email", "type": "email", "levels": ["crisis"]},
]


class Recorder:
    def __init__(self, name: str, fail: int = 0, error: str = "down") -> None:
        self.name, self.fail, self.error = name, fail, error
        self.got: list[str] = []
        self.calls = 0

    def deliver(self, alert: dict[str, Any]) -> None:
        self.calls += 1
        if self.calls <= self.fail:
            raise DeliveryError(f"sink {self.name!r}: {self.error}")
        self.got.append(alert["id"])


def _store(alerts: list[dict[str, Any]], path: str = ":memory:") -> Store:
    store = Store(path)
    store.put_alerts(alerts)
    return store


def test_levels_route_per_campaign() -> None:
    router = Router({"askjpm": ["slack", "email"], "quiet": []}, SINKS)
    assert router.sinks_for(make_alert("watch")) == ["slack"]
    assert router.sinks_for(make_alert("crisis")) == ["slack", "email"]
    assert router.sinks_for(make_alert("all_clear")) == []
    assert router.sinks_for(make_alert("crisis", campaign="quiet")) == []
    assert router.sinks_for(make_alert("crisis", campaign="unknown")) == []


def test_router_rejects_unknown_sink_and_level() -> None:
    with pytest.raises(ConfigError, match="'pager' is not defined"):
        Router({"askjpm": ["pager"]}, SINKS)
    with pytest.raises(ConfigError, match="levels must be"):
        Router({}, [{"name": "x", "type": "console", "levels": ["panic"]}])
    with pytest.raises(ConfigError, match="type must be"):
        Router({}, [{"name": "x", "type": "pigeon"}])


def test_enqueue_queues_each_route_once() -> None:
    alerts = [make_alert("watch"), make_alert("crisis")]
    store = _store(alerts)
    router = Router({"askjpm": ["slack", "email"]}, SINKS)
    assert enqueue(store.db, alerts, router, T0) == 3
    assert enqueue(store.db, alerts, router, T0) == 0
    rows = deliveries(store.db)
    assert sorted((r["level"], r["sink"], r["state"]) for r in rows) == [
        ("crisis", "email", "pending"),
        ("crisis", "slack", "pending"),
        ("watch", "slack", "pending"),
    ]


def test_delivered_once_even_when_run_again() -> None:
    alert = make_alert()
    store = _store([alert])
    enqueue(store.db, [alert], Router({"askjpm": ["slack"]}, SINKS), T0)
    sink = Recorder("slack")
    clock = ManualClock(T0)
    d = Dispatcher(store.db, {"slack": sink}, clock, random.Random(0))
    assert d.run_once().delivered == 1
    clock.advance(3600)
    assert d.run_once().delivered == 0
    assert sink.got == [alert["id"]]
    (row,) = deliveries(store.db)
    assert row["state"] == "delivered" and row["attempts"] == 1 and row["delivered_at"]


def test_a_failing_sink_does_not_block_the_others() -> None:
    alert = make_alert()
    store = _store([alert])
    enqueue(store.db, [alert], Router({"askjpm": ["slack", "email"]}, SINKS), T0)
    slack, email = Recorder("slack", fail=99), Recorder("email")
    d = Dispatcher(store.db, {"slack": slack, "email": email}, ManualClock(T0), random.Random(0))
    r = d.run_once()
    assert (r.delivered, r.retrying, r.failed) == (1, 1, 0)
    assert email.got == [alert["id"]]
    assert [x["sink"] for x in deliveries(store.db, ["pending"])] == ["slack"]


def test_retries_back_off_exponentially_with_jitter() -> None:
    alert = make_alert()
    store = _store([alert])
    enqueue(store.db, [alert], Router({"askjpm": ["slack"]}, SINKS), T0)
    clock = ManualClock(T0)
    d = Dispatcher(store.db, {"slack": Recorder("slack", fail=99)}, clock, random.Random(7),
                   base_s=30, cap_s=600, max_attempts=20)  # fmt: skip
    waits = []
    for _ in range(7):
        assert d.run_once().retrying == 1
        (row,) = deliveries(store.db)
        wait = (datetime.fromisoformat(row["next_at"]) - clock.now()).total_seconds()
        waits.append(wait)
        assert d.run_once().retrying == 0  # not due yet
        clock.advance(wait)
    #  attempt   1     2     3      4      5      6     7
    #  nominal  30    60   120    240    480    600   600 (cap), each x U(0.5, 1)
    for wait, nominal in zip(waits, [30, 60, 120, 240, 480, 600, 600], strict=True):
        assert nominal * 0.5 <= wait <= nominal
    assert len(set(waits)) == len(waits)  # jittered


def test_gives_up_after_max_attempts_and_can_be_requeued() -> None:
    alert = make_alert()
    store = _store([alert])
    enqueue(store.db, [alert], Router({"askjpm": ["slack"]}, SINKS), T0)
    clock = ManualClock(T0)
    sink = Recorder("slack", fail=3)
    d = Dispatcher(store.db, {"slack": sink}, clock, random.Random(1), max_attempts=3)
    for _ in range(3):
        d.run_once()
        clock.advance(7200)
    (row,) = deliveries(store.db)
    assert row["state"] == "failed" and row["attempts"] == 3
    assert retry_failed(store.db, clock.now()) == 1
    assert d.run_once().delivered == 1
    assert sink.got == [alert["id"]]


def test_unknown_sink_is_an_error_not_a_loss() -> None:
    alert = make_alert()
    store = _store([alert])
    enqueue(store.db, [alert], Router({"askjpm": ["slack"]}, SINKS), T0)
    d = Dispatcher(store.db, {}, ManualClock(T0), random.Random(1))
    assert d.run_once().retrying == 1
    assert deliveries(store.db)[0]["last_error"] == "sink 'slack' is not configured"


def test_sink_bug_is_caught_and_retried() -> None:
    class Broken:
        name = "slack"

        def deliver(self, alert: dict[str, Any]) -> None:
            raise KeyError("boom")

    alert = make_alert()
    store = _store([alert])
    enqueue(store.db, [alert], Router({"askjpm": ["slack"]}, SINKS), T0)
    d = Dispatcher(store.db, {"slack": Broken()}, ManualClock(T0), random.Random(1))
    assert d.run_once().retrying == 1
    assert deliveries(store.db)[0]["last_error"] == "sink 'slack': KeyError"


def test_errors_are_stored_and_logged_without_secrets(caplog: pytest.LogCaptureFixture) -> None:
    secret = "https://hooks.slack.test/T0/B0/xoxb-secret"
    alert = make_alert()
    store = _store([alert])
    enqueue(store.db, [alert], Router({"askjpm": ["slack"]}, SINKS), T0)
    sink = Recorder("slack", fail=1, error=f"POST {secret} refused\nforged log line")
    d = Dispatcher(store.db, {"slack": sink}, ManualClock(T0), random.Random(1), secrets=[secret])
    with caplog.at_level(logging.WARNING, logger="foretold.sinks"):
        d.run_once()
    error = deliveries(store.db)[0]["last_error"]
    assert "xoxb" not in error and "[redacted]" in error and "\n" not in error
    assert "xoxb" not in caplog.text and "\nforged" not in caplog.text
    assert "delivery of alert askjpm-2013-11-13T21:26:56Z-crisis to slack failed" in caplog.text


def test_two_dispatchers_on_one_file_send_once(tmp_path: Path) -> None:
    alerts = [make_alert(at=f"2013-11-13T21:{m:02d}:00Z") for m in range(20)]
    path = str(tmp_path / "s.db")
    store = _store(alerts, path)
    enqueue(store.db, alerts, Router({"askjpm": ["slack"]}, SINKS), T0)
    sink = Recorder("slack")
    other = Store(path)
    clock = ManualClock(T0)
    a = Dispatcher(store.db, {"slack": sink}, clock, random.Random(1))
    b = Dispatcher(other.db, {"slack": sink}, clock, random.Random(2))
    # b reads the same due rows, then a claims and sends them first
    due = b.db.execute("SELECT alert_id, sink FROM deliveries").fetchall()
    assert len(due) == 20
    assert a.run_once().delivered == 20
    assert b.run_once().delivered == 0
    assert sorted(sink.got) == sorted(x["id"] for x in alerts)
    other.close()
    store.close()
