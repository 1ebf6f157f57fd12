"""A small store written the way the pipeline writes it, and a dashboard server over it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from foretold.post import Author, Counts, Post
from foretold.store import Store
from foretold.web import DashboardServer, make_server

T0 = datetime(2013, 11, 13, 20, 0, tzinfo=UTC)
US = 1_000_000


def us(t: datetime) -> int:
    return round(t.timestamp() * US)


def make_post(i: int, text: str, followers: int = 100, minutes: float = 0, **kw: Any) -> Post:
    return Post(
        platform="x", id=str(1000 + i), text=text, created_at=T0 + timedelta(minutes=minutes),
        author=Author(id=str(i), handle=f"user{i}", followers=followers), hashtags=("askjpm",),
        counts=Counts(likes=kw.pop("likes", 0)), **kw,
    )  # fmt: skip


def labels(sentiment: str, *flags: str) -> bytes:
    return orjson.dumps({"sentiment": sentiment, "flags": list(flags), "scores": {}})


def make_alert(level: str, minutes: float, post_id: str = "1001") -> dict[str, Any]:
    at = (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "id": f"askjpm-{at}-{level}", "campaign": "askjpm", "level": level, "at": at,
        "raised_at": "2026-01-01T00:00:00Z", "signals": ["hostile_share"],
        "summary": f"{level}: hostile posts are up in #askjpm",
        "evidence": {"posts": [post_id], "authors": ["@user1 (100 followers)"],
                     "links": ["https://news.example/jpm", "javascript:alert(1)"],
                     "metrics": {"risk": 0.7}},
    }  # fmt: skip


def write(
    store: Store,
    posts: list[Post],
    tags: list[bytes] | None = None,
    alerts: list[dict[str, Any]] = (),  # type: ignore[assignment]
    metrics: list[tuple[str, int, int, bytes]] = (),  # type: ignore[assignment]
    phases: list[tuple[str, int, str]] = (),  # type: ignore[assignment]
) -> None:
    from foretold.store import post_row

    rows = [post_row(p) for p in posts]
    members = [("askjpm", p.platform, p.id) for p in posts]
    labelled = [(p.platform, p.id, "fast", t) for p, t in zip(posts, tags or [], strict=False)]
    store.write_rows(rows, [], members, labelled, list(alerts), metrics, phases)


def window(
    minutes: float, posts: int, risk: float, level: str = "none"
) -> tuple[str, int, int, bytes]:
    end = us(T0 + timedelta(minutes=minutes))
    m = {
        "posts": posts,
        "risk": risk,
        "level": level,
        "hostile_share": risk / 2,
        "rate_per_min": posts / 15,
    }
    return ("askjpm", 900, end, orjson.dumps(m))


@pytest.fixture
def store_path(tmp_path: Path) -> Iterator[str]:
    path = str(tmp_path / "dash.db")
    with Store(path) as store:
        store.put_campaigns([("askjpm", {"name": "askjpm", "hashtags": ["#askjpm"]})])
        posts = [
            make_post(1, "Q for @jpmorgan: how big is the bonus pool? #askjpm", 1000, 1, likes=50,
                      urls=("https://news.example/jpm",), domains=("news.example",)),
            make_post(2, "Love this #askjpm idea", 50, 2),
            make_post(3, "RT big news #askjpm", 250_000, 3),
        ]  # fmt: skip
        tags = [labels("negative", "ironic", "question"), labels("positive"), labels("neutral")]
        metrics = [window(m, 10 + m, min(0.9, m / 40)) for m in range(0, 40, 5)]
        phases = [
            ("askjpm", us(T0), "quiet"),
            ("askjpm", us(T0 + timedelta(minutes=15)), "weak_signals"),
        ]
        write(store, posts, tags, [make_alert("watch", 15)], metrics, phases)
    yield path


@dataclass
class Running:
    server: DashboardServer
    url: str


def serve(path: str, token: str = "", host: str = "127.0.0.1") -> Running:
    server = make_server(path, host, 0, token=token, poll_s=0.1)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Running(server, f"http://127.0.0.1:{server.server_address[1]}")


@pytest.fixture
def dashboard(store_path: str) -> Iterator[Running]:
    running = serve(store_path)
    yield running
    running.server.shutdown()
    running.server.server_close()
