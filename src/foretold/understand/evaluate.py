"""``foretold eval``: the test-split table, both tiers beside VADER and the published figures.

Each benchmark is scored with the metric it defines (see ``data.TASKS``); VADER (the
rule-based baseline, ``vaderSentiment`` from the ``train`` extra) only has a sentiment
column: its compound score is cut at +-0.05, as its authors recommend. Throughput is the
posts/s of ``classify`` over the whole sentiment test split (12,284 real tweets).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from foretold.errors import MissingExtraError
from foretold.understand.classifier import Classifier
from foretold.understand.data import TASKS, Split, load_split
from foretold.understand.labels import EMOTIONS, SENTIMENTS, Labels
from foretold.understand.metrics import score

__all__ = ["PUBLISHED", "Row", "evaluate", "format_table", "predict", "vader_row"]

PUBLISHED: dict[str, tuple[float, ...]] = {
    "SVM": (62.9, 61.7, 52.3, 36.7, 64.7),
    "FastText": (62.9, 63.1, 73.4, 50.6, 65.2),
    "RoBERTa-base": (71.3, 59.7, 79.5, 46.6, 76.1),
    "RoBERTa-Retrained": (72.8, 61.7, 80.5, 52.3, 78.5),
    "TimeLMs-2021": (73.7, 64.5, 82.2, 55.1, 80.2),
    "BERTweet": (73.4, 82.1, 79.5, 56.4, 79.3),
}
COLUMNS = tuple(TASKS)


@dataclass
class Row:
    """One line of the table: a model's score (x100) per task, and its posts/s."""

    name: str
    scores: dict[str, float] = field(default_factory=dict)
    posts_per_s: float | None = None


def predict(task: str, labels: Sequence[Labels]) -> list[int]:
    """Class indices of ``task`` from ``Labels`` (the flags for the binary tasks)."""
    if task == "sentiment":
        return [SENTIMENTS.index(x.sentiment) for x in labels]
    if task == "emotion":
        return [EMOTIONS.index(x.emotion) for x in labels]
    flag = {"irony": "ironic", "offensive": "offensive", "hate": "hateful"}[task]
    return [int(flag in x.flags) for x in labels]


def _test(root: Path) -> dict[str, Split]:
    return {task: load_split(task, "test", root) for task in TASKS}


def evaluate(
    classifier: Classifier, root: Path, log: Callable[[str], None] = lambda _: None
) -> Row:
    """Score ``classifier`` on every test split; time it on the sentiment one."""
    row = Row(classifier.tier)
    for task, split in _test(root).items():
        start = time.perf_counter()
        labels = classifier.classify(split.texts)
        seconds = time.perf_counter() - start
        if task == "sentiment":
            row.posts_per_s = len(split.texts) / seconds
        spec = TASKS[task]
        row.scores[task] = 100 * score(
            spec.metric, split.labels, predict(task, labels), len(spec.classes)
        )
        log(f"{classifier.tier}: {task} {row.scores[task]:.1f} ({len(split.texts)} posts)")
    return row


def vader_row(root: Path) -> Row:
    """VADER on the sentiment test split."""
    try:
        vader = importlib.import_module("vaderSentiment.vaderSentiment")
    except ImportError:
        raise MissingExtraError("vaderSentiment", "train") from None
    split = load_split("sentiment", "test", root)
    analyzer = vader.SentimentIntensityAnalyzer()
    start = time.perf_counter()
    compound = [analyzer.polarity_scores(t)["compound"] for t in split.texts]
    seconds = time.perf_counter() - start
    pred = [0 if c <= -0.05 else 2 if c >= 0.05 else 1 for c in compound]
    value = 100 * score("macro_recall", split.labels, pred, 3)
    return Row("VADER", {"sentiment": value}, len(split.texts) / seconds)


def format_table(rows: Sequence[Row]) -> str:
    """A Markdown table: measured rows, then the published ones, then the metrics.

    >>> print(format_table([Row("fast", {"sentiment": 63.04}, 51234.0)]).splitlines()[2])
    | fast (measured) | 63.0 | - | - | - | - | 51,234 |
    """
    head = "| model | " + " | ".join(COLUMNS) + " | posts/s |"
    lines = [head, "|" + "---|" * (len(COLUMNS) + 2)]
    for r in rows:
        cells = [f"{r.scores[c]:.1f}" if c in r.scores else "-" for c in COLUMNS]
        speed = f"{r.posts_per_s:,.0f}" if r.posts_per_s else "-"
        lines.append(f"| {r.name} (measured) | " + " | ".join(cells) + f" | {speed} |")
    for name, values in PUBLISHED.items():
        lines.append(f"| {name} (published) | " + " | ".join(f"{v:.1f}" for v in values) + " | - |")
    metrics = ", ".join(f"{t}: {TASKS[t].metric}" for t in COLUMNS)
    lines.append("")
    lines.append(f"Test splits; metrics x100 ({metrics}).")
    return "\n".join(lines)
