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

Posts are routed by language (:mod:`~foretold.understand.routing`): English to the
chosen tier, the 14 other languages multilingual USE v3 was trained on to the
``multilingual`` tier (:mod:`~foretold.understand.multilingual`), any other language
marked ``unsupported``: counted, never guessed.

Each tier ships its decisions' error rates, measured on validation, for counting
(``error_rates(tier)["offensive"].adjusted_share(observed)``, see ``rates``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from foretold.errors import ConfigError
from foretold.understand.classifier import Classifier
from foretold.understand.labels import EMOTIONS, FLAGS, SCORE_NAMES, SENTIMENTS, Labels
from foretold.understand.rates import ErrorRate, error_rates

if TYPE_CHECKING:
    from foretold.understand.multilingual import MultilingualClassifier

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
    "load_tier",
]

TIERS = ("fast", "accurate")


def load_classifier(tier: str = "fast", languages: Iterable[str] | None = None) -> Classifier:
    """The shipped classifier of ``tier`` (``"fast"`` or ``"accurate"``) for English posts,
    routing the other ``languages`` (default: every covered one) to the multilingual tier;
    loaded once per tier and languages."""
    chosen = None if languages is None else tuple(sorted(set(languages)))
    return _routed(tier, chosen)


def load_tier(tier: str = "fast") -> Classifier:
    """The English tier ``tier`` alone, without routing (every post read as English, a
    post it guesses to be in another language labelled neutral): what the model card's
    English scores measure."""
    return _load(tier)


@lru_cache(maxsize=8)
def _routed(tier: str, languages: tuple[str, ...] | None) -> Classifier:
    from foretold.understand.routing import Router

    return Router(_load(tier), _multilingual, languages)


@lru_cache(maxsize=1)
def _multilingual() -> MultilingualClassifier:
    from foretold.understand.multilingual import MultilingualClassifier

    return MultilingualClassifier()


@lru_cache(maxsize=4)
def _load(tier: str) -> Classifier:
    if tier == "fast":
        from foretold.understand.fast import FastClassifier

        return FastClassifier()
    if tier == "accurate":
        from foretold.understand.accurate import AccurateClassifier

        return AccurateClassifier()
    raise ConfigError(f"unknown classifier tier {tier!r}; expected one of {TIERS}")
