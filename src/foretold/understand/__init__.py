"""Per-post understanding: sentiment, irony, offensive, hate, emotion, questions, language.

Two tiers behind one interface, with the same output (``Labels``, see PRODUCT.md):

- ``fast``: hashed word and character n-grams and emoji polarity, one linear layer in numpy;
  no neural network, for firehose volumes;
- ``accurate``: the all-MiniLM-L6-v2 sentence encoder (int8, ONNX Runtime) with linear
  heads over its embedding and the fast tier's features.

>>> from foretold.understand import TIERS
>>> TIERS
('fast', 'accurate')

With the shipped models (``foretold train`` rebuilds them)::

    clf = load_classifier("fast")
    clf.classify(["How can you call this customer service?"])[0].to_dict()

Each tier ships its decisions' error rates, measured on validation, for counting
(``error_rates(tier)["offensive"].adjusted_share(observed)``, see ``rates``).
"""

from __future__ import annotations

from functools import lru_cache

from foretold.errors import ConfigError
from foretold.understand.classifier import Classifier
from foretold.understand.labels import EMOTIONS, FLAGS, SCORE_NAMES, SENTIMENTS, Labels
from foretold.understand.rates import ErrorRate, error_rates

__all__ = [
    "EMOTIONS",
    "FLAGS",
    "SCORE_NAMES",
    "SENTIMENTS",
    "TIERS",
    "Classifier",
    "ErrorRate",
    "Labels",
    "error_rates",
    "load_classifier",
]

TIERS = ("fast", "accurate")


def load_classifier(tier: str = "fast") -> Classifier:
    """The shipped classifier of ``tier`` (``"fast"`` or ``"accurate"``), loaded once."""
    return _load(tier)


@lru_cache(maxsize=4)
def _load(tier: str) -> Classifier:
    if tier == "fast":
        from foretold.understand.fast import FastClassifier

        return FastClassifier()
    if tier == "accurate":
        from foretold.understand.accurate import AccurateClassifier

        return AccurateClassifier()
    raise ConfigError(f"unknown classifier tier {tier!r}; expected one of {TIERS}")
