"""Topic names and the JSON messages on them.

A raw message is a post in its normalised shape plus, for every campaign it belongs
to, its sequence number in that campaign's stream (the publisher numbers them), so a
detect worker can put a campaign's posts back in publish order after classify workers
have handled them in parallel. A labelled message is one post for one campaign (or for
none) with its labels, and what was read in its pictures (``readings``, the
``image_readings`` rows). A picture read after its post's labels went out comes as a
labelled message too, an *update*: ``update`` true, the post's ``seq``, the labels the
detector counted it with (``before``) and the new ones (``labels``); the detect worker
moves the post's counts, as ``Detect`` does in a watch (docs/media.md).

>>> from datetime import UTC, datetime
>>> from foretold.post import Author
>>> p = Post(platform="x", id="1", text="hi", created_at=datetime(2024, 1, 1, tzinfo=UTC),
...          author=Author(id="7"))
>>> post, seqs, sent = decode_raw(encode_raw(p, {"brand": 3}, 1.5))
>>> post == p, seqs, sent
(True, {'brand': 3}, 1.5)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from foretold.media import ReadingRow
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
    """A post with its labels, for one campaign (``campaign`` None: for the store only).

    ``readings``: what was read in its pictures; ``update``: a late picture's labels for
    a post sent before (``before``: the labels it was counted with).

    >>> from datetime import UTC, datetime
    >>> from foretold.post import Author
    >>> p = Post(platform="x", id="1", text="hi", created_at=datetime(2024, 1, 1, tzinfo=UTC),
    ...          author=Author(id="7"))
    >>> u = Labelled(p, {"sentiment": "negative"}, "fast", "brand", 3, 1.5,
    ...              readings=[("x", "1", 0, "00ff", "SHAME", None)], update=True,
    ...              before={"sentiment": "neutral"})
    >>> Labelled.from_json(orjson.loads(orjson.dumps(u.to_json()))) == u
    True
    >>> sorted(Labelled(p, {}, "fast", None, -1, 1.5).to_json())  # a text post: as before
    ['campaign', 'labels', 'post', 'published', 'seq', 'tier']
    """

    post: Post
    labels: dict[str, Any]
    tier: str
    campaign: str | None
    seq: int
    published: float
    readings: list[ReadingRow] = field(default_factory=list)
    update: bool = False
    before: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The message value."""
        out: dict[str, Any] = {
            "post": self.post.to_dict(),
            "labels": self.labels,
            "tier": self.tier,
            "campaign": self.campaign,
            "seq": self.seq,
            "published": self.published,
        }
        if self.readings:
            out["readings"] = [list(r) for r in self.readings]
        if self.update:
            out["update"] = True
            out["before"] = self.before
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Labelled:
        """The inverse of :meth:`to_json`."""
        readings: list[ReadingRow] = [
            (str(r[0]), str(r[1]), int(r[2]), r[3], r[4], r[5]) for r in d.get("readings") or ()
        ]
        return cls(
            Post.from_dict(d["post"]), d["labels"], d["tier"], d["campaign"], d["seq"],
            d["published"], readings, bool(d.get("update")), d.get("before"),
        )  # fmt: skip

    def key(self) -> str:
        """What makes an update unique: the post and the pictures read (a redelivered
        update is applied once)."""
        return f"{self.post.platform}:{self.post.id}:" + ",".join(str(r[2]) for r in self.readings)
