"""The ``Labels`` record: what foretold understood of one post (PRODUCT.md, "Classify out").

>>> labels = Labels.from_scores(
...     [0.81, 0.14, 0.05, 0.72, 0.31, 0.04, 0.66, 0.02, 0.05, 0.27],
...     flags=("ironic", "question"), lang="en")
>>> labels.sentiment, labels.emotion
('negative', 'anger')
>>> sorted(labels.to_dict())
['emotion', 'flags', 'lang', 'scores', 'sentiment']
>>> labels.to_dict()["flags"]
['ironic', 'question']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["EMOTIONS", "FLAGS", "SCORE_NAMES", "SENTIMENTS", "Labels"]

SENTIMENTS = ("negative", "neutral", "positive")
EMOTIONS = ("anger", "joy", "optimism", "sadness")
SCORE_NAMES = (*SENTIMENTS, "irony", "offensive", "hate", *EMOTIONS)
FLAGS = ("ironic", "offensive", "hateful", "question", "unsupported")


@dataclass(frozen=True, slots=True)
class Labels:
    """Per-post labels.

    ``scores`` holds the ten probabilities of ``SCORE_NAMES``; ``flags`` the binary decisions
    (a subset of ``FLAGS``, in that order); ``lang`` the language guess (``"en"``, another
    ISO 639-1 code, ``"und-<Script>"`` for a script foretold cannot narrow down, or ``"und"``
    when the post has no words at all). An English tier reads English; for a post it
    guesses to be in another language, ``sentiment`` is ``"neutral"`` and only the
    ``question`` flag can be raised (the scores are its raw output, kept for reference).
    Routed (:mod:`foretold.understand.routing`), the covered languages are read by the
    multilingual tier, and a post in any other language gets the ``unsupported`` flag
    alone, every score 0 and ``emotion`` ``"none"``: counted, never guessed.
    """

    sentiment: str
    emotion: str
    scores: dict[str, float]
    flags: tuple[str, ...]
    lang: str

    @classmethod
    def from_scores(
        cls, scores: Sequence[float], flags: tuple[str, ...] = (), lang: str = "en"
    ) -> Labels:
        """Labels whose sentiment and emotion are the arg-max of ``scores``."""
        s = dict(zip(SCORE_NAMES, scores, strict=True))
        sentiment = max(SENTIMENTS, key=s.__getitem__)
        emotion = max(EMOTIONS, key=s.__getitem__)
        return cls(sentiment, emotion, s, flags, lang)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of PRODUCT.md, plus ``lang``."""
        return {
            "sentiment": self.sentiment,
            "emotion": self.emotion,
            "scores": dict(self.scores),
            "flags": list(self.flags),
            "lang": self.lang,
        }
