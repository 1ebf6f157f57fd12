"""Issue 13 item 6: the dashboard under load and abuse.

Before: a listen backlog of 5 (86-91 of 200 simultaneous clients served), slow
partial requests held forever (1,000 of them: 1,002 threads), a busy loop at 100% CPU
once out of file descriptors, a traceback for an over-long or malformed request line,
and 200 for an unknown campaign.
"""

from __future__ import annotations

import errno
import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from foretold.web import Limits, make_server
from foretold.web.app import CAMPAIGN_VIEWS, DashboardServer
from tests.hardening.web_helpers import head_of, raw
from tests.web.conftest import Running

GET_STATUS = b"GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def _serving(server: DashboardServer) -> str:
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def limited(store_path: str) -> Iterator[tuple[DashboardServer, str]]:
    limits = Limits(max_connections=4, head_timeout_s=0.5, accept_backoff_s=0.25)
    server = make_server(store_path, "127.0.0.1", 0, poll_s=0.05, limits=limits)
    yield server, _serving(server)
    server.shutdown()
    server.server_close()


def test_two_hundred_clients_at_once_are_all_served(dashboard: Running) -> None:
    port = int(dashboard.url.rsplit(":", 1)[1])
    socks = []
    for _ in range(200):  # all connect before any is answered
        s = socket.socket()
        s.settimeout(30)
        s.connect(("127.0.0.1", port))
        socks.append(s)
    for s in socks:
        s.sendall(GET_STATUS)
    answers = []
    for s in socks:
        data = b""
        while chunk := s.recv(65536):
            data += chunk
        s.close()
        answers.append(head_of(data)[0])
    assert answers == [200] * 200


def test_a_slow_partial_request_is_cut_off(limited: tuple[DashboardServer, str]) -> None:
    _, url = limited
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        sock.sendall(b"GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
        started = time.monotonic()
        assert sock.recv(1024) == b""  # closed by the server, not by our timeout
        assert time.monotonic() - started < 15


def test_held_connections_take_no_more_than_the_cap(
    limited: tuple[DashboardServer, str],
) -> None:
    _, url = limited
    host, port = url.removeprefix("http://").split(":")
    before = threading.active_count()
    held = [socket.create_connection((host, int(port)), timeout=20) for _ in range(4)]
    for s in held:
        s.sendall(b"GET / HTTP/1.1\r\n")  # slow clients holding every slot
    extra = [socket.create_connection((host, int(port)), timeout=20) for _ in range(20)]
    for s in extra:
        status, headers, _ = head_of(s.recv(65536))
        assert status == 503 and headers["retry-after"] == "1"
        s.close()
    assert threading.active_count() <= before + 4
    for s in held:  # the slow ones are cut off, and their slots come back
        assert s.recv(1024) == b""
        s.close()
    deadline = time.monotonic() + 10
    while head_of(raw(url, GET_STATUS))[0] != 200:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_out_of_file_descriptors_does_not_spin(
    limited: tuple[DashboardServer, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, url = limited
    calls: list[float] = []

    def accept(self: Any) -> Any:
        calls.append(time.monotonic())
        raise OSError(errno.EMFILE, "Too many open files")

    monkeypatch.setattr(socket.socket, "accept", accept)
    host, port = url.removeprefix("http://").split(":")
    waiting = socket.create_connection((host, int(port)), timeout=5)  # makes the socket ready
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        time.sleep(0.05)
    monkeypatch.undo()
    # each failed accept pauses accept_backoff_s (0.25 s): a spinning loop makes thousands
    assert 1 <= len(calls) <= 1.0 / 0.25 + 2
    waiting.close()


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414),
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n", 505),
        (b"GET / HTTP/1.1\r\n" + b"X-Long: " + b"b" * 70_000 + b"\r\n\r\n", 431),
        (b"POST /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 501),
    ],
)
def test_bad_request_lines_get_an_answer_not_a_traceback(
    dashboard: Running,
    request_bytes: bytes,
    status: int,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with caplog.at_level(logging.DEBUG, logger="foretold.web"):
        answer = raw(dashboard.url, request_bytes)
    got, headers, body = head_of(answer)
    assert got == status and headers["content-type"] == "application/json"
    assert b"aaaa" not in body and b"GARBAGE" not in body  # the request is not echoed
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "Traceback" not in capsys.readouterr().err
    assert head_of(raw(dashboard.url, GET_STATUS))[0] == 200


def test_unknown_campaign_is_404_as_the_openapi_says(dashboard: Running) -> None:
    for view in CAMPAIGN_VIEWS:
        answer = raw(
            dashboard.url,
            f"GET /api/campaigns/nope/{view} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode(),
        )
        assert head_of(answer)[0] == 404, view
    answer = raw(
        dashboard.url, b"GET /api/campaigns/askjpm/alerts HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    assert head_of(answer)[0] == 200


def test_event_streams_are_capped(store_path: str) -> None:
    server = make_server(store_path, "127.0.0.1", 0, poll_s=0.05, limits=Limits(max_streams=2))
    url = _serving(server)
    host, port = url.removeprefix("http://").split(":")
    try:
        streams = [socket.create_connection((host, int(port)), timeout=10) for _ in range(2)]
        for s in streams:
            s.sendall(b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            received = b""
            while b"event: change" not in received:
                received += s.recv(65536)
        third = raw(url, b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert head_of(third)[0] == 503
        assert head_of(raw(url, GET_STATUS))[0] == 200  # the API still answers
    finally:
        for s in streams:
            s.close()
        server.shutdown()
        server.server_close()
