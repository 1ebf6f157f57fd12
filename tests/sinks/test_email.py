"""The e-mail sink against a real SMTP server (aiosmtpd) with STARTTLS and login."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest

from foretold.sinks import DeliveryError, EmailSink

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")
aiosmtpd_smtp = pytest.importorskip("aiosmtpd.smtp")
trustme = pytest.importorskip("trustme")

USER, PASSWORD = "alerts@example.test", "pa55-w0rd-secret"


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append(msg)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


def _auth(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = data.login == USER.encode() and data.password == PASSWORD.encode()
    return aiosmtpd_smtp.AuthResult(success=ok, handled=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def ca() -> Any:
    return trustme.CA()


@pytest.fixture
def smtp(ca: Any) -> Iterator[tuple[Inbox, int]]:
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_ctx)
    inbox = Inbox()
    port = _free_port()
    controller = aiosmtpd_controller.Controller(
        inbox, hostname="127.0.0.1", port=port, tls_context=server_ctx,
        require_starttls=True, authenticator=_auth, auth_require_tls=True,
    )  # fmt: skip
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _client_ctx(ca: Any) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ca.configure_trust(ctx)
    return ctx


def _sink(port: int, ctx: ssl.SSLContext, password: str = PASSWORD) -> EmailSink:
    return EmailSink(
        host="127.0.0.1", port=port, sender="foretold@example.test",
        recipients=["pr@example.test", "ceo@example.test"], username=USER, password=password,
        ssl_context=ctx, dashboard_url="http://127.0.0.1:8350/",
    )  # fmt: skip


def test_email_is_sent_over_starttls_with_login(
    smtp: tuple[Inbox, int], ca: Any, alert: dict[str, Any]
) -> None:
    inbox, port = smtp
    _sink(port, _client_ctx(ca)).deliver(alert)
    (msg,) = inbox.messages
    assert inbox.envelopes == [("foretold@example.test", ["pr@example.test", "ceo@example.test"])]
    assert msg["Subject"].startswith("[foretold] CRISIS askjpm: Crisis: hostile posts are 57%")
    assert msg["X-Foretold-Alert-Id"] == alert["id"]
    plain = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert plain is not None and html is not None
    assert "<script>alert(1)</script>" in plain.get_content()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html.get_content()
    assert "<script>" not in html.get_content()
    assert "http://127.0.0.1:8350/" in html.get_content()


def test_wrong_password_is_not_retried_and_not_shown(
    smtp: tuple[Inbox, int], ca: Any, alert: dict[str, Any]
) -> None:
    _, port = smtp
    with pytest.raises(DeliveryError, match="login refused") as e:
        _sink(port, _client_ctx(ca), password="wrong-secret").deliver(alert)
    assert e.value.retry is False
    assert "wrong-secret" not in str(e.value) and PASSWORD not in str(e.value)


def test_untrusted_certificate_fails_delivery(
    smtp: tuple[Inbox, int], alert: dict[str, Any]
) -> None:
    inbox, port = smtp
    with pytest.raises(DeliveryError, match="TLS failed"):
        _sink(port, ssl.create_default_context()).deliver(alert)
    assert inbox.messages == []


def test_no_server_is_a_retryable_delivery_error(alert: dict[str, Any]) -> None:
    sink = _sink(_free_port(), ssl.create_default_context())
    with pytest.raises(DeliveryError, match="cannot connect") as e:
        sink.deliver(alert)
    assert e.value.retry is True


def test_email_quotes_what_the_pictures_say(smtp: tuple[Inbox, int], ca: Any) -> None:
    from tests.sinks.test_picture_evidence import MEME, picture_alert

    inbox, port = smtp
    _sink(port, _client_ctx(ca)).deliver(picture_alert())
    (msg,) = inbox.messages
    plain = msg.get_body(("plain",))
    assert plain is not None
    assert f"post: post 901, a meme reading '{MEME}'" in plain.get_content().splitlines()
