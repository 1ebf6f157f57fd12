"""Issue 13 item 1: ``/?token=`` was copied into ``Set-Cookie``; a CR LF in it ended the
headers early and the rest of the query became a page whose script ran on the
dashboard's origin. Input is never reflected into a header now."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.hardening.web_helpers import chromium, head_of, raw
from tests.web.conftest import Running, serve

SCRIPT = "<script>window.__pwned='header'</script>"
ATTACK = "/?token=x" + quote("\r\n\r\n" + SCRIPT + "\r\n", safe="")
STRONG = "0123456789abcdef" * 3


def test_token_query_without_a_token_sets_no_cookie_and_echoes_nothing(
    dashboard: Running,
) -> None:
    answer = raw(dashboard.url, f"GET {ATTACK} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    status, headers, body = head_of(answer)
    assert status == 303 and headers["location"] == "/"
    assert "set-cookie" not in headers
    assert b"<script" not in answer and body == b""
    assert "script-src 'self'" in headers["content-security-policy"]


def test_a_forged_token_with_a_line_break_is_refused(store_path: str) -> None:
    running = serve(store_path, token=STRONG)
    try:
        answer = raw(running.url, f"GET {ATTACK} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        status, headers, _ = head_of(answer)
        assert status == 401 and "set-cookie" not in headers and b"<script" not in answer
        # the right token sets the cookie to the server's own value
        ok = raw(running.url, f"GET /?token={STRONG} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        status, headers, _ = head_of(ok)
        assert status == 303 and headers["set-cookie"].startswith(f"foretold_token={STRONG};")
    finally:
        running.server.shutdown()
        running.server.server_close()


def test_no_header_can_carry_a_line_break(dashboard: Running) -> None:
    """The one place every header passes refuses line breaks (defence in depth)."""
    from foretold.web.app import _Handler

    class Probe(_Handler):
        def __init__(self) -> None:  # no socket: only send_header is exercised
            self.request_version = "HTTP/1.1"
            self._headers_buffer = []

    with pytest.raises(ValueError, match="line break"):
        Probe().send_header("Set-Cookie", "a=b\r\n\r\n<script>")


def test_injected_script_does_not_run_in_a_real_browser(dashboard: Running) -> None:
    with chromium() as browser:
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(dashboard.url + ATTACK)
        page.wait_for_selector("body[data-updates]")  # redirected to the dashboard itself
        page.wait_for_timeout(300)
        assert page.url == dashboard.url + "/"
        assert page.evaluate("window.__pwned") is None and dialogs == []
        assert "foretold_token" not in str(page.context.cookies())
