"""The Slack sink: a readable message through an incoming webhook.

The message is an attachment coloured by level, with the summary, the top evidence
(people, links, the posts quoted with what their pictures say, key numbers) and a link
to the dashboard. Text from posts and
handles is escaped for Slack's mrkdwn (``&``, ``<``, ``>``), so a post cannot forge a
link or a mention.

>>> m = message({"id": "a-1", "campaign": "askjpm", "level": "crisis", "at": "2013-11-13T21:26:56Z",
...              "summary": "<!channel> Crisis", "evidence": {"authors": ["@rachelhoward (94k followers)"]}},
...             dashboard_url="http://localhost:8350")
>>> m["attachments"][0]["color"], m["text"]
('#cf222e', 'CRISIS · askjpm: &lt;!channel&gt; Crisis')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from foretold.sinks.base import LEVEL_COLOURS, Alert
from foretold.sinks.evidence import quoted_posts
from foretold.sinks.http import default_client, post

if TYPE_CHECKING:
    import httpx

_TITLES = {"watch": "WATCH", "warning": "WARNING", "crisis": "CRISIS", "all_clear": "ALL CLEAR"}
_KEY_METRICS = ("risk", "hostile_share_15m", "baseline_hostile_share", "hostile_posts_15m")


def escape(text: str) -> str:
    """Slack mrkdwn escaping: the three characters Slack asks to encode."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def message(alert: Alert, dashboard_url: str = "") -> dict[str, Any]:
    """The incoming-webhook payload for one alert."""
    level = str(alert.get("level", ""))
    campaign = escape(str(alert.get("campaign", "")))
    title = f"{_TITLES.get(level, level.upper())} · {campaign}"
    summary = escape(str(alert.get("summary", "")))
    evidence = alert.get("evidence") or {}
    fields: list[dict[str, Any]] = []
    authors = [escape(str(a)) for a in (evidence.get("authors") or [])[:3]]
    if authors:
        fields.append({"title": "People", "value": "\n".join(authors), "short": True})
    links = [escape(str(u)) for u in (evidence.get("links") or [])[:3]]
    if links:
        fields.append({"title": "Links", "value": "\n".join(links), "short": True})
    posts = [escape(line) for line in quoted_posts(alert, 3)]
    if posts:
        fields.append({"title": "Posts", "value": "\n".join(posts), "short": False})
    metrics = evidence.get("metrics") or {}
    numbers = [f"{k}: {metrics[k]}" for k in _KEY_METRICS if metrics.get(k) is not None]
    if numbers:
        fields.append({"title": "Numbers", "value": escape(", ".join(numbers)), "short": False})
    attachment: dict[str, Any] = {
        "color": LEVEL_COLOURS.get(level, "#6e7781"),
        "title": title,
        "text": summary,
        "fields": fields,
        "footer": escape(f"foretold · stream time {alert.get('at', '')} · {alert.get('id', '')}"),
        "mrkdwn_in": ["text", "fields"],
    }
    if dashboard_url:
        attachment["title_link"] = dashboard_url
        attachment["actions"] = [
            {"type": "button", "text": "Open the dashboard", "url": dashboard_url}
        ]
    return {"text": f"{title}: {summary}", "attachments": [attachment]}


class SlackSink:
    """POST a formatted message to a Slack incoming webhook."""

    #: the outbox adds the evidence posts' text (:mod:`foretold.sinks.evidence`)
    quotes_posts = True

    def __init__(
        self,
        url: str,
        dashboard_url: str = "",
        name: str = "slack",
        client: httpx.Client | None = None,
        allow_private: bool = False,
    ) -> None:
        self.url = url
        self.dashboard_url = dashboard_url
        self.name = name
        self.client = client
        self.allow_private = allow_private

    def deliver(self, alert: Alert) -> None:
        """Send the message; DeliveryError on a network error or a non-2xx answer."""
        if self.client is None:
            self.client = default_client(allow_private=self.allow_private, sink=self.name)
        body = orjson.dumps(message(alert, self.dashboard_url))
        post(self.client, self.name, self.url, body, {"Content-Type": "application/json"})
