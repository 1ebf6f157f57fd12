"""What both tiers share: the ``Classifier`` interface and logits -> ``Labels``.

Both tiers produce ten logits a post, in the order of ``SCORE_NAMES``: three sentiment
logits (soft-maxed), irony, offensive and hate (each a sigmoid), four emotion logits
(soft-maxed). ``thresholds`` are the operating points of irony, offensive and hate, chosen
on the validation splits at training time.

>>> import numpy as np
>>> logits = np.zeros((2, 10), dtype=np.float32)
>>> logits[0, 0] = 3.0
>>> out = labels_from_logits(
...     logits, np.array([0.5, 0.5, 0.5]), ["why?", ""], ["en", "und"], [True, False])
>>> out[0].sentiment, out[0].flags, out[1].sentiment
('negative', ('ironic', 'offensive', 'hateful', 'question'), 'neutral')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from foretold.understand.labels import EMOTIONS, SCORE_NAMES, SENTIMENTS, Labels

__all__ = ["Classifier", "calibrated", "calibration_of", "labels_from_logits", "probabilities"]

_BINARY_FLAGS = ("ironic", "offensive", "hateful")


class Classifier(Protocol):
    """Labels posts in batches; the same texts always give the same labels."""

    tier: str

    def classify(self, texts: Sequence[str]) -> list[Labels]:
        """One ``Labels`` per text, in order."""
        ...


def calibration_of(model: Any) -> npt.NDArray[np.float32]:
    """The ``(2, 10)`` calibration of a loaded model file: each logit is multiplied by row 0
    and shifted by row 1 (a temperature per multi-class task, Platt scaling per binary one);
    the identity for a model saved without one."""
    if "calibration" in model:
        return np.asarray(model["calibration"], dtype=np.float32)
    return np.stack([np.ones(10, dtype=np.float32), np.zeros(10, dtype=np.float32)])


def calibrated(
    logits: npt.NDArray[np.float32], calibration: npt.NDArray[np.float32]
) -> npt.NDArray[np.float32]:
    """``logits`` scaled and shifted by ``calibration`` (see :func:`calibration_of`).

    >>> cal = np.stack([np.full(10, 0.5, dtype=np.float32), np.zeros(10, dtype=np.float32)])
    >>> calibrated(np.full((1, 10), 4.0, dtype=np.float32), cal)[0, 0]
    np.float32(2.0)
    """
    out: npt.NDArray[np.float32] = (logits * calibration[0] + calibration[1]).astype(np.float32)
    return out


def probabilities(logits: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    """The ten scores of each post from its ten logits."""
    z = logits.astype(np.float64)
    out = np.empty_like(z)
    for lo, hi in ((0, 3), (6, 10)):
        e = np.exp(z[:, lo:hi] - z[:, lo:hi].max(axis=1, keepdims=True))
        out[:, lo:hi] = e / e.sum(axis=1, keepdims=True)
    out[:, 3:6] = 1.0 / (1.0 + np.exp(-np.clip(z[:, 3:6], -50, 50)))
    return out


def labels_from_logits(
    logits: npt.NDArray[np.float32],
    thresholds: npt.NDArray[np.float64] | npt.NDArray[np.float32],
    texts: Sequence[str],
    langs: Sequence[str],
    questions: Sequence[bool],
    understood: Sequence[bool] | None = None,
) -> list[Labels]:
    """``Labels`` of each post (see ``Labels`` for the rule on posts that are not English).

    ``texts`` are the normalised texts (``Batch.normalized``). ``understood`` says which
    posts the logits read (the multilingual tier's covered languages); by default the
    English ones (``lang`` ``"en"`` or ``"und"``)."""
    probs = probabilities(logits)
    sent = probs[:, 0:3].argmax(axis=1).tolist()
    emo = probs[:, 6:10].argmax(axis=1).tolist()
    cut = np.asarray(thresholds, dtype=np.float64)
    hits = (probs[:, 3:6] >= cut[None, :]).tolist()
    rows = np.round(probs, 4).tolist()
    out: list[Labels] = []
    for i, text in enumerate(texts):
        lang = langs[i]
        flags: list[str] = []
        english = lang in ("en", "und") if understood is None else understood[i]
        empty = not text.strip()
        if english and not empty:
            flags = [f for f, hit in zip(_BINARY_FLAGS, hits[i], strict=True) if hit]
        if questions[i] and not empty:
            flags.append("question")
        sentiment = SENTIMENTS[sent[i]] if english and not empty else "neutral"
        scores = dict(zip(SCORE_NAMES, rows[i], strict=True))
        out.append(Labels(sentiment, EMOTIONS[emo[i]], scores, tuple(flags), lang))
    return out
