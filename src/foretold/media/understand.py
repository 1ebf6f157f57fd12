"""The image-reading step: a post's pictures read (OCR, perceptual hash) and labelled with it.

:class:`ReadPictures` runs after :class:`~foretold.understand.stage.Classify` and before
``Detect``. For every post of a batch with pictures it reads each picture the batch's
:class:`~foretold.media.MediaSource` has (its text with :mod:`~foretold.media.ocr`, its
:func:`~foretold.media.phash.phash`), labels the text read in the pictures and the
pictures' alt texts with the same classifier as the post's text, and keeps, of the
three, the labels of the most hostile part (:func:`foretold.signals.hostility`), with
``sources``: the parts that were read (``["text", "image_text", "alt_text"]``) and
``image_text``: what the pictures say (the alert quotes it). So a hostile meme under a
neutral caption counts as a hostile post. The label row follows the text's row in the
same batch (the store keeps the last), and ``label_of`` carries it to ``Detect``.

Two ways to wait, one rule: a post's text is never held for its picture.

- **Archive** (``replay --media-dir``, :class:`~foretold.media.locate.FolderMedia`):
  every picture is on disk. The batch's pictures are read ahead by a pool of
  ``workers`` threads and joined in stream order, so the labels, and the alerts, do
  not depend on thread timing: a replay gives the same alerts every time.
- **Live** (``watch`` with picture fetching): the batch's text labels go on at once;
  pictures already fetched and those that ``arrived()`` since are read by the pool in
  the background, and what is ready by a later batch goes out there as a label update:
  the store's row replaced, and a :class:`~foretold.records.LabelUpdate` (the post's
  campaigns, the labels ``Detect`` counted it with, the new ones) in ``Batch.updates``,
  so ``Detect`` counts a hostile meme as a hostile post when its update arrives, once.

::

    batch n    [Classify: text labels]--[ReadPictures: submit]--[Detect: counts text labels]
    pool                                  \\__ OCR + phash ___
    batch n+1  [Classify]--[ReadPictures: harvest -> label rows, updates]--[Detect: moves
                                                      the post's labelled counts to now]

>>> from datetime import UTC, datetime
>>> from foretold.post import Author, Media, Post
>>> from foretold.records import Batch
>>> class Words:
...     tier = "rule"
...     def classify(self, texts):
...         return [Hot("BOYCOTT" in t.upper()) for t in texts]
>>> class Hot:
...     def __init__(self, hot):
...         self.hot = hot
...     def to_dict(self):
...         return {"sentiment": "negative" if self.hot else "neutral",
...                 "emotion": "anger" if self.hot else "joy", "flags": []}
>>> class Pictures:
...     def path_for(self, post, media): return None
...     def bytes_for(self, post, media): return b"picture"
...     def arrived(self): return []
>>> class Reader:
...     name = "fake"
...     def read(self, data): return "BOYCOTT THEM NOW"
>>> p = Post(platform="x", id="1", text="my photo with the team", author=Author(id="7"),
...          created_at=datetime(2014, 4, 22, tzinfo=UTC),
...          media=(Media("photo", "https://pbs.twimg.com/media/a.jpg", None, "3_1"),))
>>> batch = Batch(posts=[p], media=Pictures())
>>> batch.label_of[p.key] = Words().classify([p.text])[0].to_dict()
>>> step = ReadPictures(Words(), ocr=Reader(), hasher=lambda data: "00ff00ff00ff00ff",
...                     live=False)
>>> step.process(batch)
>>> lab = batch.label_of[p.key]
>>> lab["sentiment"], lab["sources"], lab["image_text"]
('negative', ['text', 'image_text'], 'BOYCOTT THEM NOW')
>>> batch.readings
[('x', '1', 0, '00ff00ff00ff00ff', 'BOYCOTT THEM NOW', None)]
>>> step.close()
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from foretold.media import ImageReading, MediaSource
from foretold.media.fetch import Fetcher
from foretold.media.locate import FolderMedia
from foretold.media.ocr import OcrEngine, OcrError, load_ocr
from foretold.media.phash import PhashError, phash
from foretold.post import Post
from foretold.records import Batch, LabelUpdate
from foretold.signals import hostility, is_hostile
from foretold.understand.stage import Classifier

__all__ = ["ReadConfig", "ReadPictures", "merge_labels", "record_unread", "resume_unread"]

if TYPE_CHECKING:
    from foretold.records import Stage
    from foretold.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReadConfig:
    """The image-reading step's settings.

    ``workers``: threads reading pictures (one OCR process each); ``max_pictures``: the
    pictures read per post (the rest are hashed by no one: a post of 20 pictures is
    rare and its first ones say it); ``min_letters``: text read with fewer letters is
    noise (a logo's two letters), not labelled; ``quote_chars``: ``image_text`` kept
    in the labels at most this long; ``remember``: the texts read kept by perceptual hash
    (the least recently read forgotten first), so a copy of a meme already read is not
    read again; ``nice``: live, the OCR processes' niceness (tesseract's), so that they
    give way to the stages that put out text labels on a busy machine; ``waiting``:
    live, the posts with pictures whose labels an update may still change (their
    campaigns and the labels ``Detect`` counted), the oldest forgotten first (a picture
    arriving for a forgotten post updates the store, not the detector).
    """

    workers: int = 2
    max_pictures: int = 4
    min_letters: int = 3
    quote_chars: int = 200
    remember: int = 50_000
    nice: int = 10
    waiting: int = 20_000


#: a reading of one picture: (phash, text, cache path)
Read = tuple[str | None, str | None, str | None]


def merge_labels(parts: Sequence[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Of the labels of a post's parts (``(source, labels)``, the text first), the most
    hostile part's labels (a hostile part before the others, then by
    :func:`~foretold.signals.hostility`, the first on a tie), with ``sources``: every
    part's source.

    >>> calm = {"sentiment": "neutral", "emotion": "joy", "flags": []}
    >>> angry = {"sentiment": "negative", "emotion": "anger", "flags": []}
    >>> merge_labels([("text", calm), ("image_text", angry)])
    {'sentiment': 'negative', 'emotion': 'anger', 'flags': [], 'sources': ['text', 'image_text']}
    >>> merge_labels([("text", angry), ("alt_text", calm)])["sentiment"]
    'negative'
    """
    best = max(
        range(len(parts)), key=lambda i: (is_hostile(parts[i][1]), hostility(parts[i][1]), -i)
    )
    merged = dict(parts[best][1])
    merged["sources"] = [source for source, _ in parts]
    return merged


class ReadPictures:
    """The image-reading stage (see the module). ``classifier`` labels the pictures'
    texts (the one ``Classify`` uses); ``ocr`` and ``hasher`` default to tesseract
    (loaded at the first picture) and :func:`~foretold.media.phash.phash`. ``live``:
    read in the background and harvest when ready (True), or join in stream order
    (False); None: joined for an archive's folder, in the background otherwise."""

    name = "read_pictures"

    def __init__(
        self,
        classifier: Classifier,
        *,
        ocr: OcrEngine | None = None,
        hasher: Callable[[bytes], str] = phash,
        config: ReadConfig | None = None,
        live: bool | None = None,
    ) -> None:
        self.classifier = classifier
        self.config = config or ReadConfig()
        self._ocr = ocr
        self._hasher = hasher
        self.live = live
        self._pool: ThreadPoolExecutor | None = None
        # live: readings in flight, per post, in submission order
        self._pending: dict[tuple[str, str], tuple[Post, list[tuple[int, Future[Read]]]]] = {}
        self.read_count = 0
        self._texts: OrderedDict[str, str | None] = OrderedDict()
        # live: per post with pictures, its campaigns and the labels Detect counted
        self._counted: OrderedDict[
            tuple[str, str], tuple[tuple[str, ...], dict[str, Any] | None]
        ] = OrderedDict()
        self._claimed: OrderedDict[tuple[str, str, int], None] = OrderedDict()  # live: read
        self.forgotten = 0  # live updates of posts no longer remembered (store only)
        self._lock = threading.Lock()
        self._background = False  # live: the OCR gives way (ReadConfig.nice)
        self.failed = 0

    # -- the stage --

    def process(self, batch: Batch) -> None:
        """Read the batch's pictures: joined in stream order (archive) or harvested
        when ready (live); then label each read post's parts and keep the merge."""
        media = batch.media
        if media is None:
            return
        live = self.live if self.live is not None else not isinstance(media, FolderMedia)
        self._background = live
        if not live:
            self._label(batch, self._read_in_order(batch.posts, media))
            return
        self._remember_counted(batch)
        for post, index in media.arrived():
            if self._claim(post, index):  # not read already (fetched before its batch)
                fs = [(index, self._pool_().submit(self._read, post, index, media))]
                self._add_pending(post, fs)
        for post, fs in self._submit(batch.posts, media, only_ready=True):
            self._add_pending(post, fs)
        self._label(batch, self._harvest(batch))

    def waiting(self) -> bool:
        """Live: pictures are being read, whose labels a later batch will carry (a
        watch with no new posts sends an empty batch for them)."""
        return bool(self._pending)

    def unread(self) -> int:
        """Live: the pictures submitted whose labels have not gone out yet (a watch that
        stops before they are read counts them: their posts keep their text labels)."""
        return sum(len(fs) for _post, fs in self._pending.values())

    def unread_state(self, also: Sequence[tuple[Post, int]] = ()) -> bytes:
        """Live, at a stop: the posts whose pictures' labels have not gone out (being
        read, and ``also``: being fetched), each with the indices of those pictures,
        its campaigns and the labels ``Detect`` counted it with, as JSON for
        :meth:`resume` in the next watch (``[]`` when none)."""
        waiting: dict[tuple[str, str], tuple[Post, set[int]]] = {}
        for post, fs in self._pending.values():
            waiting.setdefault(post.key, (post, set()))[1].update(i for i, _f in fs)
        for post, index in also:
            waiting.setdefault(post.key, (post, set()))[1].add(index)
        out = []
        for key, (post, indices) in waiting.items():
            campaigns, labels = self._counted.get(key, ((), None))
            out.append({"post": post.to_dict(), "pictures": sorted(indices),
                        "campaigns": list(campaigns), "labels": labels})  # fmt: skip
        return orjson.dumps(out)

    def resume(self, state: bytes, media: MediaSource) -> int:
        """Live, at the start of a watch whose detectors were restored: read again the
        pictures the last watch's stop left unread (:meth:`unread_state`); their labels
        go out as updates of the posts the detectors counted. A picture not in
        ``media`` yet is fetched again when ``media`` is the fetcher. Returns how many."""
        self._background = True
        fetch: dict[tuple[str, str], Post] = {}
        count = 0
        for item in orjson.loads(state):
            post = Post.from_dict(item["post"])
            self._counted[post.key] = (tuple(item["campaigns"]), item["labels"])
            fs = []
            for index in item["pictures"]:
                if index >= len(post.media):
                    continue
                count += 1
                if media.path_for(post, post.media[index]) is None:
                    fetch[post.key] = post  # arrived() names it once fetched
                elif self._claim(post, index):
                    fs.append((index, self._pool_().submit(self._read, post, index, media)))
            self._add_pending(post, fs)
        queue_them = getattr(media, "process", None)
        if fetch and callable(queue_them):
            queue_them(Batch(posts=list(fetch.values())))
        return count

    def wait_idle(self) -> None:
        """Live: wait until every picture submitted so far is read (their labels go out
        with the next batch; tests and benchmarks use it to fix when that is)."""
        for _post, fs in list(self._pending.values()):
            for _i, f in fs:
                f.exception()

    def finish(self, batch: Batch) -> None:
        """At the end of the input: the pictures still being read are waited for and
        their labels go out with the last batch (the pipeline calls this)."""
        for _post, fs in self._pending.values():
            for _i, f in fs:
                f.result()
        self._label(batch, self._harvest(batch))

    def close(self) -> None:
        """Stop the pool (waits for the pictures being read)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def _claim(self, post: Post, index: int) -> bool:
        """Live: True the first time a post's picture is to be read (a picture fetched
        just before its post's batch is also listed by ``arrived()``: read once)."""
        key = (post.platform, post.id, index)
        if key in self._claimed:
            return False
        self._claimed[key] = None
        while len(self._claimed) > self.config.waiting:
            self._claimed.popitem(last=False)
        return True

    def _remember_counted(self, batch: Batch) -> None:
        """Live: what ``Detect`` will count each of the batch's picture posts with."""
        posts = [p for p in batch.posts if p.media]
        if not posts:
            return
        member = batch.campaigns_of()
        counted = self._counted
        for p in posts:
            counted[p.key] = (tuple(member.get(p.key, ())), batch.label_of.get(p.key))
            counted.move_to_end(p.key)
        while len(counted) > self.config.waiting:
            counted.popitem(last=False)

    # -- reading --

    def _pool_(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.config.workers, thread_name_prefix="ocr")
        return self._pool

    def _engine(self) -> OcrEngine:
        if self._ocr is None:
            self._ocr = load_ocr(nice=self.config.nice if self._background else 0)
        return self._ocr

    def _submit(
        self, posts: Sequence[Post], media: MediaSource, only_ready: bool = False
    ) -> list[tuple[Post, list[tuple[int, Future[Read]]]]]:
        jobs = []
        for post in posts:
            if not post.media:
                continue
            fs = []
            for index, m in enumerate(post.media[: self.config.max_pictures]):
                if only_ready and (media.path_for(post, m) is None or not self._claim(post, index)):
                    continue  # not fetched yet: arrived() names it later
                fs.append((index, self._pool_().submit(self._read, post, index, media)))
            jobs.append((post, fs))
        return jobs

    def _read_in_order(
        self, posts: Sequence[Post], media: MediaSource
    ) -> list[tuple[Post, list[tuple[int, Read]]]]:
        """Archive: every picture hashed by the pool, then each hash not read before
        OCR'd once (its first picture in stream order), all joined in stream order: the
        result does not depend on the threads' timing. A storm's one meme in a thousand
        re-encoded copies is read once per distinct hash."""
        found: list[tuple[Post, int, bytes | None, str | None]] = []
        for post in posts:
            for index, m in enumerate(post.media[: self.config.max_pictures]):
                where = media.path_for(post, m)
                data = media.bytes_for(post, m)
                found.append((post, index, data, str(where) if where else None))
        pool = self._pool_()
        digests = list(pool.map(self._hash, [d for _p, _i, d, _f in found]))
        first: dict[str, bytes] = {}
        for (_p, _i, data, _f), h in zip(found, digests, strict=True):
            if h is not None and data is not None and h not in self._texts and h not in first:
                first[h] = data
        for h, text in zip(first, pool.map(self._ocr_text, first.values()), strict=True):
            self._remember(h, text)
        out: dict[tuple[str, str], tuple[Post, list[tuple[int, Read]]]] = {}
        for (post, index, data, file), h in zip(found, digests, strict=True):
            read: Read = (h, self._texts.get(h) if h else None, file)
            if data is not None and h is not None:
                self.read_count += 1
            out.setdefault(post.key, (post, []))[1].append((index, read))
        return list(out.values())

    def _hash(self, data: bytes | None) -> str | None:
        if data is None:
            return None
        try:
            return self._hasher(data)
        except PhashError as e:
            log.warning("picture not read: %s", e)
            self.failed += 1
            return None

    def _ocr_text(self, data: bytes) -> str | None:
        try:
            return self._engine().read(data) or None
        except OcrError:
            if self._ocr is None:
                raise  # no engine at all: the run stops with the reason
            self.failed += 1
            return None

    def _remember(self, digest: str, text: str | None) -> None:
        with self._lock:
            self._texts[digest] = text
            self._texts.move_to_end(digest)
            while len(self._texts) > self.config.remember:
                self._texts.popitem(last=False)

    def _read(self, post: Post, index: int, media: MediaSource) -> Read:
        m = post.media[index]
        data = media.bytes_for(post, m)
        if data is None:
            return (None, None, None)
        path = media.path_for(post, m)
        file = str(path) if path else None
        digest = self._hash(data)  # an unreadable picture: counted and skipped, engine or not
        if digest is None:
            return (None, None, file)
        try:
            with self._lock:
                known = digest in self._texts
                text = self._texts.get(digest)
            if not known:
                text = self._engine().read(data)
                self._remember(digest, text or None)
        except OcrError as e:
            if self._ocr is None:
                raise  # no engine at all: the run stops with the reason
            log.warning("picture %d of %s/%s not read: %s", index, post.platform, post.id, e)
            self.failed += 1
            return (None, None, file)
        self.read_count += 1
        return (digest, text or None, file)

    def _add_pending(self, post: Post, fs: list[tuple[int, Future[Read]]]) -> None:
        if not fs:
            return
        have = self._pending.setdefault(post.key, (post, []))
        have[1].extend(fs)

    def _harvest(self, batch: Batch) -> list[tuple[Post, list[tuple[int, Read]]]]:
        """Live: the posts whose every submitted picture is read, in submission order;
        a batch's own posts without a picture yet get their alt texts labelled now."""
        done = []
        for key in list(self._pending):
            post, fs = self._pending[key]
            if all(f.done() for _, f in fs):
                del self._pending[key]
                done.append((post, [(i, f.result()) for i, f in fs]))
        seen = {p.key for p, _ in done}
        for post in batch.posts:
            waiting = post.key in seen or post.key in self._pending
            if post.media and not waiting and any(m.alt_text for m in post.media):
                done.append((post, []))
        return done

    # -- labelling --

    def _label(self, batch: Batch, read: list[tuple[Post, list[tuple[int, Read]]]]) -> None:
        cfg = self.config
        texts: list[str] = []
        plan: list[tuple[Post, list[tuple[str, int]]]] = []
        for post, readings in read:
            said = []
            for index, (digest, text, path) in readings:
                batch.readings.append(
                    ImageReading(post.platform, post.id, index, digest, text, path).row()
                )
                if text and sum(ch.isalpha() for ch in text) >= cfg.min_letters:
                    said.append(text)
            alts = [m.alt_text for m in post.media if m.alt_text]
            parts: list[tuple[str, int]] = []
            if said:
                parts.append(("image_text", len(texts)))
                texts.append(" / ".join(said))
            if alts:
                parts.append(("alt_text", len(texts)))
                texts.append(" / ".join(alts))
            if parts:
                plan.append((post, parts))
        if not plan:
            return
        labels = self.classifier.classify(texts)
        tier = self.classifier.tier
        # a live update of an earlier batch's post: merged with the labels Detect counted
        # (its text's, or an earlier picture's merge), else (a post no longer remembered)
        # its text labelled again
        here = {p.key for p in batch.posts}
        counted = self._counted
        owns = {
            p.key: batch.label_of.get(p.key) if p.key in here else counted.get(p.key, ((), None))[1]
            for p, _ in plan
        }
        again = [p for p, _ in plan if owns[p.key] is None]
        if again:
            for p, lab in zip(
                again, self.classifier.classify([p.text for p in again]), strict=True
            ):
                owns[p.key] = lab.to_dict()
        for post, parts in plan:
            own = owns[post.key] or {}
            base = {k: v for k, v in own.items() if k not in ("sources", "image_text")}
            merged = merge_labels(
                [("text", base)] + [(src, labels[i].to_dict()) for src, i in parts]
            )
            before = own.get("sources") or ["text"]  # an earlier picture's parts stay named
            merged["sources"] = before + [x for x in merged["sources"] if x not in before]
            image = [texts[i] for src, i in parts if src == "image_text"]
            if image:
                merged["image_text"] = image[0][: cfg.quote_chars]
            elif "image_text" in own:
                merged["image_text"] = own["image_text"]
            batch.label_of[post.key] = merged
            batch.labels.append((post.platform, post.id, tier, orjson.dumps(merged)))
            if post.key in here:
                if post.key in counted:
                    counted[post.key] = (counted[post.key][0], merged)
                continue
            known = counted.get(post.key)
            if known is None:
                self.forgotten += 1
                continue
            campaigns, was = known
            counted[post.key] = (campaigns, merged)
            if campaigns:
                batch.updates.append(LabelUpdate(post, campaigns, was, merged))


def unread_key(detect_key: str) -> str:
    """The snapshot name of the pictures a stop left unread, beside the detectors' own
    (so a changed config, which starts the detectors afresh, does not read them)."""
    return f"{detect_key}:pictures"


def record_unread(store: Store, detect_key: str, stages: Sequence[Stage], at: str) -> int:
    """At a watch's stop, after its wait (``Watch.stop_wait_s``): store the pictures
    still being fetched or read, for :func:`resume_unread`; returns how many."""
    read = next((s for s in stages if isinstance(s, ReadPictures)), None)
    if read is None:
        return 0
    fetcher = next((s for s in stages if isinstance(s, Fetcher)), None)
    also = fetcher.unfetched() if fetcher is not None else []
    state = read.unread_state(also)
    store.write_rows([], [], [], snapshots=[(unread_key(detect_key), state, at)])
    return sum(len(item["pictures"]) for item in orjson.loads(state))


def resume_unread(
    store: Store, detect_key: str, stages: Sequence[Stage], media: MediaSource, at: str
) -> int:
    """At the start of a watch whose detectors were restored: read again the pictures
    the last stop left unread (:meth:`ReadPictures.resume`), and clear the record (a
    crash later does not read them twice); returns how many."""
    state = store.snapshot(unread_key(detect_key))
    read = next((s for s in stages if isinstance(s, ReadPictures)), None)
    if not state or read is None:
        return 0
    store.write_rows([], [], [], snapshots=[(unread_key(detect_key), b"[]", at)])
    return read.resume(state, media)
