"""Console, JSONL, webhook and Slack sinks; sinks built from [[sink]] tables."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from foretold.errors import ConfigError, ForetoldError
from foretold.sinks import (
    ConsoleSink,
    DeliveryError,
    JsonlSink,
    SlackSink,
    Unavailable,
    WebhookSink,
    build_sinks,
    secret_values,
)
from foretold.sinks.webhook import verify

HOOK = "https://hooks.example.test/T000/B000/s3cr3t-path"


def recorder(status: int = 200) -> tuple[list[httpx.Request], httpx.Client]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status)

    return seen, httpx.Client(transport=httpx.MockTransport(handler))


def test_console_writes_one_line_per_alert(alert: dict[str, Any]) -> None:
    alert["summary"] = "two\nlines\r\x1b[2J"
    out = io.StringIO()
    ConsoleSink(stream=out).deliver(alert)
    assert out.getvalue().count("\n") == 1
    assert "\x1b" not in out.getvalue()
    assert out.getvalue().startswith("crisis    2013-11-13T21:26:56Z  [askjpm] two\\nlines")


def test_jsonl_appends_the_alert_shape(tmp_path: Path, alert: dict[str, Any]) -> None:
    path = tmp_path / "out" / "alerts.jsonl"
    sink = JsonlSink(path=str(path))
    sink.deliver(alert)
    sink.deliver(alert)
    lines = path.read_text().splitlines()
    assert [json.loads(x) for x in lines] == [alert, alert]


def test_jsonl_failure_is_a_delivery_error(tmp_path: Path, alert: dict[str, Any]) -> None:
    (tmp_path / "dir").mkdir()
    with pytest.raises(DeliveryError, match="cannot append"):
        JsonlSink(path=str(tmp_path / "dir")).deliver(alert)


def test_webhook_sends_signed_json_with_idempotency_key(alert: dict[str, Any]) -> None:
    seen, client = recorder(204)
    WebhookSink(HOOK, secret="k3y", client=client).deliver(alert)
    (req,) = seen
    assert req.method == "POST" and str(req.url) == HOOK
    assert json.loads(req.content) == alert
    assert req.headers["content-type"] == "application/json"
    assert req.headers["idempotency-key"] == alert["id"]
    assert verify(b"k3y", req.content, req.headers["x-foretold-signature"])
    assert not verify(b"other", req.content, req.headers["x-foretold-signature"])


def test_webhook_without_secret_sends_no_signature(alert: dict[str, Any]) -> None:
    seen, client = recorder()
    WebhookSink(HOOK, client=client).deliver(alert)
    assert "x-foretold-signature" not in seen[0].headers


@pytest.mark.parametrize(("status", "retry"), [(500, True), (429, True), (404, False)])
def test_webhook_error_status_raises_without_the_url(
    alert: dict[str, Any], status: int, retry: bool
) -> None:
    _, client = recorder(status)
    with pytest.raises(DeliveryError) as e:
        WebhookSink(HOOK, client=client).deliver(alert)
    assert isinstance(e.value, ForetoldError)
    assert e.value.retry is retry
    assert f"HTTP {status}" in str(e.value) and "s3cr3t" not in str(e.value)


def test_webhook_network_error_hides_the_url(alert: dict[str, Any]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot connect to {request.url}")

    client = httpx.Client(transport=httpx.MockTransport(handler))
    with pytest.raises(DeliveryError, match="ConnectError") as e:
        WebhookSink(HOOK, client=client).deliver(alert)
    assert "s3cr3t" not in str(e.value)


def test_slack_message_is_readable_and_escaped(alert: dict[str, Any]) -> None:
    seen, client = recorder()
    SlackSink(HOOK, dashboard_url="http://127.0.0.1:8350/#askjpm", client=client).deliver(alert)
    body = json.loads(seen[0].content)
    (att,) = body["attachments"]
    assert att["color"] == "#cf222e"
    assert att["title"] == "CRISIS · askjpm"
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in att["text"]
    assert "<script>" not in seen[0].content.decode()
    people = next(f for f in att["fields"] if f["title"] == "People")
    assert people["value"] == "@rachelhoward (94k followers)\n&lt;@U123&gt;"
    assert att["title_link"] == "http://127.0.0.1:8350/#askjpm"
    assert att["actions"][0]["url"] == "http://127.0.0.1:8350/#askjpm"


def test_slack_colour_follows_level(alert: dict[str, Any]) -> None:
    seen, client = recorder()
    alert["level"] = "watch"
    SlackSink(HOOK, client=client).deliver(alert)
    assert json.loads(seen[0].content)["attachments"][0]["color"] == "#d4a72c"


def test_build_sinks_reads_secrets_from_named_env_vars() -> None:
    tables = [
        {"name": "hook", "type": "webhook", "url_env": "HOOK_URL", "secret_env": "HOOK_KEY"},
        {"name": "slack", "type": "slack", "url_env": "SLACK_URL", "levels": ["crisis"]},
        {"name": "out", "type": "console"},
    ]
    env = {"HOOK_URL": HOOK, "HOOK_KEY": "k3y"}
    sinks = build_sinks(tables, env=env)
    hook = sinks["hook"]
    assert isinstance(hook, WebhookSink) and hook.url == HOOK and hook.secret == "k3y"
    assert isinstance(sinks["slack"], Unavailable)
    with pytest.raises(DeliveryError, match="environment variable SLACK_URL is not set"):
        sinks["slack"].deliver({"id": "x"})
    assert isinstance(sinks["out"], ConsoleSink)
    assert sorted(secret_values(tables, env)) == sorted([HOOK, "k3y"])


def test_inline_secret_in_config_is_refused() -> None:
    with pytest.raises(ConfigError, match="url_env"):
        build_sinks([{"name": "hook", "type": "webhook", "url": HOOK}], env={})
