"""Publishing raw posts: the pipeline's input, sent to ``foretold.posts.raw``.

The publisher runs :class:`~foretold.campaigns.Track` (cheap, stateless) to number
every campaign's posts in publish order; the detect workers use the numbers to put
each campaign's stream back in order after the classify workers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from foretold.campaigns import Campaign, Track
from foretold.clock import Clock, SystemClock
from foretold.post import Post
from foretold.records import Batch, Record
from foretold.workers.topics import RAW, encode_raw, post_key


@dataclass
class Publisher:
    """Sends posts to the raw topic, keyed by post; ``seqs`` continue per campaign.

    ``seqs`` start at 0 for a fresh labelled topic; a publisher that restarts on the
    same topics must be given the numbers it stopped at (see ``docs/deploy.md``).
    """

    producer: Any
    campaigns: Sequence[Campaign]
    clock: Clock = field(default_factory=SystemClock)
    seqs: dict[str, int] = field(default_factory=dict)
    sent: int = 0

    def publish(self, records: list[Record]) -> int:
        """Send a batch's posts (deletions are not published yet); returns posts sent."""
        posts = [r for r in records if isinstance(r, Post)]
        batch = Batch(posts=posts)
        Track(self.campaigns).process(batch)
        member = batch.campaigns_of()
        produce = self.producer.produce
        for post in posts:
            seqs = {}
            for name in member.get(post.key, ()):
                seqs[name] = self.seqs.get(name, 0)
                self.seqs[name] = seqs[name] + 1
            value = encode_raw(post, seqs, self.clock.now().timestamp())
            while True:
                try:
                    produce(RAW, key=post_key(post), value=value)
                    break
                except BufferError:  # the local queue is full: let it drain
                    self.producer.poll(0.1)
            self.producer.poll(0)
        self.sent += len(posts)
        return len(posts)

    def publish_all(
        self, batches: Iterable[list[Record]], stop: threading.Event | None = None
    ) -> int:
        """Send every batch (or those before ``stop`` is set: Ctrl-C, SIGTERM) and wait
        until the broker has them all."""
        for records in batches:
            self.publish(records)
            if stop is not None and stop.is_set():
                break
        self.flush()
        return self.sent

    def flush(self, timeout: float = 30.0) -> None:
        """Wait for delivery of everything sent."""
        left = self.producer.flush(timeout)
        if left:
            raise TimeoutError(f"{left} raw posts not delivered within {timeout} s")
