"""Slack and e-mail quote an alert's evidence posts with what their pictures say; the
outbox looks the posts up in the store for them, and hands the other sinks the alert
as stored."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from typing import Any

import httpx

from foretold.clock import ManualClock
from foretold.post import Author, Media, Post
from foretold.sinks import Dispatcher, Router, SlackSink, WebhookSink, enqueue
from foretold.sinks.email import compose
from foretold.sinks.slack import message
from foretold.store import Store
from tests.sinks.conftest import make_alert

HOOK = "https://hooks.example.test/T000/B000/s3cr3t-path"
MEME = "NYPD BRUTALITY IS DISGUSTING SHAME ON YOU"


def picture_alert() -> dict[str, Any]:
    alert = make_alert(campaign="mynypd", at="2014-04-22T20:16:55Z")
    alert["summary"] = (
        "Crisis: hostile posts are 96% of #mynypd in the last 15 min (baseline 71%); most "
        f"hostile posts are pictures, a meme reading '{MEME}'."
    )
    alert["evidence"]["posts"] = ["901", "902", "903"]
    # the text read is untrusted: a forged mention and a line break in it
    alert["evidence"]["images"] = {"901": MEME, "903": "<!channel> FIRE\nTHEM & <b>NOW</b>"}
    return alert


def posts() -> list[Post]:
    when = datetime(2014, 4, 22, 20, 10, tzinfo=UTC)
    photo = (Media("photo", "https://pbs.twimg.com/media/a.jpg", None, "3_1"),)
    return [
        Post(platform="x", id="901", text="my #myNYPD photo", author=Author(id="1", handle="amy"),
             created_at=when, media=photo),
        Post(platform="x", id="902", text="the <NYPD> & me\nat the parade",
             author=Author(id="2", handle="bob"), created_at=when),
    ]  # fmt: skip


def test_slack_quotes_posts_and_picture_text_escaped() -> None:
    alert = picture_alert()
    alert["evidence_posts"] = [{"id": "901", "author": "amy", "text": "my #myNYPD photo"}]
    att = message(alert)["attachments"][0]
    field = next(f for f in att["fields"] if f["title"] == "Posts")
    assert field["value"].split("\n") == [
        f"@amy: \"my #myNYPD photo\", a meme reading '{MEME}'",
        "post 902",
        "post 903, a meme reading '&lt;!channel&gt; FIRE THEM &amp; &lt;b&gt;NOW&lt;/b&gt;'",
    ]


def test_alert_of_words_has_no_picture_text() -> None:
    att = message(make_alert())["attachments"][0]
    field = next(f for f in att["fields"] if f["title"] == "Posts")
    assert field["value"] == "post 400"
    assert "meme" not in json.dumps(att)


def test_email_quotes_posts_and_picture_text_in_both_parts() -> None:
    alert = picture_alert()
    alert["evidence_posts"] = [{"id": "902", "author": "bob", "text": "the <NYPD> & me\nat"}]
    msg = compose(alert, "foretold@example.test", ["pr@example.test"])
    plain = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert plain is not None and html is not None
    lines = plain.get_content().splitlines()
    assert f"post: post 901, a meme reading '{MEME}'" in lines
    assert 'post: @bob: "the <NYPD> & me at"' in lines
    assert "post: post 903, a meme reading '<!channel> FIRE THEM & <b>NOW</b>'" in lines
    body = html.get_content()
    assert f"<li>post 901, a meme reading &#x27;{MEME}&#x27;</li>" in body
    assert "&lt;b&gt;NOW&lt;/b&gt;" in body and "<b>NOW" not in body
    assert "&lt;NYPD&gt; &amp; me at" in body


def recorder() -> tuple[list[httpx.Request], httpx.Client]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    return seen, httpx.Client(transport=httpx.MockTransport(handler))


def test_outbox_gives_slack_the_stored_posts_and_the_webhook_the_alert_as_stored() -> None:
    store = Store(":memory:")
    store.put_posts(posts())
    alert = picture_alert()
    store.put_alerts([alert])
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    tables = [{"name": "slack", "type": "slack"}, {"name": "hook", "type": "webhook"}]
    enqueue(store.db, [alert], Router({"mynypd": ["slack", "hook"]}, tables), clock.now())
    slack_seen, slack_client = recorder()
    hook_seen, hook_client = recorder()
    sinks = {"slack": SlackSink(HOOK, client=slack_client),
             "hook": WebhookSink(HOOK, client=hook_client)}  # fmt: skip
    result = Dispatcher(store.db, sinks, clock, random.Random(1), workers=1).run_once()
    assert result.delivered == 2
    (att,) = json.loads(slack_seen[0].content)["attachments"]
    field = next(f for f in att["fields"] if f["title"] == "Posts")
    assert field["value"].split("\n")[:2] == [
        f"@amy: \"my #myNYPD photo\", a meme reading '{MEME}'",
        '@bob: "the &lt;NYPD&gt; &amp; me at the parade"',
    ]
    assert json.loads(hook_seen[0].content) == alert  # no evidence_posts added
    assert store.alerts() == [alert]
