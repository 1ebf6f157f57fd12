"""Topic names and the JSON messages on them.

A raw message is a post in its normalised shape plus, for every campaign it belongs
to, its sequence number in that campaign's stream (the publisher numbers them), so a
detect worker can put a campaign's posts back in publish order after classify workers
have handled them in parallel. A labelled message is one post for one campaign (or for
none) with its labels.

>>> from datetime import UTC, datetime
>>> from foretold.post import Author
>>> p = Post(platform="x", id="1", text="hi", created_at=datetime(2024, 1, 1, tzinfo=UTC),
...          author=Author(id="7"))
>>> post, seqs, sent = decode_raw(encode_raw(p, {"brand": 3}, 1.5))
>>> post == p, seqs, sent
(True, {'brand': 3}, 1.5)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from foretold.post import Post

RAW = "foretold.posts.raw"
LABELLED = "foretold.posts.labelled"
ALERTS = "foretold.alerts"
#: Every topic is created with a retention (some brokers, Tansu among them, need it set).
RETENTION_MS = 7 * 24 * 3600 * 1000


def topic_config(partitions: int) -> dict[str, Any]:
    """Keyword arguments for Quix Streams' ``TopicConfig``."""
    return {
        "num_partitions": partitions,
        "replication_factor": 1,
        "extra_config": {"retention.ms": str(RETENTION_MS)},
    }


def post_key(post: Post) -> bytes:
    """The raw topic's message key: ``platform:id``."""
    return f"{post.platform}:{post.id}".encode()


def encode_raw(post: Post, seqs: dict[str, int], published: float) -> bytes:
    """A raw message: the post, its per-campaign sequence numbers, the publish time."""
    return orjson.dumps({"post": post.to_dict(), "seq": seqs, "published": published})


def decode_raw(value: bytes | dict[str, Any]) -> tuple[Post, dict[str, int], float]:
    """The inverse of :func:`encode_raw` (accepts the bytes or the parsed dict)."""
    d = orjson.loads(value) if isinstance(value, bytes) else value
    return Post.from_dict(d["post"]), d["seq"], d["published"]


@dataclass
class Labelled:
    """A post with its labels, for one campaign (``campaign`` None: for the store only)."""

    post: Post
    labels: dict[str, Any]
    tier: str
    campaign: str | None
    seq: int
    published: float

    def to_json(self) -> dict[str, Any]:
        """The message value."""
        return {
            "post": self.post.to_dict(),
            "labels": self.labels,
            "tier": self.tier,
            "campaign": self.campaign,
            "seq": self.seq,
            "published": self.published,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Labelled:
        """The inverse of :meth:`to_json`."""
        return cls(
            Post.from_dict(d["post"]), d["labels"], d["tier"], d["campaign"], d["seq"],
            d["published"],
        )  # fmt: skip
