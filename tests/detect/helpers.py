"""Hand-built campaign posts with explicit labels (a legitimate test input, not a stub)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from foretold.campaigns import Campaign
from foretold.post import Author, Post
from foretold.records import Batch

T0 = datetime(2013, 11, 13, 21, 0, tzinfo=UTC)
JPM = Campaign(name="askjpm", hashtags=("#AskJPM",), handles=("@jpmorgan",), owner="@jpmorgan")

CALM: dict[str, Any] = {
    "sentiment": "positive",
    "emotion": "joy",
    "scores": {"negative": 0.1, "positive": 0.7, "irony": 0.2, "offensive": 0.1,
               "anger": 0.1, "joy": 0.6, "optimism": 0.3},
    "flags": [],
}  # fmt: skip
HOSTILE: dict[str, Any] = {
    "sentiment": "negative",
    "emotion": "anger",
    "scores": {"negative": 0.8, "positive": 0.05, "irony": 0.7, "offensive": 0.5,
               "anger": 0.8, "joy": 0.02, "optimism": 0.03},
    "flags": ["ironic", "question"],
}  # fmt: skip
SAD: dict[str, Any] = {
    "sentiment": "negative",
    "emotion": "sadness",
    "scores": {"negative": 0.85, "positive": 0.03, "irony": 0.1, "offensive": 0.1,
               "anger": 0.1, "joy": 0.02, "optimism": 0.05, "sadness": 0.85},
    "flags": [],
}  # fmt: skip
MOCKING: dict[str, Any] = {
    "sentiment": "negative",
    "emotion": "joy",
    "scores": {"negative": 0.5, "positive": 0.2, "irony": 0.9, "offensive": 0.1,
               "anger": 0.1, "joy": 0.6, "optimism": 0.1, "sadness": 0.05},
    "flags": ["ironic"],
}  # fmt: skip


def post(
    n: int,
    seconds: float,
    *,
    followers: int = 300,
    handle: str | None = None,
    tags: tuple[str, ...] = ("askjpm",),
    urls: tuple[str, ...] = (),
    text: str = "a question for #AskJPM?",
) -> Post:
    """Post ``n``, ``seconds`` after 21:00 on the eve of #AskJPM."""
    domains = tuple(u.split("/")[2].removeprefix("www.") for u in urls)
    return Post(
        platform="x",
        id=str(n),
        text=text,
        created_at=T0 + timedelta(seconds=seconds),
        author=Author(id=f"a{n}", handle=handle or f"user{n}", followers=followers),
        hashtags=tags,
        urls=urls,
        domains=domains,
    )


def batch(
    posts: list[Post], labels: list[dict[str, Any] | None], campaign: str = "askjpm"
) -> Batch:
    """A batch as Track and Classify leave it."""
    b = Batch(posts=posts)
    b.memberships = [(campaign, p.platform, p.id) for p in posts]
    b.label_of = {p.key: lab for p, lab in zip(posts, labels, strict=True) if lab is not None}
    return b
