"""The ``Classify`` stage: every post of a batch labelled in one classifier call.

It runs after :class:`~foretold.campaigns.Track` and before the ``Detect`` stage, fills
``labels`` (the rows the store keeps) and ``label_of`` (the same labels as dicts, for
the stages after it). The Kafka classify worker calls the same stage per post.

>>> from datetime import UTC, datetime
>>> from foretold.post import Author, Post
>>> class Question:
...     tier = "rule"
...     def classify(self, texts):
...         return [Asked("?" in t) for t in texts]
>>> class Asked:
...     def __init__(self, asked):
...         self.asked = asked
...     def to_dict(self):
...         return {"question": self.asked}
>>> p = Post(platform="x", id="1", text="why?", author=Author(id="7"),
...          created_at=datetime(2013, 11, 13, tzinfo=UTC))
>>> batch = Batch(posts=[p])
>>> Classify(Question()).process(batch)
>>> batch.label_of[p.key], batch.labels
({'question': True}, [('x', '1', 'rule', b'{"question":true}')])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import orjson

from foretold.records import Batch

__all__ = ["Classifier", "Classify"]


class LabelsLike(Protocol):
    """What a classifier returns per text: anything with ``to_dict``."""

    def to_dict(self) -> dict[str, Any]: ...


class Classifier(Protocol):
    """Anything that labels texts in a batch call (see :func:`foretold.understand.load_classifier`)."""

    tier: str

    def classify(self, texts: Sequence[str]) -> Sequence[LabelsLike]: ...


class Classify:
    """Per-post understanding: labels for every post, stored and handed to later stages."""

    name = "classify"

    def __init__(self, classifier: Classifier) -> None:
        self.classifier = classifier

    def process(self, batch: Batch) -> None:
        """Label the batch's posts in one call; fill ``labels`` and ``label_of``."""
        if not batch.posts:
            return
        tier = self.classifier.tier
        dumps = orjson.dumps
        labels = self.classifier.classify([p.text for p in batch.posts])
        for post, label in zip(batch.posts, labels, strict=True):
            d = label.to_dict()
            batch.label_of[post.key] = d
            batch.labels.append((post.platform, post.id, tier, dumps(d)))
