"""The JSON API, OpenAPI, events and security, tested in-process over real HTTP."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from foretold.errors import ConfigError
from foretold.store import Store
from foretold.web import make_server
from foretold.web.app import CAMPAIGN_VIEWS
from foretold.web.openapi import SPEC
from tests.web.conftest import Running, make_alert, make_post, serve, write


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    try:
        conn.request("GET", u.path + (f"?{u.query}" if u.query else ""), headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def get_json(url: str) -> Any:
    status, _, body = get(url)
    assert status == 200, body
    return json.loads(body)


def test_campaign_list_has_alert_state_and_last_activity(dashboard: Running) -> None:
    (c,) = get_json(dashboard.url + "/api/campaigns")
    assert c["name"] == "askjpm" and c["posts"] == 3 and c["alerts"] == 1
    # the level is the alert state (a watch alert), not the window's detector level
    assert c["level"] == "watch" and c["risk"] == 0.875
    assert c["active_at"] == "2013-11-13T20:35:00Z"  # the last window ends after the last post


def test_timeline_has_series_phases_and_alert_markers(dashboard: Running) -> None:
    tl = get_json(dashboard.url + "/api/campaigns/askjpm/timeline")
    assert len(tl["series"]["t"]) == 8 and tl["series"]["posts"][:2] == [10, 15]
    assert [p["phase"] for p in tl["phases"]] == ["quiet", "weak_signals"]
    assert [(a["level"], a["at"]) for a in tl["alerts"]] == [("watch", "2013-11-13T20:15:00Z")]


def test_posts_amplifiers_links_and_mix(dashboard: Running) -> None:
    top = get_json(dashboard.url + "/api/campaigns/askjpm/posts")
    assert (
        top[0]["id"] == "1001"
        and top[0]["engagement"] == 50
        and top[0]["flags"] == ["ironic", "question"]
    )
    latest = get_json(dashboard.url + "/api/campaigns/askjpm/latest?limit=2")
    assert [p["id"] for p in latest] == ["1003", "1002"]
    amps = get_json(dashboard.url + "/api/campaigns/askjpm/amplifiers")
    assert amps[0] == {"author": "user3", "followers": 250_000, "posts": 1, "reposts": 0,
                       "first_at": "2013-11-13T20:03:00Z"}  # fmt: skip
    links = get_json(dashboard.url + "/api/campaigns/askjpm/links")
    assert links == {"links": [{"url": "https://news.example/jpm", "posts": 1}],
                     "domains": [{"domain": "news.example", "posts": 1}]}  # fmt: skip
    mix = get_json(dashboard.url + "/api/campaigns/askjpm/mix")["series"]
    assert mix["labelled"] == [3] and mix["ironic"] == [0.3333] and mix["positive"] == [0.3333]


def test_alerts_carry_their_evidence_posts(dashboard: Running) -> None:
    (a,) = get_json(dashboard.url + "/api/campaigns/askjpm/alerts")
    assert a["level"] == "watch"
    assert a["evidence_posts"] == [
        {
            "id": "1001",
            "author": "user1",
            "text": "Q for @jpmorgan: how big is the bonus pool? #askjpm",
        }
    ]


def test_openapi_documents_every_route(dashboard: Running) -> None:
    spec = get_json(dashboard.url + "/api/openapi.json")
    assert spec == json.loads(json.dumps(SPEC))
    paths = set(spec["paths"])
    assert {f"/api/campaigns/{{name}}/{k}" for k in CAMPAIGN_VIEWS} <= paths
    assert {"/api/status", "/api/campaigns", "/api/sources", "/events"} <= paths
    page = (Path(__file__).parents[2] / "src/foretold/web/static/app.js").read_text()
    for used in ("/api/campaigns", "/api/sources", "/timeline", "/mix", "/alerts", "/latest",
                 "/posts", "/amplifiers", "/links"):  # fmt: skip
        assert used in page


def test_bad_requests(dashboard: Running) -> None:
    assert get(dashboard.url + "/api/campaigns/askjpm/timeline?window=7")[0] == 400
    assert get(dashboard.url + "/api/campaigns/askjpm/posts?limit=x")[0] == 400
    assert get(dashboard.url + "/api/nothing")[0] == 404
    assert get(dashboard.url + "/static/../app.py")[0] == 404
    assert get(dashboard.url + "/static/%2e%2e/app.py")[0] == 404


def test_page_and_vendored_chart_library_are_served(dashboard: Running) -> None:
    status, headers, body = get(dashboard.url + "/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b"/static/vendor/uplot/uPlot.iife.min.js" in body and b"https://" not in body
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    status, headers, body = get(dashboard.url + "/static/vendor/uplot/uPlot.iife.min.js")
    assert (
        status == 200 and headers["content-type"].startswith("text/javascript") and b"uPlot" in body
    )
    status, _, body = get(dashboard.url + "/static/vendor/uplot/LICENSE")
    assert status == 200 and b"MIT" in body


def test_missing_store_answers_503(tmp_path: Path) -> None:
    running = serve(str(tmp_path / "later.db"))
    try:
        assert get(running.url + "/api/campaigns")[0] == 503
        assert get(running.url + "/")[0] == 200
    finally:
        running.server.shutdown()
        running.server.server_close()


def _read_event(resp: http.client.HTTPResponse) -> dict[str, Any]:
    while True:
        line = resp.fp.readline().decode()
        if line.startswith("data: "):
            return dict(json.loads(line.removeprefix("data: ")))


def test_events_announce_writes_by_another_connection(dashboard: Running, store_path: str) -> None:
    u = urlsplit(dashboard.url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.request("GET", "/events")
    resp = conn.getresponse()
    assert resp.getheader("Content-Type") == "text/event-stream"
    assert _read_event(resp) == {"posts": 3, "alerts": 1}
    with Store(store_path) as store:
        write(
            store,
            [make_post(9, "new post #askjpm", minutes=30)],
            alerts=[make_alert("warning", 30)],
        )
    assert _read_event(resp) == {"posts": 4, "alerts": 2}
    resp.close()
    conn.close()


def test_store_written_meanwhile_is_read(dashboard: Running, store_path: str) -> None:
    """A writer holding the write lock does not block the dashboard (WAL)."""
    with Store(store_path) as store:
        store.db.execute("BEGIN IMMEDIATE")
        try:
            assert len(get_json(dashboard.url + "/api/campaigns/askjpm/latest")) == 3
        finally:
            store.db.execute("ROLLBACK")


# -- security ---------------------------------------------------------------


def test_non_local_bind_needs_a_token(store_path: str) -> None:
    with pytest.raises(ConfigError, match="FORETOLD_TOKEN"):
        make_server(store_path, "0.0.0.0", 0)


def test_foreign_host_header_is_refused_on_localhost(dashboard: Running) -> None:
    assert get(dashboard.url + "/api/campaigns", {"Host": "evil.example:80"})[0] == 403
    assert get(dashboard.url + "/api/campaigns", {"Host": "localhost:8350"})[0] == 200


def test_token_is_required_when_set(store_path: str) -> None:
    running = serve(store_path, token="t0ken-123")
    try:
        url = running.url + "/api/campaigns"
        assert get(url)[0] == 401
        assert get(url, {"Authorization": "Bearer wrong"})[0] == 401
        assert get(url, {"Authorization": "Bearer t0ken-123"})[0] == 200
        assert get(running.url + "/events?token=wrong")[0] == 401
        status, headers, _ = get(running.url + "/?token=t0ken-123")
        assert status == 303 and headers["location"] == "/"
        cookie = headers["set-cookie"].split(";")[0]
        assert "HttpOnly" in headers["set-cookie"] and "SameSite=Strict" in headers["set-cookie"]
        assert get(url, {"Cookie": cookie})[0] == 200
    finally:
        running.server.shutdown()
        running.server.server_close()


def test_token_server_on_all_interfaces_starts(store_path: str) -> None:
    server = make_server(store_path, "0.0.0.0", 0, token="0123456789abcdef" * 3)
    try:
        assert server.server_address[0] == "0.0.0.0"
    finally:
        server.server_close()


def test_shutdown_ends_open_event_streams(store_path: str) -> None:
    running = serve(store_path)
    u = urlsplit(running.url)
    sock = socket.create_connection((u.hostname or "", u.port or 0), timeout=10)
    sock.sendall(b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    received = b""
    while b"event: change" not in received:
        chunk = sock.recv(4096)
        assert chunk, received
        received += chunk
    done = threading.Event()

    def stop() -> None:
        running.server.shutdown()
        done.set()

    threading.Thread(target=stop).start()
    assert done.wait(5)
    running.server.server_close()
    sock.close()
