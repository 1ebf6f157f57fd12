"""Hashed word and character n-grams for a whole batch of posts in one numpy pass.

The batch is normalised (``@mentions`` -> ``@user``, URLs -> ``http``, lower case, control
characters -> space, at most ``MAX_CHARS`` characters a post), encoded to UTF-8 and joined.
A polynomial prefix hash over the joined bytes gives every character 3-, 4- and 5-gram and
every word 1- and 2-gram a 64-bit hash in a few vectorised operations; its top ``bits`` bits
pick a bucket. Each feature of a post weighs ``1/sqrt(number of features in the post)``.
Emoji from the Emoji Sentiment Ranking add two dense features (summed polarity, count). A
word lexicon (word -> valence, the VADER lexicon in the shipped models) adds four more: the
summed positive and negative valence and the number of positive and negative words, a
valence flipped and damped (x -0.74, as VADER does) within three words after a negator, a
hashtag looked up without its ``#``.

The same code builds the training matrix and scores posts at run time, so the two cannot
drift apart.

>>> import numpy as np
>>> h = Hasher(bits=12)
>>> batch = h.featurize(["I love it", "", "@bob see https://x.co"])
>>> batch.n_docs, [int(n) for n in np.round(batch.scale ** -2)]
(3, [29, 1, 44])
>>> bool(all((index < h.n_features).all() for index, _ in batch.groups))
True
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from foretold.understand import language
from foretold.understand.question import QuestionRules

__all__ = ["LEXICON_SCALE", "MAX_CHARS", "NEGATORS", "Batch", "Hasher", "normalize", "small_hasher"]

MAX_CHARS = 1000
LEXICON_SCALE = 0.5  # lexicon features are LEXICON_SCALE * log1p(x); chosen on validation
NEGATORS = (
    "not", "no", "never", "nothing", "nobody", "neither", "nor", "without", "cannot",
    "isnt", "dont", "doesnt", "didnt", "cant", "wont", "wasnt", "arent", "aint",
)  # fmt: skip
_NEGATION_SPAN = 3  # words after a negator whose valence is flipped
_NEGATION_SCALAR = -0.74  # VADER's N_SCALAR
_URL = re.compile(r"https?://[^\s\x00]+")  # on lower-cased text; two literal prefixes are
_WWW = re.compile(r"www\.[^\s\x00]+")  # much faster for `re` than one alternation
_MENTION = re.compile(r"@\w+")
_P = 0x100000001B3  # odd, so invertible modulo 2**64
_MASK64 = (1 << 64) - 1
_P_INV = pow(_P, -1, 1 << 64)
_SALT = {3: 0x9E3779B97F4A7C15, 4: 0xC2B2AE3D27D4EB4F, 5: 0x165667B19E3779F9, 1: 0x27D4EB2F165667C5}
_BIGRAM = np.uint64(0xFF51AFD7ED558CCD)
_CTRL = bytes(range(256)).maketrans(bytes([*range(1, 32), 127]), b" " * 32)
_WORD_BYTE = np.zeros(256, dtype=bool)
for _c in b"abcdefghijklmnopqrstuvwxyz0123456789_@#'":
    _WORD_BYTE[_c] = True
_WORD_BYTE[128:] = True

U64 = npt.NDArray[np.uint64]

try:  # optional: a faster sparse product when scipy is there (it is with the train extra)
    _SPARSE: Any = importlib.import_module("scipy.sparse")
except ImportError:  # pragma: no cover - depends on the environment
    _SPARSE = None


def normalize(texts: Sequence[str]) -> list[str]:
    """The text each post is featurised from (one per input, never fails).

    >>> normalize(["Hi @JPMorgan\\x07see https://t.co/x !"])
    ['hi @user see http !']
    """
    return _normalize_joined(texts).split("\x00")


def _normalize_joined(texts: Sequence[str]) -> str:
    parts = [
        t[:MAX_CHARS] if "\x00" not in t else t[:MAX_CHARS].replace("\x00", " ") for t in texts
    ]
    joined = "\x00".join(parts)
    joined = _WWW.sub("http", _URL.sub("http", joined.lower()))
    joined = _MENTION.sub("@user", joined).replace("’", "'")
    raw = joined.encode("utf-8", "replace").translate(_CTRL)
    return raw.decode("utf-8", "replace")


@dataclass(frozen=True)
class Batch:
    """Hashed features of a batch, in groups; in each group ``index[k]`` occurs in post
    ``doc_of[k]`` and ``doc_of`` is sorted."""

    n_docs: int
    groups: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]
    scale: npt.NDArray[np.float32]  # per post: 1/sqrt(number of features)
    emoji: npt.NDArray[np.float32]  # per post: (summed polarity, log1p count) of known emoji
    langs: list[str]  # per post: language guess, see foretold.understand.language
    normalized: list[str]  # per post: the text the features come from (see ``normalize``)
    questions: npt.NDArray[np.bool_]  # per post: the question flag, see ``question``
    lexicon: npt.NDArray[np.float32]  # per post: the 4 lexicon features (0 columns: none)

    def dense(self) -> npt.NDArray[np.float32]:
        """The dense columns of each post (emoji, then lexicon): ``(n_docs, n_dense)``."""
        if not self.lexicon.shape[1]:
            return self.emoji
        return np.concatenate([self.emoji, self.lexicon], axis=1)

    def linear(
        self, table: npt.NDArray[np.float32], bias: npt.NDArray[np.float32] | float = 0.0
    ) -> npt.NDArray[np.float32]:
        """The batch's features times ``table`` (one row per hasher feature: the hashed
        n-grams, then the dense columns) plus ``bias``: ``(n_docs, table.shape[1])``."""
        dense = self.dense()
        out = self.segment_sums(table)
        out += dense @ table[table.shape[0] - dense.shape[1] :] + bias
        return out

    def segment_sums(self, table: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """``sum(table[index])`` per post, scaled; shape ``(n_docs, table.shape[1])``.

        With scipy installed this is a sparse matrix product (about five times faster);
        without it, a numpy gather and segmented sum. Each path is deterministic.
        """
        out = np.zeros((self.n_docs, table.shape[1]), dtype=np.float32)
        bounds = np.arange(self.n_docs + 1)
        for index, doc_of in self.groups:
            if not index.size:
                continue
            edges = np.searchsorted(doc_of, bounds)
            if _SPARSE is not None:
                ones = np.ones(index.size, dtype=np.float32)
                m = _SPARSE.csr_matrix((ones, index, edges), shape=(self.n_docs, table.shape[0]))
                out += m @ table
                continue
            starts, counts = edges[:-1], np.diff(edges)
            nonempty = counts > 0
            out[nonempty] += np.add.reduceat(table[index], starts[nonempty], axis=0)
        out *= self.scale[:, None]
        return out


class Hasher:
    """Feature hashing with ``2**bits`` buckets plus dense columns: two for emoji, four more
    for the word lexicon when there is one.

    ``emoji`` maps an emoji (one character) to its polarity in [-1, 1]; ``lexicon`` maps a
    lower-case word to its valence (VADER's scale, -4 to 4).
    """

    def __init__(
        self,
        bits: int = 18,
        emoji: dict[str, float] | None = None,
        lexicon: dict[str, float] | None = None,
    ) -> None:
        self.bits = bits
        self.emoji = emoji or {}
        self.lexicon = lexicon or {}
        self.n_dense = 2 + (4 if self.lexicon else 0)
        self.n_features = (1 << bits) + self.n_dense
        self._pow = np.ones(1, dtype=np.uint64)
        self._ipow = np.ones(1, dtype=np.uint64)
        keys = [_whole_hash(e.encode("utf-8")) for e in self.emoji]
        order = np.argsort(np.array(keys, dtype=np.uint64), kind="stable")
        self._emoji_keys = np.array(keys, dtype=np.uint64)[order]
        self._emoji_vals = np.array(list(self.emoji.values()), dtype=np.float32)[order]
        self._emoji_lens = sorted({len(e.encode("utf-8")) for e in self.emoji})
        self._stopwords = language.stopword_table(_whole_hash)
        self._questions = QuestionRules(_whole_hash)
        self._placeholders = np.array([_whole_hash(b"http"), _whole_hash(b"@user")], np.uint64)
        self._lex_table = _WordTable([_whole_hash(w.encode("utf-8")) for w in self.lexicon])
        self._lex_vals = np.array(list(self.lexicon.values()), dtype=np.float32)
        self._negators = _WordTable([_whole_hash(w.encode()) for w in NEGATORS])

    @classmethod
    def from_model(cls, f: Any) -> Hasher:
        """The hasher a model file was trained with (``np.load`` of an ``.npz``)."""
        emoji = dict(zip(map(str, f["emoji_chars"]), map(float, f["emoji_values"]), strict=True))
        lexicon: dict[str, float] = {}
        if "lexicon_words" in f:
            words, values = f["lexicon_words"], f["lexicon_values"]
            lexicon = dict(zip(map(str, words), map(float, values), strict=True))
        return cls(int(f["bits"]), emoji, lexicon)

    def arrays(self) -> dict[str, Any]:
        """What :meth:`from_model` reads back, to be saved beside a model's weights."""
        out: dict[str, Any] = {
            "bits": np.int64(self.bits),
            "emoji_chars": np.array(list(self.emoji)),
            "emoji_values": np.array(list(self.emoji.values()), dtype=np.float32),
        }
        if self.lexicon:
            out["lexicon_words"] = np.array(list(self.lexicon))
            out["lexicon_values"] = np.array(list(self.lexicon.values()), dtype=np.float32)
        return out

    def _powers(self, n: int) -> tuple[U64, U64]:
        if self._pow.size < n:
            size = max(n, 2 * self._pow.size)
            self._pow = _cumprod_exact(size, _P)
            self._ipow = _cumprod_exact(size, _P_INV)
        return self._pow[:n], self._ipow[:n]

    def featurize(self, texts: Sequence[str]) -> Batch:
        """Hash every post of ``texts``."""
        n_docs = len(texts)
        normalized = _normalize_joined(texts).split("\x00")
        joined = " \x00 ".join(normalized)
        buf = np.frombuffer(f" {joined} ".encode("utf-8", "replace"), dtype=np.uint8)
        size = buf.size
        is_sep = buf == 0
        sep_cum = np.concatenate(([0], np.cumsum(is_sep)))
        seps = np.flatnonzero(is_sep)
        doc_lo = np.concatenate(([0], seps + 1))
        doc_len = np.concatenate((seps, [size])) - doc_lo
        pw, ipw = self._powers(size + 1)
        prefix = np.zeros(size + 1, dtype=np.uint64)
        np.cumsum((buf.astype(np.uint64) + np.uint64(1)) * pw[:size], out=prefix[1:])
        shift = np.uint64(64 - self.bits)
        indices: list[npt.NDArray[np.int64]] = []
        docs: list[npt.NDArray[np.int64]] = []
        for n in (3, 4, 5):
            m = size - n + 1
            if m <= 0:
                continue
            s = np.flatnonzero((sep_cum[n:] - sep_cum[:m]) == 0)
            h = (prefix[s + n] - prefix[s]) * ipw[s] * np.uint64(_SALT[n])
            indices.append((h >> shift).astype(np.int64))
            docs.append(sep_cum[s])
        # words: maximal runs of word bytes
        word = _WORD_BYTE[buf]
        edges = np.flatnonzero(np.diff(np.concatenate(([False], word, [False])).astype(np.int8)))
        ws, we = edges[0::2], edges[1::2]
        wh = (prefix[we] - prefix[ws]) * ipw[ws]
        wdoc = sep_cum[ws]
        indices.append(((wh * np.uint64(_SALT[1])) >> shift).astype(np.int64))
        docs.append(wdoc)
        if wh.size > 1:
            same = wdoc[1:] == wdoc[:-1]
            bh = (wh[:-1][same] * _BIGRAM + wh[1:][same]) * np.uint64(_SALT[1])
            indices.append((bh >> shift).astype(np.int64))
            docs.append(wdoc[1:][same])
        n_words = np.bincount(wdoc, minlength=n_docs)[:n_docs]
        counts = n_words + np.maximum(n_words - 1, 0)
        for n in (3, 4, 5):
            counts += np.maximum(doc_len - n + 1, 0)
        scale = (1.0 / np.sqrt(np.maximum(counts, 1.0))).astype(np.float32)
        emoji = self._emoji_features(buf, prefix, ipw, sep_cum, n_docs)
        scripts = language.script_counts(buf, sep_cum, doc_lo, doc_len)
        special = np.isin(wh, self._placeholders)
        scripts[:, 0] -= 4 * np.bincount(wdoc[special], minlength=n_docs)[:n_docs]
        stops = language.stop_counts(wh, wdoc, self._stopwords, n_docs)
        langs = language.decide(scripts, stops)
        questions = self._questions.flags(buf, sep_cum[:size], ws, we, wh, wdoc, n_docs)
        lexicon = self._lexicon_features(buf, prefix, ipw, ws, we, wh, wdoc, n_docs)
        groups = list(zip(indices, docs, strict=True))
        return Batch(n_docs, groups, scale, emoji, langs, normalized, questions, lexicon)

    def _lexicon_features(
        self,
        buf: npt.NDArray[np.uint8],
        prefix: U64,
        ipw: U64,
        ws: npt.NDArray[np.int64],
        we: npt.NDArray[np.int64],
        wh: U64,
        wdoc: npt.NDArray[np.int64],
        n_docs: int,
    ) -> npt.NDArray[np.float32]:
        if not self.lexicon:
            return np.zeros((n_docs, 0), dtype=np.float32)
        out = np.zeros((n_docs, 4), dtype=np.float32)
        if not ws.size:
            return out
        # a hashtag is looked up without its '#'
        key = wh.copy()
        tag = np.flatnonzero((buf[ws] == 0x23) & (we - ws > 1))
        key[tag] = (prefix[we[tag]] - prefix[ws[tag] + 1]) * ipw[ws[tag] + 1]
        entry = self._lex_table.lookup(key)
        hits = np.flatnonzero(entry >= 0)
        if not hits.size:
            return out
        v = self._lex_vals[entry[hits]]
        # flipped if one of the _NEGATION_SPAN words before it, in the same post, is a
        # negator (one of NEGATORS, or a word ending in "n't")
        flip = np.zeros(hits.size, dtype=bool)
        for k in range(1, _NEGATION_SPAN + 1):
            j = hits - k
            ok = np.flatnonzero((j >= 0) & (wdoc[np.maximum(j, 0)] == wdoc[hits]))
            cand = j[ok]
            neg = self._negators.lookup(wh[cand]) >= 0
            e = we[cand]
            long = e - ws[cand] >= 3
            tail = (buf[np.maximum(e - 3, 0)].astype(np.int64) << 16) | (
                buf[np.maximum(e - 2, 0)].astype(np.int64) << 8
            )
            tail |= buf[e - 1].astype(np.int64)
            flip[ok] |= neg | (long & (tail == 0x6E2774))  # "n't"
        v = np.where(flip, v * _NEGATION_SCALAR, v)
        d = wdoc[hits]
        for col, w in enumerate((np.maximum(v, 0.0), np.maximum(-v, 0.0), v > 0, v < 0)):
            out[:, col] = np.bincount(d, weights=w, minlength=n_docs)[:n_docs]
        return (LEXICON_SCALE * np.log1p(out)).astype(np.float32)

    def _emoji_features(
        self,
        buf: npt.NDArray[np.uint8],
        prefix: U64,
        ipw: U64,
        sep_cum: npt.NDArray[np.int64],
        n_docs: int,
    ) -> npt.NDArray[np.float32]:
        out = np.zeros((n_docs, 2), dtype=np.float32)
        if not self._emoji_keys.size:
            return out
        lead = np.flatnonzero(buf >= 0xE2)
        for n in self._emoji_lens:
            s = lead[lead + n <= buf.size]
            h = (prefix[s + n] - prefix[s]) * ipw[s]
            pos = np.searchsorted(self._emoji_keys, h)
            pos = np.minimum(pos, self._emoji_keys.size - 1)
            hit = self._emoji_keys[pos] == h
            d = sep_cum[s[hit]]
            np.add.at(out[:, 0], d, self._emoji_vals[pos[hit]])
            np.add.at(out[:, 1], d, 1.0)
        out[:, 1] = np.log1p(out[:, 1])
        return out

    def matrix(self, texts: Sequence[str]) -> object:
        """The scaled sparse matrix (scipy CSR, training only) of ``texts``."""
        sparse = importlib.import_module("scipy.sparse")

        b = self.featurize(texts)
        doc_of = np.concatenate([d for _, d in b.groups])
        index = np.concatenate([i for i, _ in b.groups])
        x = sparse.csr_matrix(
            (b.scale[doc_of], (doc_of, index)), shape=(b.n_docs, self.n_features), dtype=np.float32
        )
        x.sum_duplicates()
        k = self.n_dense
        rows = np.repeat(np.arange(b.n_docs), k)
        cols = np.tile(np.arange(self.n_features - k, self.n_features), b.n_docs)
        dense = sparse.csr_matrix(
            (b.dense().ravel(), (rows, cols)), shape=x.shape, dtype=np.float32
        )
        return (x + dense).tocsr()


class _WordTable:
    """Open addressing over 64-bit word hashes: :meth:`lookup` gives each query's position
    in the ``keys`` it was built from, or -1 (a vectorised probe, no binary search)."""

    def __init__(self, keys: Sequence[int]) -> None:
        self.bits = max(4, (8 * max(len(keys), 1) - 1).bit_length())
        size = 1 << self.bits
        slots = np.full(size, -1, dtype=np.int64)
        table = np.zeros(size, dtype=np.uint64)
        self.probes = 1
        for i, key in enumerate(keys):
            at = self._slot(key)
            n = 1
            while slots[at] >= 0 and int(table[at]) != key:
                at = (at + 1) % size
                n += 1
            if slots[at] < 0:
                slots[at], table[at] = i, key
            self.probes = max(self.probes, n)
        self._slots, self._table = slots, table

    def _slot(self, key: int) -> int:
        return ((key * _SALT[1]) & _MASK64) >> (64 - self.bits)

    def lookup(self, query: U64) -> npt.NDArray[np.int64]:
        """Position in ``keys`` of each query, -1 where absent."""
        out = np.full(query.size, -1, dtype=np.int64)
        at = ((query * np.uint64(_SALT[1])) >> np.uint64(64 - self.bits)).astype(np.int64)
        mask = (1 << self.bits) - 1
        for _ in range(self.probes):
            found = (self._table[at] == query) & (self._slots[at] >= 0) & (out < 0)
            out[found] = self._slots[at[found]]
            at = (at + 1) & mask
        return out


@lru_cache(maxsize=1)
def small_hasher() -> Hasher:
    """A tiny shared ``Hasher`` for the per-post flags (question, language) of one-off calls."""
    return Hasher(bits=4)


def _whole_hash(data: bytes) -> int:
    h = 0
    p = 1
    for byte in data:
        h = (h + (byte + 1) * p) & _MASK64
        p = (p * _P) & _MASK64
    return h


def _cumprod_exact(n: int, base: int) -> U64:
    out = np.empty(n, dtype=np.uint64)
    out[0] = 1
    if n > 1:
        out[1:] = np.cumprod(np.full(n - 1, base, dtype=np.uint64))
    return out
