"""``foretold worker classify``: stateless labelling, scaled over the raw topic's partitions.

Each raw post goes through the embedded pipeline's :class:`~foretold.understand.stage.Classify`
stage and out to the labelled topic once per campaign it belongs to (keyed by the
campaign, so one detect worker sees all of a campaign's posts), or once keyed by the
post when it belongs to none (the store still gets it).
"""

from __future__ import annotations

from typing import Any

from foretold.records import Batch
from foretold.understand.stage import Classifier, Classify
from foretold.workers import engine
from foretold.workers.topics import LABELLED, RAW, Labelled, decode_raw

GROUP = "foretold-classify"


class Labeller:
    """Raw message in, labelled messages out (the per-post work of a classify worker)."""

    def __init__(self, classifier: Classifier) -> None:
        self.stage = Classify(classifier)
        self.posts = 0  # raw posts labelled so far (the worker's summary)

    def __call__(self, value: dict[str, Any]) -> list[dict[str, Any]]:
        post, seqs, published = decode_raw(value)
        self.posts += 1
        batch = Batch(posts=[post])
        self.stage.process(batch)
        labels = batch.label_of[post.key]
        tier = self.stage.classifier.tier
        if not seqs:
            return [Labelled(post, labels, tier, None, -1, published).to_json()]
        return [
            Labelled(post, labels, tier, name, seq, published).to_json()
            for name, seq in seqs.items()
        ]


def message_key(value: dict[str, Any]) -> str:
    """The labelled topic's key: the campaign, or ``platform:id`` for no campaign."""
    campaign: str | None = value["campaign"]
    if campaign is not None:
        return campaign
    post = value["post"]
    return f"{post['platform']}:{post['id']}"


def build_app(
    broker: str, labeller: Labeller, partitions: int = 4, group: str = GROUP,
    state_dir: str = "state",
) -> Any:  # fmt: skip
    """The classify worker's Quix Streams application (call ``.run()`` on it); ``labeller``
    does the per-post work and counts the posts."""
    app = engine.application(broker, group, state_dir=state_dir)
    raw = engine.topic(app, RAW, partitions)
    out = engine.topic(app, LABELLED, partitions)
    sdf = app.dataframe(raw)
    sdf = sdf.apply(labeller, expand=True)
    sdf.to_topic(out, key=message_key)
    return app
