"""Each flag's and decision's error rates, measured on validation, shipped with the models.

A share of flagged posts is not the share of truly ironic (offensive, negative...) posts:
a flag misses some true posts (its true-positive rate, TPR, is below 1) and fires on some
others (false-positive rate, FPR). Knowing both, the early warning can estimate the true
share of a window from the observed one (adjusted classify-and-count, Forman 2008)::

    observed = TPR * true + FPR * (1 - true)   =>   true = (observed - FPR) / (TPR - FPR)

``models/rates.json`` holds, per tier, the rates of ``ironic``, ``offensive``, ``hateful``
(the flags at their shipped operating points), ``negative`` (sentiment arg-max) and
``anger`` (emotion arg-max), each measured on a validation set that no setting of that
decision was fitted to (see ``DATASETS``); ``foretold train`` rewrites it.

>>> rate = ErrorRate(tpr=0.8, fpr=0.1, n_pos=200, n_neg=800, dataset="example")
>>> round(rate.adjusted_share(0.24), 3)
0.2
>>> rate.adjusted_share(0.05)  # below the false-positive rate: nothing is truly there
0.0
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from foretold.errors import ConfigError
from foretold.understand.classifier import Classifier
from foretold.understand.data import Split, load_isarcasmeval_part, load_split
from foretold.understand.labels import Labels

__all__ = ["DATASETS", "RATES_FILE", "ErrorRate", "error_rates", "measure_rates", "write_rates"]

RATES_FILE = Path(__file__).parent / "models" / "rates.json"

#: Decision -> the validation set its rates are measured on.
DATASETS = {
    "ironic": "iSarcasmEval train.En.csv, val part (authors' own sarcasm labels)",
    "offensive": "TweetEval offensive val",
    "hateful": "TweetEval hate val",
    "negative": "TweetEval sentiment val (negative against neutral and positive)",
    "anger": "TweetEval emotion val (anger against joy, optimism and sadness)",
}


@dataclass(frozen=True)
class ErrorRate:
    """How one yes/no decision errs: ``tpr`` = P(yes | true), ``fpr`` = P(yes | false),
    over ``n_pos`` true and ``n_neg`` false posts of ``dataset``."""

    tpr: float
    fpr: float
    n_pos: int
    n_neg: int
    dataset: str

    def adjusted_share(self, observed: float) -> float:
        """The true share behind an ``observed`` share of yes-decisions, clipped to [0, 1]
        (the observed share itself when the decision cannot tell the classes apart)."""
        gap = self.tpr - self.fpr
        if gap <= 1e-6:
            return min(1.0, max(0.0, observed))
        return min(1.0, max(0.0, (observed - self.fpr) / gap))


def _decision(name: str) -> Callable[[Labels], bool]:
    if name == "negative":
        return lambda x: x.sentiment == "negative"
    if name == "anger":
        return lambda x: x.emotion == "anger"
    return lambda x: name in x.flags


def _truth(name: str, split: Split) -> list[bool]:
    if name == "negative":
        return [y == 0 for y in split.labels]
    if name == "anger":
        return [y == 0 for y in split.labels]
    return [y == 1 for y in split.labels]


def _splits(root: Path) -> dict[str, Split]:
    return {
        "ironic": load_isarcasmeval_part("val", root),
        "offensive": load_split("offensive", "val", root),
        "hateful": load_split("hate", "val", root),
        "negative": load_split("sentiment", "val", root),
        "anger": load_split("emotion", "val", root),
    }


def rate_of(decisions: Sequence[bool], truth: Sequence[bool], dataset: str) -> ErrorRate:
    """The ``ErrorRate`` of ``decisions`` against ``truth``.

    >>> rate_of([True, False, True, False], [True, True, False, False], "toy")
    ErrorRate(tpr=0.5, fpr=0.5, n_pos=2, n_neg=2, dataset='toy')
    """
    pos = sum(truth)
    neg = len(truth) - pos
    tp = sum(d and t for d, t in zip(decisions, truth, strict=True))
    fp = sum(d and not t for d, t in zip(decisions, truth, strict=True))
    return ErrorRate(
        round(tp / pos, 4) if pos else 0.0, round(fp / neg, 4) if neg else 0.0, pos, neg, dataset
    )


def measure_rates(classifier: Classifier, root: Path) -> dict[str, ErrorRate]:
    """The rates of ``classifier``'s five decisions on their validation sets."""
    out: dict[str, ErrorRate] = {}
    for name, split in _splits(root).items():
        decide = _decision(name)
        decisions = [decide(x) for x in classifier.classify(split.texts)]
        out[name] = rate_of(decisions, _truth(name, split), DATASETS[name])
    return out


def write_rates(tier: str, rates: dict[str, ErrorRate], path: Path = RATES_FILE) -> Path:
    """Store ``tier``'s rates in ``path`` (other tiers' rates are kept)."""
    data = json.loads(path.read_text()) if path.exists() else {}
    data[tier] = {name: asdict(r) for name, r in rates.items()}
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    _load.cache_clear()
    return path


def error_rates(tier: str = "fast", path: Path = RATES_FILE) -> dict[str, ErrorRate]:
    """The shipped error rates of ``tier``'s decisions: ``ironic``, ``offensive``,
    ``hateful``, ``negative`` and ``anger``.

    >>> rates = error_rates("fast")
    >>> sorted(rates)
    ['anger', 'hateful', 'ironic', 'negative', 'offensive']
    >>> 0.0 <= rates["offensive"].fpr < rates["offensive"].tpr <= 1.0
    True
    """
    data = _load(path)
    if tier not in data:
        raise ConfigError(
            f"no error rates for tier {tier!r} in {path}; expected one of {sorted(data)}"
        )
    return {
        name: ErrorRate(
            float(f["tpr"]), float(f["fpr"]), int(f["n_pos"]), int(f["n_neg"]), str(f["dataset"])
        )
        for name, f in data[tier].items()
    }


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, dict[str, dict[str, float | int | str]]]:
    try:
        data: dict[str, dict[str, dict[str, float | int | str]]] = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise ConfigError(f"cannot read the error rates {path}: {e}") from None
    return data
