"""The sentence encoder of the accurate tier: all-MiniLM-L6-v2 in ONNX Runtime.

Posts are tokenised (``tokenizers``), sorted by length and run in batches of 32 posts of
similar length so that little padding is computed; embeddings come back in input order.
Batches of 32 ran faster than 16 or 64 (1,450 against 1,440 and 1,310 posts/s on two
threads, 3,000 CrisisLexT26 tweets). ONNX Runtime may not fuse ``Add`` + ``LayerNormalization``
into ``SkipLayerNormalization`` nor ``Add`` + ``Gelu`` into ``BiasGelu``: both fused kernels
are slower on CPU (see :mod:`foretold.understand.export`). Needs the ``understand`` extra
(onnxruntime, tokenizers).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from foretold.errors import MissingExtraError
from foretold.understand.features import normalize

__all__ = ["Encoder"]

MAX_TOKENS = 128
BATCH_SIZE = 32
#: Fusions of ONNX Runtime's own optimiser that slow this model down on CPU.
DISABLED_OPTIMIZERS = ["SkipLayerNormFusion", "BiasGeluFusion"]


class Encoder:
    """Embed texts with the ONNX model ``path`` and the ``tokenizer.json`` beside it."""

    def __init__(self, path: Path | str, threads: int = 2, batch_size: int = BATCH_SIZE) -> None:
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
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session: Any = ort.InferenceSession(
            str(self.path),
            options,
            providers=["CPUExecutionProvider"],
            disabled_optimizers=DISABLED_OPTIMIZERS,
        )

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """L2-normalised embeddings, ``(len(texts), 384)``, in input order."""
        return self.embed_normalized(normalize(texts))

    def embed_normalized(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """:meth:`embed` of texts already through ``features.normalize``."""
        out = np.zeros((len(texts), 384), dtype=np.float32)
        if not texts:
            return out
        ids = [e.ids for e in self._tokenizer.encode_batch(list(texts))]
        lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        flat = np.fromiter(chain.from_iterable(ids), dtype=np.int64, count=int(lengths.sum()))
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        order = np.argsort(lengths, kind="stable")
        for lo in range(0, len(order), self.batch_size):
            rows = order[lo : lo + self.batch_size]
            n = lengths[rows]
            mask = np.arange(int(n.max()))[None, :] < n[:, None]
            input_ids = np.zeros(mask.shape, dtype=np.int64)
            # the ids of row j are flat[starts[j] : starts[j] + n[j]], in order
            offsets = np.repeat(starts[rows] - np.cumsum(n) + n, n) + np.arange(int(n.sum()))
            input_ids[mask] = flat[offsets]
            feed = {"input_ids": input_ids, "attention_mask": mask.astype(np.int64)}
            (emb,) = self._session.run(None, feed)
            out[rows] = emb
        return out
