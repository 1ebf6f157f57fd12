"""Webhook destinations (issue 13, item 10): file:// fails for good, a redirect says why,
loopback and private addresses need ``allow_private = true``, and deliveries run
concurrently in a bounded pool so one slow sink does not hold the others."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from foretold.clock import ManualClock
from foretold.sinks import DeliveryError, Dispatcher, Router, build_sinks, deliveries, enqueue
from foretold.sinks.http import default_client
from foretold.sinks.webhook import WebhookSink
from foretold.store import Store

T0 = datetime(2013, 11, 13, 21, 30, tzinfo=UTC)


def _alert(i: int) -> dict[str, Any]:
    at = f"2013-11-13T21:{i:02d}:00Z"
    return {"id": f"c-{i}", "campaign": "c", "level": "crisis", "at": at,
            "raised_at": "2026-01-01T00:00:00Z", "summary": "s"}  # fmt: skip


def _dispatch(sinks: dict[str, Any], n: int = 1, workers: int = 8) -> list[dict[str, Any]]:
    store = Store(":memory:")
    alerts = [_alert(i) for i in range(n)]
    store.put_alerts(alerts)
    tables = [{"name": name, "type": "console"} for name in sinks]
    enqueue(store.db, alerts, Router({"c": list(sinks)}, tables), T0)
    Dispatcher(store.db, sinks, ManualClock(T0), random.Random(1), workers=workers).run_once()
    return deliveries(store.db)


@pytest.fixture
def receiver() -> Any:
    got: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            got.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", got
    server.shutdown()
    server.server_close()


def test_a_file_url_fails_for_good_after_one_attempt() -> None:
    [row] = _dispatch({"hook": WebhookSink("file:///etc/passwd", name="hook")})
    assert (row["state"], row["attempts"]) == ("failed", 1)
    assert "must be http:// or https://, not file://" in row["last_error"]
    assert "/etc/passwd" not in row["last_error"]


def test_a_redirect_fails_for_good_and_says_why() -> None:
    def moved(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest"})

    client = httpx.Client(transport=httpx.MockTransport(moved))
    [row] = _dispatch({"hook": WebhookSink("https://hooks.example/x", name="hook", client=client)})
    assert (row["state"], row["attempts"]) == ("failed", 1)
    assert (
        "HTTP 302, a redirect to 169.254.169.254; redirects are not followed" in row["last_error"]
    )


def test_loopback_is_refused_without_allow_private(receiver: Any) -> None:
    url, got = receiver
    sinks = build_sinks([{"name": "hook", "type": "webhook", "url_env": "U"}], env={"U": url})
    [row] = _dispatch(sinks)
    assert (row["state"], row["attempts"]) == ("failed", 1)
    assert "private or loopback address (127.0.0.1)" in row["last_error"]
    assert "allow_private = true" in row["last_error"]
    assert got == []  # nothing reached the receiver


def test_loopback_is_delivered_with_allow_private(receiver: Any) -> None:
    url, got = receiver
    table = {"name": "hook", "type": "webhook", "url_env": "U", "allow_private": True}
    [row] = _dispatch(build_sinks([table], env={"U": url}))
    assert row["state"] == "delivered" and len(got) == 1


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",
        "10.1.2.3",
        "192.168.0.1",
        "100.64.0.1",
        "::1",
        "::ffff:127.0.0.1",
        "fd00::1",
        "0.0.0.0",
    ],
)
def test_private_and_metadata_addresses_are_refused_by_name(address: str) -> None:
    client = default_client(sink="hook", resolver=lambda host: ["93.184.216.34", address])
    sink = WebhookSink("https://hooks.example/x", name="hook", client=client)
    with pytest.raises(DeliveryError, match="private or loopback") as e:
        sink.deliver(_alert(0))
    assert e.value.retry is False


def test_sinks_are_served_concurrently() -> None:
    # four sinks whose delivery waits until all four are in flight: one after the other,
    # the barrier would break after its timeout and every delivery would fail
    barrier = threading.Barrier(4, timeout=30)

    class Waiting:
        def __init__(self, name: str) -> None:
            self.name = name

        def deliver(self, alert: dict[str, Any]) -> None:
            barrier.wait()

    rows = _dispatch({f"s{i}": Waiting(f"s{i}") for i in range(4)})
    assert [r["state"] for r in rows] == ["delivered"] * 4


def test_a_hanging_sink_costs_one_timeout_per_pass_and_holds_no_other_sink() -> None:
    class Hanging:
        name, calls = "slow", 0

        def deliver(self, alert: dict[str, Any]) -> None:
            self.calls += 1
            raise DeliveryError("sink 'slow': request failed (ReadTimeout)")

    class Fine:
        name, got = "fine", []

        def deliver(self, alert: dict[str, Any]) -> None:
            self.got.append(alert["id"])

    slow, fine = Hanging(), Fine()
    rows = _dispatch({"slow": slow, "fine": fine}, n=5)
    assert slow.calls == 1  # the four after it wait for its retry, in order
    assert fine.got == [f"c-{i}" for i in range(5)]  # in order, all delivered
    waiting = [r for r in rows if r["sink"] == "slow"]
    assert {r["state"] for r in waiting} == {"pending"}
    assert len({r["next_at"] for r in waiting}) == 1  # retried together, first one first


def test_the_pool_is_bounded() -> None:
    lock = threading.Lock()
    now = peak = 0
    release = threading.Event()

    class Counting:
        def __init__(self, name: str) -> None:
            self.name = name

        def deliver(self, alert: dict[str, Any]) -> None:
            nonlocal now, peak
            with lock:
                now += 1
                peak = max(peak, now)
                if peak == 3:
                    release.set()
            release.wait(timeout=5)
            with lock:
                now -= 1

    rows = _dispatch({f"s{i}": Counting(f"s{i}") for i in range(12)}, workers=3)
    assert [r["state"] for r in rows] == ["delivered"] * 12
    assert peak == 3
