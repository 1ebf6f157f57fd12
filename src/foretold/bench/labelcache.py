"""A label cache for benchmarks: a classifier's labels kept on disk, by text.

A detection benchmark replays the same simulated streams again and again while a
detector is tuned; classifying them is most of its time (the accurate tier: about half
an hour a seed on two cores), and the labels do not change with the detector. Both
classifiers label a text by itself (the result does not depend on the batch or on
earlier calls), so a post's labels are a function of its text and of the model files.

:class:`LabelCache` wraps a classifier: each text is looked up in a SQLite file
``labels-<tier>-<models>.sqlite`` in the cache folder, where ``<models>`` is a digest of
every file the shipped models are loaded from and of the understanding code that reads
them (``foretold/understand/*.py``: language ID routes a post, so a change there changes
labels); retraining a model or changing that code makes a new file, so stale labels are
never read. Texts not found are classified in one call and stored.
Several benchmark processes may share one folder (WAL, a busy timeout).

>>> import tempfile
>>> class Shouty:
...     tier = "test"
...     calls = 0
...     def classify(self, texts):
...         Shouty.calls += 1
...         return [Label({"sentiment": "negative" if t.isupper() else "neutral"})
...                 for t in texts]
>>> folder = tempfile.mkdtemp()
>>> cached = LabelCache(Shouty(), folder, models="m1")
>>> [x.to_dict()["sentiment"] for x in cached.classify(["WHY", "ok", "WHY"])]
['negative', 'neutral', 'negative']
>>> again = LabelCache(Shouty(), folder, models="m1")
>>> [x.to_dict()["sentiment"] for x in again.classify(["ok", "WHY"])], Shouty.calls
(['neutral', 'negative'], 1)
>>> (cached.hits, cached.misses), (again.hits, again.misses)
((0, 2), (2, 0))
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from foretold.understand.stage import Classifier

__all__ = ["Label", "LabelCache", "models_digest"]


class Label:
    """A cached post's labels, as :class:`~foretold.understand.stage.Classify` reads them."""

    __slots__ = ("_d",)

    def __init__(self, d: dict[str, Any]) -> None:
        self._d = d

    def to_dict(self) -> dict[str, Any]:
        return self._d


def models_digest(folder: Path | None = None) -> str:
    """A short digest of every model file the classifiers load and of the understanding
    code that reads them (name and content)."""
    from foretold.understand import accurate

    if folder is None:
        folder = accurate.MODELS
    code = Path(accurate.__file__).parent
    h = hashlib.sha256()
    models = sorted(p for p in folder.iterdir() if p.suffix in (".npz", ".onnx", ".json"))
    for path in [*models, *sorted(code.glob("*.py"))]:
        h.update(path.name.encode() + b"\0")
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
    return h.hexdigest()[:16]


class LabelCache:
    """``classifier`` with its labels read from, and written to, ``folder``."""

    def __init__(
        self, classifier: Classifier, folder: str | Path, models: str | None = None
    ) -> None:
        self.inner = classifier
        self.tier = classifier.tier
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        self.path = path / f"labels-{self.tier}-{models or models_digest()}.sqlite"
        self._db = sqlite3.connect(self.path, timeout=60.0, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS labels (key BLOB PRIMARY KEY, labels BLOB)")
        self.hits = 0
        self.misses = 0

    def classify(self, texts: Sequence[str]) -> list[Label]:
        """One label per text: from the cache, else classified (once per distinct text)."""
        keys = [hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=16).digest()
                for t in texts]  # fmt: skip
        found: dict[bytes, dict[str, Any]] = {}
        distinct = list(dict.fromkeys(keys))
        for i in range(0, len(distinct), 500):
            part = distinct[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(f"SELECT key, labels FROM labels WHERE key IN ({marks})", part)
            found.update((k, orjson.loads(v)) for k, v in rows)
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        self.hits += len(distinct) - len(todo)
        self.misses += len(todo)
        if todo:
            fresh = self.inner.classify(list(todo.values()))
            rows_in = []
            for k, label in zip(todo, fresh, strict=True):
                d = label.to_dict()
                found[k] = d
                rows_in.append((k, orjson.dumps(d)))
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany("INSERT OR IGNORE INTO labels VALUES (?, ?)", rows_in)
        return [Label(found[k]) for k in keys]

    def close(self) -> None:
        self._db.close()
