"""``foretold worker classify``: stateless labelling, scaled over the raw topic's partitions.

Each raw post goes through the embedded pipeline's :class:`~foretold.understand.stage.Classify`
stage and out to the labelled topic once per campaign it belongs to (keyed by the
campaign, so one detect worker sees all of a campaign's posts), or once keyed by the
post when it belongs to none (the store still gets it).

With pictures (``--media-dir DIR``, or ``[media] fetch = true`` in ``--config``) the
worker also runs the embedded pipeline's image-reading step
(:class:`~foretold.media.understand.ReadPictures`) on each post, as ``replay`` and
``watch`` do::

    archive (--media-dir)   post ──> Classify ──> ReadPictures (joined) ──> labelled:
                                                   the merged labels, the readings
    live ([media] fetch)    post ──> Fetcher ──> Classify ──> ReadPictures (background)
                                                   ──> labelled: the text labels now;
                            a later post (or a tick) ──> labelled *updates*: the late
                                                   picture's labels, for the detect worker

An update goes out before the labelled message of the post that carried it, on the
campaign's key, so the detect worker applies it where ``Detect`` applies it in a watch.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson

from foretold.records import Batch
from foretold.understand.stage import Classifier, Classify
from foretold.workers import engine
from foretold.workers.topics import LABELLED, RAW, Labelled, decode_raw

if TYPE_CHECKING:
    from foretold.media import MediaSource
    from foretold.media.understand import ReadPictures
    from foretold.post import Post

GROUP = "foretold-classify"
log = logging.getLogger(__name__)


class Labeller:
    """Raw message in, labelled messages out (the per-post work of a classify worker).

    ``media``: where the posts' pictures are (an archive's folder, or the live
    :class:`~foretold.media.fetch.Fetcher`, which is also the stage that fetches them);
    ``pictures``: the image-reading step (by default one on ``classifier``, joined for
    a folder and in the background for the fetcher). Without ``media`` no picture is
    read. Calls come from the consumer's thread and, live, from :meth:`tick`'s: a lock
    keeps them one at a time.
    """

    def __init__(
        self,
        classifier: Classifier,
        media: MediaSource | None = None,
        pictures: ReadPictures | None = None,
    ) -> None:
        self.stage = Classify(classifier)
        self.media = media
        if media is not None and pictures is None:
            from foretold.media.understand import ReadPictures

            pictures = ReadPictures(classifier)
        self.pictures = pictures
        self.posts = 0  # raw posts labelled so far (the worker's summary)
        self.updates = 0  # late picture labels sent as updates
        # live: each picture post's campaigns and sequence numbers, for its update
        self._sent: OrderedDict[tuple[str, str], tuple[Post, dict[str, int], float]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, value: dict[str, Any]) -> list[dict[str, Any]]:
        post, seqs, published = decode_raw(value)
        with self._lock:
            self.posts += 1
            batch = Batch(posts=[post], memberships=[(c, post.platform, post.id) for c in seqs])
            stage = getattr(self.media, "process", None)
            if callable(stage):  # the fetcher: queues the picture, puts itself on the batch
                stage(batch)
            else:
                batch.media = self.media
            self.stage.process(batch)
            if self.pictures is not None:
                self.pictures.process(batch)
            out = self._updates(batch, published)
            labels = batch.label_of[post.key]
            tier = self.stage.classifier.tier
            mine = [r for r in batch.readings if (r[0], r[1]) == post.key]
            if post.media and self.pictures is not None:
                self._remember(post, seqs, published)
            if not seqs:
                return [*out, Labelled(post, labels, tier, None, -1, published, mine).to_json()]
            return out + [
                Labelled(post, labels, tier, name, seq, published, mine).to_json()
                for name, seq in seqs.items()
            ]

    def tick(self, published: float) -> list[dict[str, Any]]:
        """Live, while no post comes: the updates of the pictures read since the last
        call (a worker with pictures being read calls it every second)."""
        with self._lock:
            if self.pictures is None or not self.waiting():
                return []
            batch = Batch(posts=[], media=self.media)
            self.pictures.process(batch)
            return self._updates(batch, published)

    def waiting(self) -> bool:
        """Live: pictures are being fetched or read."""
        fetching = getattr(self.media, "waiting", None)
        busy = bool(fetching()) if callable(fetching) else False
        return busy or (self.pictures is not None and self.pictures.waiting())

    def close(self) -> None:
        """Stop the image-reading pool."""
        if self.pictures is not None:
            self.pictures.close()

    def _remember(self, post: Post, seqs: dict[str, int], published: float) -> None:
        limit = self.pictures.config.waiting if self.pictures is not None else 0
        self._sent[post.key] = (post, seqs, published)
        self._sent.move_to_end(post.key)
        while len(self._sent) > limit:
            self._sent.popitem(last=False)

    def _updates(self, batch: Batch, published: float) -> list[dict[str, Any]]:
        """The label updates of earlier posts in ``batch``: one message per campaign
        (the post's sequence number there), or one for the store when the post is in
        none or forgotten; each with the post's new readings."""
        here = {p.key for p in batch.posts}
        tier = self.stage.classifier.tier
        read: dict[tuple[str, str], list[Any]] = {}
        for r in batch.readings:
            if (r[0], r[1]) not in here:
                read.setdefault((r[0], r[1]), []).append(r)
        before = {u.post.key: u.before for u in batch.updates}
        out = []
        for platform, pid, _tier, _raw in batch.labels:
            key = (platform, pid)
            if key in here:
                continue
            labels = batch.label_of[key]
            sent = self._sent.get(key)
            if sent is None:  # forgotten: the store gets the labels, no detector
                continue
            post, seqs, _ = sent
            mine = read.get(key, [])
            self.updates += 1
            if key not in before or not seqs:
                out.append(Labelled(post, labels, tier, None, -1, published, mine,
                                    update=True).to_json())  # fmt: skip
                continue
            for name, seq in seqs.items():
                out.append(Labelled(post, labels, tier, name, seq, published, mine,
                                    update=True, before=before[key]).to_json())  # fmt: skip
        return out


class Ticker:
    """Live: every ``every_s`` seconds, the updates of the pictures read since (while no
    post comes, :meth:`Labeller.tick`), sent to the labelled topic by ``producer`` (a
    confluent-kafka ``Producer``), on a thread until :meth:`stop`. Sent apart from the
    worker's checkpointed output, an update may reach the detect worker before its
    post's labels: the detect worker holds it until the post is counted."""

    def __init__(
        self,
        labeller: Labeller,
        producer: Any,
        every_s: float = 1.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.labeller = labeller
        self.producer = producer
        self.every_s = every_s
        self.clock = clock
        self.sent = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        """Send what is ready now; returns the messages sent."""
        out = self.labeller.tick(self.clock())
        for value in out:
            self.producer.produce(LABELLED, key=message_key(value), value=orjson.dumps(value))
        if out:
            self.producer.poll(0)
        self.sent += len(out)
        return len(out)

    def start(self) -> None:
        """Tick on a thread."""
        self._thread = threading.Thread(target=self._loop, name="foretold-ticker", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                self.run_once()
            except Exception as e:  # a broker hiccup: the next tick tries again
                log.warning("picture updates not sent: %s", e)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread and wait for what it sent."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.producer.flush(timeout)


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
