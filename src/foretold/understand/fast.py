"""The ``fast`` tier: hashed n-grams and emoji polarity, one linear layer, no network.

All five tasks share one hashed feature pass; their weights sit side by side in one table
(``models/fast.npz``), so a batch costs one gather and one segmented sum.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from foretold.understand.classifier import calibrated, calibration_of, labels_from_logits
from foretold.understand.features import Batch, Hasher
from foretold.understand.labels import Labels

__all__ = ["MODEL_FILE", "FastClassifier"]

MODEL_FILE = Path(__file__).parent / "models" / "fast.npz"


class FastClassifier:
    """Classify posts with the linear models in ``path`` (default: the shipped ones)."""

    tier = "fast"

    def __init__(self, path: Path | str = MODEL_FILE, batch_size: int = 1024) -> None:
        self.path = Path(path)
        self.batch_size = batch_size
        with np.load(self.path, allow_pickle=False) as f:
            self._weights = f["weights"].astype(np.float32)
            self._bias = f["bias"].astype(np.float32)
            self._thresholds = f["thresholds"].astype(np.float64)
            self._calibration = calibration_of(f)
            self._hasher = Hasher.from_model(f)

    def logits(self, batch: Batch) -> npt.NDArray[np.float32]:
        """The ten calibrated logits of each post of a featurised batch."""
        return calibrated(self._raw(batch), self._calibration)

    def raw_logits(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """The ten logits of each text before calibration (what calibration is fitted on)."""
        return self._raw(self._hasher.featurize(texts))

    def _raw(self, batch: Batch) -> npt.NDArray[np.float32]:
        return batch.linear(self._weights, self._bias)

    def classify(self, texts: Sequence[str]) -> list[Labels]:
        """One ``Labels`` per text."""
        out: list[Labels] = []
        for i in range(0, len(texts), self.batch_size):
            chunk = texts[i : i + self.batch_size]
            batch = self._hasher.featurize(chunk)
            out.extend(
                labels_from_logits(
                    self.logits(batch),
                    self._thresholds,
                    batch.normalized,
                    batch.langs,
                    batch.questions.tolist(),
                )
            )
        return out
