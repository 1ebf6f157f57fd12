"""Issue 13 item 7: a 1-character FORETOLD_TOKEN was accepted and brute-forced in 11
requests at 3,000 guesses a second. Off loopback the token must now be long and
unpredictable, it is compared in constant time, and failures are braked per client."""

from __future__ import annotations

import http.client
import secrets
import threading
from typing import Any

import pytest

from foretold.errors import ConfigError
from foretold.web import make_server, tokens
from foretold.web.tokens import FailureBrake
from tests.web.conftest import Running

STRONG = secrets.token_hex(24)


@pytest.mark.parametrize("weak", ["k", "x" * 40, "password" * 4, "0123456789abcdef"])
def test_weak_tokens_are_refused_beyond_loopback(store_path: str, weak: str) -> None:
    with pytest.raises(ConfigError, match="too easy to guess"):
        make_server(store_path, "0.0.0.0", 0, token=weak)


def test_a_token_with_header_characters_is_refused_anywhere(store_path: str) -> None:
    with pytest.raises(ConfigError, match="only letters, digits"):
        make_server(store_path, "127.0.0.1", 0, token="abc; Path=/\r\nX: y")


def test_generated_tokens_pass(store_path: str) -> None:
    for token in (STRONG, secrets.token_urlsafe(32)):
        make_server(store_path, "0.0.0.0", 0, token=token).server_close()


def test_comparison_is_of_fixed_length_digests(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, int]] = []
    real = tokens.hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        seen.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(tokens.hmac, "compare_digest", spy)
    assert not tokens.same_token("k", STRONG) and tokens.same_token(STRONG, STRONG)
    assert seen == [(32, 32), (32, 32)]


def _status(port: int, token: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/api/status", headers={"Authorization": f"Bearer {token}"})
        return conn.getresponse().status
    finally:
        conn.close()


def test_guessing_is_braked_per_client(store_path: str) -> None:
    """The 1-character token of the report falls in at most 62 guesses: after the burst
    of 10, each guess waits 2 s, and a braked client's guesses are not even checked."""
    now = [0.0]
    brake = FailureBrake(burst=10, refill_s=2.0, clock=lambda: now[0])
    server = make_server(store_path, "127.0.0.1", 0, token="k", poll_s=0.1, brake=brake)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        guesses = [_status(port, c) for c in "abcdefghij"]
        assert guesses == [401] * 10
        assert _status(port, "z") == 429
        assert _status(port, "k") == 429  # right, but not checked while braked
        now[0] += 2.0
        assert _status(port, "k") == 200
    finally:
        server.shutdown()
        server.server_close()


def test_a_good_client_is_not_braked(dashboard: Running, store_path: str) -> None:
    server = make_server(store_path, "127.0.0.1", 0, token=STRONG)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert [_status(server.server_address[1], STRONG) for _ in range(30)] == [200] * 30
    finally:
        server.shutdown()
        server.server_close()
