"""What flows through a run: a :data:`Record`, a :class:`Batch` of them, and a :class:`Stage`.

::

    readers / live sources ──> list[Record] ──> Batch ──> Stage ──> Stage ──> ... ──> store
                                                 (posts, deletions; each stage appends
                                                  memberships, labels, alerts, metrics)

Every runner (the embedded :class:`~foretold.pipeline.Pipeline`, ``watch``, the benchmark,
the Kafka workers) hands the same ``Batch`` to the same stages, so this module depends on
nothing but the record types.

>>> from datetime import UTC, datetime
>>> from foretold.post import Author, Post
>>> post = Post(platform="x", id="1", text="hi", author=Author(id="7"),
...             created_at=datetime(2013, 11, 13, tzinfo=UTC))
>>> class Count:
...     name = "count"
...     def process(self, batch: Batch) -> None:
...         batch.metrics.append(("all", 60, 0, str(len(batch.posts)).encode()))
>>> batch = Batch(posts=[post])
>>> Count().process(batch)
>>> batch.metrics
[('all', 60, 0, b'1')]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from foretold.post import Deletion, Post

if TYPE_CHECKING:
    from foretold.media import MediaSource, ReadingRow

__all__ = ["Batch", "LabelUpdate", "Record", "Stage"]

#: One thing a reader or a live source yields: a post, or the notice that one was deleted.
Record = Post | Deletion


@dataclass(frozen=True, slots=True)
class LabelUpdate:
    """A post of an earlier batch labelled again (its pictures read late, in a watch):
    the ``campaigns`` it belongs to, the labels the detector counted it with
    (``before``, None when it had none) and the new ones (``after``). ``Detect`` moves
    the post's labelled counts to the minute the update arrives in (docs/media.md)."""

    post: Post
    campaigns: tuple[str, ...]
    before: dict[str, Any] | None
    after: dict[str, Any]


@dataclass
class Batch:
    """One slice of the stream and what the stages learned about it.

    ``memberships``: ``(campaign, platform, id)``, filled by
    :class:`~foretold.campaigns.Track`. ``labels``: ``(platform, id, tier, labels
    JSON)`` for the store, and ``label_of`` the same labels as dicts by post key, for
    the stages after classification. ``alerts``: alerts in the PRODUCT.md shape.
    ``metrics``: ``(campaign, window seconds, window end in microseconds, metrics
    JSON)``. ``phases``: ``(campaign, start in microseconds, phase)``. ``cursors``:
    ``(source, cursor, updated_at ISO)`` set by a live source for the posts of this
    batch, stored in the same transaction so a restart resumes exactly after the last
    stored post. ``deliveries``: the outbox rows ``(alert id, sink, due at)`` of the
    alerts, and ``snapshots``: ``(name, state, updated_at ISO)`` of stages whose state
    must be resumed with the cursors (both set by :class:`foretold.runs.AfterStore`).
    ``readings``: what the image-reading step read in the batch's pictures
    (:meth:`foretold.media.ImageReading.row`); ``media``: where that step gets a
    picture's bytes (:class:`foretold.media.locate.MediaSource`; None when the run
    has no pictures: no ``--media-dir``, no live fetching). ``updates``: posts of
    earlier batches labelled again (:class:`LabelUpdate`), for ``Detect``.
    The runner stores all of them with the posts, in one transaction.
    """

    posts: list[Post]
    deletions: list[Deletion] = field(default_factory=list)
    memberships: list[tuple[str, str, str]] = field(default_factory=list)
    labels: list[tuple[str, str, str, bytes]] = field(default_factory=list)
    label_of: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    metrics: list[tuple[str, int, int, bytes]] = field(default_factory=list)
    phases: list[tuple[str, int, str]] = field(default_factory=list)
    cursors: list[tuple[str, str, str]] = field(default_factory=list)
    deliveries: list[tuple[str, str, str]] = field(default_factory=list)
    snapshots: list[tuple[str, bytes, str]] = field(default_factory=list)
    readings: list[ReadingRow] = field(default_factory=list)
    media: MediaSource | None = None
    updates: list[LabelUpdate] = field(default_factory=list)

    @classmethod
    def of(cls, records: list[Record]) -> Batch:
        """A batch of ``records``: the posts in order, and the deletions apart."""
        posts = [r for r in records if isinstance(r, Post)]
        batch = cls(posts=posts)
        if len(posts) != len(records):
            batch.deletions = [r for r in records if isinstance(r, Deletion)]
        return batch

    def campaigns_of(self) -> dict[tuple[str, str], list[str]]:
        """Each member post's campaigns, by ``(platform, id)``, in ``memberships`` order.

        >>> b = Batch([], memberships=[("askjpm", "x", "1"), ("jpm", "x", "1"), ("jpm", "x", "2")])
        >>> b.campaigns_of()
        {('x', '1'): ['askjpm', 'jpm'], ('x', '2'): ['jpm']}
        """
        member: dict[tuple[str, str], list[str]] = {}
        for campaign, platform, pid in self.memberships:
            member.setdefault((platform, pid), []).append(campaign)
        return member


class Stage(Protocol):
    """A step of a run: reads a batch and adds to it, in stream order."""

    name: str

    def process(self, batch: Batch) -> None: ...
