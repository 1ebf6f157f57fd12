"""The sentence encoder of the accurate tier: all-MiniLM-L6-v2 in ONNX Runtime.

Posts are tokenised (``tokenizers``), sorted by length and run in batches of similar length
so that little padding is computed; embeddings come back in input order. Needs the
``understand`` extra (onnxruntime, tokenizers).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from foretold.errors import MissingExtraError
from foretold.understand.features import normalize

__all__ = ["Encoder"]

MAX_TOKENS = 128


class Encoder:
    """Embed texts with the ONNX model ``path`` and the ``tokenizer.json`` beside it."""

    def __init__(self, path: Path | str, threads: int = 2, batch_size: int = 64) -> None:
        self.path = Path(path)
        self.threads = threads
        self.batch_size = batch_size
        try:
            ort = importlib.import_module("onnxruntime")
            tokenizers = importlib.import_module("tokenizers")
        except ImportError as e:
            raise MissingExtraError(e.name or "onnxruntime", "understand") from None
        self._tokenizer: Any = tokenizers.Tokenizer.from_file(
            str(self.path.parent / "tokenizer.json")
        )
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session: Any = ort.InferenceSession(
            str(self.path), options, providers=["CPUExecutionProvider"]
        )

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """L2-normalised embeddings, ``(len(texts), 384)``, in input order."""
        return self.embed_normalized(normalize(texts))

    def embed_normalized(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """:meth:`embed` of texts already through ``features.normalize``."""
        out = np.zeros((len(texts), 384), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = [e.ids for e in encodings]
        order = np.argsort([len(x) for x in ids], kind="stable")
        for lo in range(0, len(order), self.batch_size):
            rows = order[lo : lo + self.batch_size]
            width = max(len(ids[r]) for r in rows)
            input_ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for j, r in enumerate(rows):
                input_ids[j, : len(ids[r])] = ids[r]
                mask[j, : len(ids[r])] = 1
            (emb,) = self._session.run(None, {"input_ids": input_ids, "attention_mask": mask})
            out[rows] = emb
        return out
