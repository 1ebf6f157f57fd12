"""The ``accurate`` tier: sentence embeddings (all-MiniLM-L6-v2, ONNX Runtime) + linear heads.

Each head is one logistic regression over the post's 384-dim embedding side by side with
the fast tier's hashed n-grams and emoji polarity (its own weights, trained jointly), so the
encoder brings meaning and the n-grams bring the surface cues (hashtags, slurs, emoji) that
a general-purpose encoder smooths away. ``models/accurate.npz`` holds the heads,
``models/encoder.onnx`` the int8 encoder and ``models/tokenizer.json`` its tokenizer.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from foretold.understand.classifier import calibrated, calibration_of, labels_from_logits
from foretold.understand.encoder import Encoder
from foretold.understand.features import Batch, Hasher
from foretold.understand.labels import Labels

__all__ = ["ENCODER_FILE", "MODEL_FILE", "AccurateClassifier"]

MODELS = Path(__file__).parent / "models"
MODEL_FILE = MODELS / "accurate.npz"
ENCODER_FILE = MODELS / "encoder.onnx"


class AccurateClassifier:
    """Classify posts with the heads in ``path`` over the encoder in ``encoder``."""

    tier = "accurate"

    def __init__(
        self,
        path: Path | str = MODEL_FILE,
        encoder: Path | str = ENCODER_FILE,
        threads: int = 2,
        batch_size: int = 2048,
    ) -> None:
        self.path = Path(path)
        self.batch_size = batch_size
        self.encoder_path = Path(encoder)
        self._encoder = Encoder(encoder, threads=threads)
        with np.load(self.path, allow_pickle=False) as f:
            self._weights = f["weights"].astype(np.float32)
            self._dense = f["dense"].astype(np.float32)
            self._bias = f["bias"].astype(np.float32)
            self._thresholds = f["thresholds"].astype(np.float64)
            self._scale = float(f["embedding_scale"])
            self._calibration = calibration_of(f)
            self._hasher = Hasher.from_model(f)

    def classify(self, texts: Sequence[str]) -> list[Labels]:
        """One ``Labels`` per text.

        Posts whose normalised text is the same (retweets of one tweet, copy-paste
        campaigns) are embedded once per call; the result does not depend on earlier calls.
        """
        out: list[Labels] = []
        for i in range(0, len(texts), self.batch_size):
            batch = self._hasher.featurize(texts[i : i + self.batch_size])
            logits = calibrated(self._raw(batch), self._calibration)
            out.extend(
                labels_from_logits(
                    logits,
                    self._thresholds,
                    batch.normalized,
                    batch.langs,
                    batch.questions.tolist(),
                )
            )
        return out

    def raw_logits(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """The ten logits of each text before calibration (what calibration is fitted on)."""
        parts = [
            self._raw(self._hasher.featurize(texts[i : i + self.batch_size]))
            for i in range(0, len(texts), self.batch_size)
        ]
        return np.concatenate(parts) if parts else np.zeros((0, 10), dtype=np.float32)

    def _raw(self, batch: Batch) -> npt.NDArray[np.float32]:
        logits = batch.linear(self._weights, self._bias)
        unique: dict[str, int] = {}
        slots = [unique.setdefault(t, len(unique)) for t in batch.normalized]
        embedded = self._encoder.embed_normalized(list(unique))
        logits += (embedded[slots] * self._scale) @ self._dense
        return logits
