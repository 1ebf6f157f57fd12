"""``foretold eval``: the test-split table, both tiers beside VADER and the published figures.

Each benchmark is scored with the metric it defines (see ``data.TASKS``); VADER (the
rule-based baseline, ``vaderSentiment`` from the ``train`` extra) only has a sentiment
column: its compound score is cut at +-0.05, as its authors recommend. Throughput is the
posts/s of ``classify`` over the whole sentiment test split (12,284 real tweets).

The main table decides irony, offensive and hate at each tier's benchmark operating point
(the calibrated probability that is best for the task's metric on its validation split,
``calibration.json``), as the published rows do; the flags a user sees fire at the
shipped operating points, set for real prevalence (see ``calibrate``), and a second table
scores them. Beside them: the calibration error (ECE) of each task on its validation split
and the ``ironic`` flag on the iSarcasmEval ``dev`` part (sarcastic-class F1, flag rate
against the true rate), which no setting was chosen on.
"""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from foretold.errors import MissingExtraError
from foretold.understand.calibrate import ece, ece_floor
from foretold.understand.classifier import Classifier
from foretold.understand.data import TASKS, Split, load_isarcasmeval_part, load_split
from foretold.understand.labels import EMOTIONS, SENTIMENTS, Labels
from foretold.understand.metrics import score

__all__ = [
    "PUBLISHED",
    "UMSAB_PUBLISHED",
    "Row",
    "SarcasmFigures",
    "UmsabReport",
    "benchmark_thresholds",
    "evaluate",
    "format_flags",
    "format_table",
    "format_umsab",
    "predict",
    "sarcasm_dev",
    "score_predicted",
    "umsab_report",
    "vader_row",
    "validation_ece",
]

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
    shipped: dict[str, float] = field(default_factory=dict)  # binary tasks, shipped flags
    flag_rates: dict[str, float] = field(default_factory=dict)  # share of test posts flagged


_FLAG = {"irony": "ironic", "offensive": "offensive", "hate": "hateful"}


def predict(task: str, labels: Sequence[Labels], threshold: float | None = None) -> list[int]:
    """Class indices of ``task`` from ``Labels``: the flags for the binary tasks, or, given
    a ``threshold``, whether the task's score reaches it (in English posts, as flags); -1
    for the emotion of a post no tier read (``unsupported``: see :func:`score_predicted`)."""
    if task == "sentiment":
        return [SENTIMENTS.index(x.sentiment) for x in labels]
    if task == "emotion":
        return [EMOTIONS.index(x.emotion) if x.emotion in EMOTIONS else -1 for x in labels]
    if threshold is not None:
        return [int(x.lang in ("en", "und") and x.scores[task] >= threshold) for x in labels]
    return [int(_FLAG[task] in x.flags) for x in labels]


@dataclass(frozen=True)
class SarcasmFigures:
    """The ``ironic`` flag on the iSarcasmEval ``dev`` part."""

    f1: float  # of the sarcastic class
    flag_rate: float
    true_rate: float
    n: int


def sarcasm_dev(classifier: Classifier, root: Path) -> SarcasmFigures:
    """Score the shipped ``ironic`` flag on the iSarcasmEval ``dev`` part."""
    split = load_isarcasmeval_part("dev", root)
    pred = predict("irony", classifier.classify(split.texts))
    return SarcasmFigures(
        score("f1_pos", split.labels, pred, 2),
        sum(pred) / len(pred),
        sum(split.labels) / len(split.labels),
        len(pred),
    )


def validation_ece(classifier: Classifier, root: Path) -> dict[str, tuple[float, float]]:
    """Each task's top-label ECE (15 bins) of the shipped scores on its validation split,
    and its floor: the mean ECE a perfectly calibrated model with these scores shows on as
    many posts (:func:`foretold.understand.calibrate.ece_floor`)."""
    out: dict[str, tuple[float, float]] = {}
    for task, spec in TASKS.items():
        split = load_split(task, "val", root)
        labels = classifier.classify(split.texts)
        if len(spec.classes) == 2:
            p = np.array([x.scores[task] for x in labels])
            probs = np.stack([1 - p, p], axis=1)
        else:
            names = SENTIMENTS if task == "sentiment" else EMOTIONS
            probs = np.array([[x.scores[c] for c in names] for x in labels])
        out[task] = (ece(probs, split.labels), ece_floor(probs)[0])
    return out


def score_predicted(task: str, gold: Sequence[int], pred: Sequence[int]) -> float:
    """``task``'s metric; a prediction of -1 (nothing read) counts as wrong.

    >>> round(score_predicted("sentiment", [0, 1, 2, 2], [0, 1, 2, -1]), 3)  # macro recall
    0.833
    """
    spec = TASKS[task]
    k = len(spec.classes)
    fixed = [p if p >= 0 else (y + 1) % k for y, p in zip(gold, pred, strict=True)]
    return score(spec.metric, gold, fixed, k)


def _test(root: Path) -> dict[str, Split]:
    return {task: load_split(task, "test", root) for task in TASKS}


def evaluate(
    classifier: Classifier,
    root: Path,
    log: Callable[[str], None] = lambda _: None,
    benchmark: Mapping[str, float] | None = None,
) -> Row:
    """Score ``classifier`` on every test split; time it on the sentiment one.

    ``benchmark``: the benchmark operating point of each binary task (else its flags)."""
    row = Row(classifier.tier)
    for task, split in _test(root).items():
        start = time.perf_counter()
        labels = classifier.classify(split.texts)
        seconds = time.perf_counter() - start
        if task == "sentiment":
            row.posts_per_s = len(split.texts) / seconds
        spec = TASKS[task]
        k = len(spec.classes)
        cut = (benchmark or {}).get(task)
        row.scores[task] = 100 * score(spec.metric, split.labels, predict(task, labels, cut), k)
        if k == 2:
            flags = predict(task, labels)
            row.shipped[task] = 100 * score(spec.metric, split.labels, flags, k)
            row.flag_rates[task] = sum(flags) / len(flags)
        log(f"{classifier.tier}: {task} {row.scores[task]:.1f} ({len(split.texts)} posts)")
    return row


def benchmark_thresholds(path: Path) -> dict[str, dict[str, float]]:
    """Tier -> binary task -> benchmark operating point, from ``calibration.json``."""
    if not path.exists():
        return {}
    record = json.loads(path.read_text())
    return {
        tier: {r["task"]: r["benchmark_threshold"] for r in tasks if r["benchmark_threshold"]}
        for tier, tasks in record.items()
    }


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
    lines.append(
        f"Test splits; metrics x100 ({metrics}); irony, offensive and hate at each tier's"
        " benchmark operating point (chosen on validation)."
    )
    return "\n".join(lines)


def format_flags(
    rows: Sequence[Row],
    ece_by_tier: Mapping[str, Mapping[str, tuple[float, float]]],
    sarcasm: Mapping[str, SarcasmFigures],
) -> str:
    """The shipped flags on the test splits, the validation ECE and the iSarcasmEval dev
    figures, one line per tier.

    >>> row = Row("fast", shipped={"irony": 60.0, "offensive": 70.0, "hate": 50.0},
    ...           flag_rates={"irony": 0.2, "offensive": 0.1, "hate": 0.3})
    >>> ece = {"fast": dict.fromkeys(COLUMNS, (0.031, 0.024))}
    >>> table = format_flags([row], ece, {"fast": SarcasmFigures(0.4, 0.3, 0.25, 691)})
    >>> table.splitlines()[2].split(" | ")[1:4]
    ['60.0 (20%)', '70.0 (10%)', '50.0 (30%)']
    >>> table.splitlines()[2].split(" | ")[4]
    '0.031 (0.024)'
    >>> table.splitlines()[2].split(" | ")[-2:]
    ['0.40', '30% / 25% |']
    """
    binary = [t for t in COLUMNS if len(TASKS[t].classes) == 2]
    head = ["tier", *binary, *(f"ECE {t}" for t in COLUMNS)]
    head += ["iSarcasmEval dev F1", "flagged / sarcastic"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    n = 0
    for r in rows:
        cells = [r.name]
        cells += [f"{r.shipped[t]:.1f} ({r.flag_rates[t]:.0%})" for t in binary]
        cells += [
            f"{ece_by_tier[r.name][t][0]:.3f} ({ece_by_tier[r.name][t][1]:.3f})" for t in COLUMNS
        ]
        s = sarcasm[r.name]
        n = s.n
        cells += [f"{s.f1:.2f}", f"{s.flag_rate:.0%} / {s.true_rate:.0%}"]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "Flags at the shipped operating points (see the model card: set for real prevalence,"
        " or kept\nfrom before): test metric x100 (share of test posts flagged); ECE: top-label,"
        " 15 bins,\nvalidation splits, and in brackets its floor: the mean ECE of a perfectly"
        " calibrated model\nwith the same scores on as many posts; iSarcasmEval dev:"
        f" {n} posts.",
    ]
    return "\n".join(lines)


# --- the multilingual tier: UMSAB (French, German, Spanish) ------------------------------

#: UMSAB test macro-F1 (x100), French / German / Spanish (cardiffnlp/xlm-t repository).
UMSAB_PUBLISHED: dict[str, tuple[float, float, float]] = {
    "FastText (monolingual)": (54.8, 59.6, 50.1),
    "XLM-R (multilingual)": (70.5, 72.8, 66.0),
    "XLM-T (multilingual)": (71.2, 77.3, 67.9),
}
UMSAB_COLUMNS = ("fr", "de", "es")


@dataclass
class UmsabReport:
    """The multilingual tier on UMSAB test: macro-F1 per language (heads alone, and routed
    through language identification), language-ID accuracy, posts/s, and the zero-shot
    heads' English test scores."""

    tier: dict[str, float] = field(default_factory=dict)
    routed: dict[str, float] = field(default_factory=dict)
    langid: dict[str, float] = field(default_factory=dict)
    posts_per_s: float = 0.0
    english: dict[str, float] = field(default_factory=dict)


def umsab_report(
    root: Path,
    english: Classifier | None = None,
    log: Callable[[str], None] = lambda _: None,
) -> UmsabReport:
    """Score the multilingual tier on the UMSAB test splits; ``english`` (the router
    around an English tier) also scores the routed path end to end."""
    from foretold.understand.langid import identify
    from foretold.understand.multilingual import MultilingualClassifier
    from foretold.understand.multilingual_train import load_umsab

    tier = MultilingualClassifier()
    report = UmsabReport()
    n_posts, seconds = 0, 0.0
    for lang in UMSAB_COLUMNS:
        split = load_umsab(lang, "test", root)
        start = time.perf_counter()
        labels = tier.classify(split.texts, [lang] * len(split.texts))
        seconds += time.perf_counter() - start
        n_posts += len(split.texts)
        pred = predict("sentiment", labels)
        report.tier[lang] = 100 * score("macro_f1", split.labels, pred, 3)
        got = identify(split.texts)
        report.langid[lang] = 100 * sum(g == lang for g in got) / len(got)
        if english is not None:
            pred = predict("sentiment", english.classify(split.texts))
            report.routed[lang] = 100 * score("macro_f1", split.labels, pred, 3)
        log(
            f"multilingual: UMSAB {lang} {report.tier[lang]:.1f}, language ID {report.langid[lang]:.1f}"
        )
    report.posts_per_s = n_posts / seconds
    en_test = load_split("sentiment", "test", root).texts[:3000]
    report.langid["en"] = 100 * sum(g == "en" for g in identify(en_test)) / len(en_test)
    for task, split in _test(root).items():
        labels = tier.classify(split.texts, ["en"] * len(split.texts))
        report.english[task] = 100 * score_predicted(task, split.labels, predict(task, labels))
        log(f"multilingual: English {task} {report.english[task]:.1f}")
    return report


def format_umsab(report: UmsabReport) -> str:
    """The UMSAB table beside the published rows, then language ID and the zero-shot heads.

    >>> r = UmsabReport({"fr": 70.0, "de": 72.0, "es": 65.0}, {}, {"fr": 99.0}, 900.0,
    ...                 {"sentiment": 60.0})
    >>> print(format_umsab(r).splitlines()[2])
    | multilingual tier (measured) | 70.0 | 72.0 | 65.0 | 900 |
    """
    lines = ["| model | fr | de | es | posts/s |", "|---|---|---|---|---|"]

    def row(name: str, values: dict[str, float], speed: str = "-") -> str:
        cells = " | ".join(f"{values[c]:.1f}" if c in values else "-" for c in UMSAB_COLUMNS)
        return f"| {name} | {cells} | {speed} |"

    lines.append(row("multilingual tier (measured)", report.tier, f"{report.posts_per_s:,.0f}"))
    if report.routed:
        lines.append(row("language ID + routing (measured)", report.routed))
    for name, values in UMSAB_PUBLISHED.items():
        lines.append(row(f"{name} (published)", dict(zip(UMSAB_COLUMNS, values, strict=True))))
    lines.append("")
    lines.append("UMSAB test splits; sentiment macro-F1 x100 (the set's own metric).")
    ids = ", ".join(f"{k} {v:.1f}%" for k, v in report.langid.items())
    lines.append(
        f"Language ID accuracy: {ids} (UMSAB test texts; en: first 3,000 TweetEval "
        "sentiment test tweets); it, pt, nl and the other covered languages: not measured "
        "(no labelled tweets here)."
    )
    if report.english:
        cells = ", ".join(f"{k} {v:.1f}" for k, v in report.english.items())
        lines.append(
            f"Multilingual heads on the English test splits: {cells}. Irony, offensive, hate "
            "and emotion are trained on English only: in every other language they are "
            "zero-shot (unmeasured; no labelled tweets)."
        )
    return "\n".join(lines)
