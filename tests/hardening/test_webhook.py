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


def test_deliveries_run_concurrently_so_a_slow_sink_costs_one_wait() -> None:
    # four deliveries that each wait for all four to be in flight: one at a time, the
    # barrier would break after its timeout and every delivery would fail
    barrier = threading.Barrier(4, timeout=30)

    class Slow:
        name = "slow"

        def deliver(self, alert: dict[str, Any]) -> None:
            barrier.wait()

    rows = _dispatch({"slow": Slow()}, n=4)
    assert [r["state"] for r in rows] == ["delivered"] * 4


def test_the_pool_is_bounded() -> None:
    lock = threading.Lock()
    now = peak = 0
    release = threading.Event()

    class Counting:
        name = "hook"

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

    rows = _dispatch({"hook": Counting()}, n=20, workers=3)
    assert [r["state"] for r in rows] == ["delivered"] * 20
    assert peak == 3
