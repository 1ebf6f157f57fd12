"""Loaders for the labelled tweets in ``../shared/data`` (read in place, never copied).

Each task has a ``train``, a ``val`` (model selection and operating points) and a ``test``
split; ``test`` is read only by :mod:`foretold.understand.evaluate`.

Sentiment has no TweetEval train text, so its ``train`` split is the SemEval-2017 Task 4A
training material: every 2013-2016 file (the same tweets TweetEval's sentiment train split
was drawn from, as the task organisers released them for training), with any tweet whose
text also occurs (up to mentions, URLs and punctuation) in the 2017 test set or the TweetEval
sentiment validation set removed, and duplicates dropped.

>>> TASKS["emotion"].classes
('anger', 'joy', 'optimism', 'sadness')
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path

from foretold.errors import ConfigError

_URL = re.compile(r"https?://\S+")
_MENTION = re.compile(r"@\w+")
_NON_ALNUM = re.compile(r"[\W_]+")

__all__ = [
    "ISARCASM_PARTS",
    "TASKS",
    "Split",
    "Task",
    "data_dir",
    "load_isarcasmeval",
    "load_isarcasmeval_part",
    "load_split",
]

#: iSarcasmEval's English train file, split in three (stratified by the ``sarcastic`` label,
#: seeded): ``train`` (60%) may train the irony head, ``val`` (20%) chooses the ``ironic``
#: operating point and measures its error rates, ``dev`` (20%) is only reported.
ISARCASM_PARTS = {"train": 0.6, "val": 0.2, "dev": 0.2}
ISARCASM_SEED = 16


@dataclass(frozen=True)
class Task:
    """One labelled benchmark: its class names and the metric it defines."""

    name: str
    classes: tuple[str, ...]
    metric: str  # "macro_recall" | "f1_pos" | "macro_f1"


TASKS: dict[str, Task] = {
    "sentiment": Task("sentiment", ("negative", "neutral", "positive"), "macro_recall"),
    "irony": Task("irony", ("non_irony", "irony"), "f1_pos"),
    "offensive": Task("offensive", ("not-offensive", "offensive"), "macro_f1"),
    "hate": Task("hate", ("not-hate", "hate"), "macro_f1"),
    "emotion": Task("emotion", ("anger", "joy", "optimism", "sadness"), "macro_f1"),
}


@dataclass(frozen=True)
class Split:
    """Texts and integer labels (indices into the task's ``classes``)."""

    texts: list[str]
    labels: list[int]

    def head(self, n: int) -> Split:
        """The first ``n`` examples."""
        return Split(self.texts[:n], self.labels[:n])


def data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """The shared data folder: ``path``, else ``$FORETOLD_DATA``, else ``../shared/data``."""
    chosen = Path(path or os.environ.get("FORETOLD_DATA") or "../shared/data")
    if not (chosen / "tweeteval").is_dir():
        raise ConfigError(
            f"data folder {str(chosen)!r} has no tweeteval/ inside; "
            "pass --data or set FORETOLD_DATA to the shared data folder"
        )
    return chosen


def _lines(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="\n") as f:
        return [line.rstrip("\n").rstrip("\r") for line in f]


def _tweeteval(root: Path, task: str, split: str) -> Split:
    folder = root / "tweeteval" / task
    texts = _lines(folder / f"{split}_text.txt")
    labels = [int(x) for x in _lines(folder / f"{split}_labels.txt") if x.strip()]
    if len(texts) != len(labels):
        texts = texts[: len(labels)]
    return Split([t.strip() for t in texts], labels)


def _semeval_tsv(path: Path) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for line in _lines(path):
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        label, text = parts[1].strip(), "\t".join(parts[2:]).strip()
        if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
            text = text[1:-1]
        rows.append((label, text))
    return rows


def _key(text: str) -> str:
    """Text identity that survives TweetEval's ``@user`` anonymisation and re-quoting."""
    text = _URL.sub("", _MENTION.sub("@user", text.lower()))
    return _NON_ALNUM.sub("", text)


def _sentiment_train(root: Path) -> Split:
    classes = TASKS["sentiment"].classes
    test = _lines(root / "semeval2017" / "SemEval2017-task4-test.subtask-A.english.txt")
    held = {_key(line.split("\t", 2)[-1]) for line in test}
    held |= {_key(t) for t in _tweeteval(root, "sentiment", "val").texts}
    held |= {_key(t) for t in _tweeteval(root, "sentiment", "test").texts}
    texts: list[str] = []
    labels: list[int] = []
    seen: set[str] = set()
    for path in sorted((root / "semeval2017").glob("twitter-201[3-6]*-A.tsv")):
        for label, text in _semeval_tsv(path):
            key = _key(text)
            if label not in classes or key in held or key in seen:
                continue
            seen.add(key)
            texts.append(text)
            labels.append(classes.index(label))
    return Split(texts, labels)


def load_split(task: str, split: str, root: Path | None = None) -> Split:
    """Load ``split`` (``train``, ``val`` or ``test``) of ``task`` from the shared data."""
    if task not in TASKS:
        raise ConfigError(f"unknown task {task!r}; expected one of {sorted(TASKS)}")
    base = root if root is not None else data_dir()
    if task == "sentiment" and split == "train":
        return _sentiment_train(base)
    return _tweeteval(base, task, split)


def load_isarcasmeval(root: Path | None = None) -> list[dict[str, str]]:
    """Rows of iSarcasmEval's English train file (``tweet``, ``sarcastic``, sub-types)."""
    base = root if root is not None else data_dir()
    with (base / "isarcasmeval" / "train.En.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load_isarcasmeval_part(part: str, root: Path | None = None) -> Split:
    """The ``part`` (``train``, ``val`` or ``dev``, see ``ISARCASM_PARTS``) of iSarcasmEval's
    English train file: tweets and their authors' own sarcasm labels (1 = sarcastic).

    Each class is shuffled with ``random.Random(ISARCASM_SEED)`` and cut 60/20/20, so the
    three parts keep the file's share of sarcastic tweets (about 25%). Rows without text are
    dropped, a text that occurs more than once is kept once, and the five texts that occur
    with both labels are dropped, so no text is in two parts. The parts are the same on
    every machine."""
    import random

    if part not in ISARCASM_PARTS:
        raise ConfigError(
            f"unknown iSarcasmEval part {part!r}; expected one of {sorted(ISARCASM_PARTS)}"
        )
    labels: dict[str, set[int]] = {}
    for r in load_isarcasmeval(root):
        text = r.get("tweet", "").strip()
        if text:
            labels.setdefault(text, set()).add(int(r["sarcastic"]))
    rows = [(t, ys.pop()) for t, ys in labels.items() if len(ys) == 1]
    chosen: list[tuple[int, str, int]] = []
    rng = random.Random(ISARCASM_SEED)
    for label in (0, 1):
        idx = [i for i, (_, y) in enumerate(rows) if y == label]
        rng.shuffle(idx)
        a = round(len(idx) * ISARCASM_PARTS["train"])
        b = a + round(len(idx) * ISARCASM_PARTS["val"])
        picked = {"train": idx[:a], "val": idx[a:b], "dev": idx[b:]}[part]
        chosen.extend((i, rows[i][0], label) for i in picked)
    chosen.sort()
    return Split([t for _, t, _ in chosen], [y for _, _, y in chosen])
