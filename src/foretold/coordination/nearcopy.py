"""Near-copies: texts that are the same message with small edits, clustered as they arrive.

A text is normalised (lower case, no links, mentions or punctuation, ``#`` dropped)
and cut into word bigrams; a MinHash signature of those estimates the Jaccard
similarity of two texts, and locality-sensitive hashing in bands finds the
candidates without comparing every pair. A text joins the cluster whose first text
it resembles most (estimated Jaccard at least ``similarity``), or opens a new one.
Exact repeats of a normalised text skip the hashing.

The hashing is our own: measured against ``datasketch`` 2.0 (MinHash with
``update_batch`` and ``MinHashLSH``) on this job, one short text at a time, our numpy
path was 6.9 times faster (56,329 against 8,204 texts/s; ``bench/coordination_bench.py
--library`` prints both), and the state stays plain dicts and bytes that pickle small.
Where the package was built with a C compiler, a text's digest (its words, their
CRC-32s, the signature and the band keys) comes from ``_digest.c`` instead, one text at
a time in one pass, and the buckets are its open-addressing table (``Bands``): the same
clusters (``tests/coordination/test_digest_c.py``); 330,517 texts/s one at a time,
against 59,826 on the numpy path (``bench/coordination_bench.py --library``).

>>> nc = NearCopies(CoordinationConfig())
>>> a = nc.add("Boycott @brand now, they lied to every one of us! #brandlies", 0)
>>> b = nc.add("boycott @brand NOW they lied to every one of us #brandlies https://t.co/x", 1)
>>> c = nc.add("Boycott @brand now, they lied to every single one of us #brandlies", 2)
>>> d = nc.add("Flew with @brand today, the crew was lovely and the coffee hot", 3)
>>> a == b == c, d == a, nc.add("thanks!", 4)
(True, False, None)
"""

from __future__ import annotations

import re
import zlib
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import numpy.typing as npt

from foretold.coordination.config import CoordinationConfig

_CDigest = Callable[[str, int, bytes, bytes, bytes, int], tuple[int, bytes, bytes] | None]
_c_digest: _CDigest | None


def _numpy_same_values(a: bytes, b: bytes) -> int:
    """How many 32-bit values of two signatures are equal, place by place."""
    return int(np.count_nonzero(np.frombuffer(a, np.uint32) == np.frombuffer(b, np.uint32)))


def _ints(keys: bytes) -> list[int]:
    """Band keys, bytes of uint64 values, as ints."""
    return memoryview(keys).cast("Q").tolist()


class DictBands:
    """The LSH buckets as a dict, band key -> cluster id: the numpy path's table, with the
    methods of the compiled one (``_digest.Bands``, an open-addressing table in C; both
    are what ``NearCopies`` calls its buckets)."""

    __slots__ = ("_d",)

    def __init__(self) -> None:
        self._d: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._d)

    def find(self, keys: bytes) -> list[int | None] | None:
        """Each band key's cluster (None where none holds it); None when none is held."""
        found = list(map(self._d.get, _ints(keys)))
        return None if found.count(None) == len(found) else found

    def match(
        self, keys: bytes, signature: bytes, kept: dict[int, Cluster], similarity: float
    ) -> tuple[int | None, bool] | None:
        """None when no band key is held; else the best cluster and whether a forgotten
        one holds a band: of the clusters the bands hold, once each in band order, the
        one ``kept`` holds whose signature shares the most values with ``signature``, if
        that share is at least ``similarity`` (the later one on a tie), else None."""
        found = self.find(keys)
        if found is None:
            return None
        best, forgotten, size = None, False, len(signature) // 4
        for cand in dict.fromkeys(found):  # each cluster met, once, in the order of the bands
            if cand is None:
                continue
            cluster = kept.get(cand)
            if cluster is None:
                forgotten = True
                continue
            sim = _numpy_same_values(cluster.signature, signature) / size
            if sim >= similarity:
                best, similarity = cand, sim
        return best, forgotten

    def claim(self, keys: bytes, cluster: int, kept: dict[int, Cluster] | None = None) -> None:
        """The band keys no cluster holds are ``cluster``'s; with ``kept`` (the clusters
        kept), so are those a forgotten cluster held."""
        d = self._d
        for key in _ints(keys):
            held = d.get(key)
            if held is None or (kept is not None and held not in kept):
                d[key] = cluster

    def keep(self, kept: dict[int, Cluster]) -> None:
        """Drop the band keys of the clusters ``kept`` no longer holds."""
        self._d = {k: v for k, v in self._d.items() if v in kept}

    def items(self) -> tuple[bytes, bytes]:
        """Every entry: the keys as uint64 bytes, their clusters as int64 bytes."""
        return (np.array(list(self._d), dtype=np.uint64).tobytes(),
                np.array(list(self._d.values()), dtype=np.int64).tobytes())  # fmt: skip

    def load(self, keys: bytes, clusters: bytes) -> None:
        """Set each key's cluster (bytes as :meth:`items` gives them)."""
        self._d.update(zip(_ints(keys), memoryview(clusters).cast("q").tolist(), strict=True))


if TYPE_CHECKING:
    from foretold.coordination._digest import Bands

_c_bands: type[Bands] | None
try:  # the compiled digest, where setup.py could build it (the numpy path otherwise)
    from foretold.coordination._digest import Bands as _c_bands
    from foretold.coordination._digest import digest as _c_digest
except ImportError:  # pragma: no cover - built in CI and by `make setup`
    _c_digest, _c_bands = None, None
COMPILED = _c_digest is not None  # whether _digest.c was built (and is what a state uses)

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]

_DROP = re.compile(r"https?://\S+|(?<!\w)@\w+|(?<!\w)rt(?!\w)|<u\+[0-9a-f]+>")
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r"(?<!\w)@\w+|<u\+[0-9a-f]+>|(\w+)")
_EMPTY = b""  # an exact repeat's signature, until it is hashed
# words hashed in one numpy pass: its (bigrams x permutations) array, 512 KiB, stays in the
# cache (a batch of 1,000 texts at once, 8 MiB, took twice as long; measured in 1,024s)
_CHUNK = 1024
# the words whose CRC-32 is kept (a stream's vocabulary; cleared when it grows past this)
_WORDS = 100_000


def tokens(text: str) -> list[str]:
    """The words of a text as near-copy detection sees them.

    >>> tokens("RT @jpm: Is it TRUE?! #AskJPM https://t.co/abc")
    ['is', 'it', 'true', 'askjpm']
    >>> tokens("rt @jpm: is it true?! <u+1f600>#AskJPM rt_x")
    ['is', 'it', 'true', 'askjpm', 'rt_x']
    """
    low = text.lower()
    if "http" in low:
        return _WORD.findall(_DROP.sub(" ", low))
    # without a link, one pass: a dropped token or a word (a word "rt" is the marker);
    # 25% faster, the same words (checked on 23,000 drill texts)
    return [w for w in _TOKEN.findall(low) if w and w != "rt"]


class Digest(NamedTuple):
    """What clustering needs of a text: its exact-repeat key and its MinHash signature."""

    exact: int
    signature: bytes  # 32-bit values (the multiply-shift keeps the high 32 bits), native order
    keys: bytes  # one LSH key per band, 64-bit values


_NO_KEYS = b""  # an exact repeat's keys
_PENDING = Digest(0, _EMPTY, _NO_KEYS)  # a text to hash, until it is


@dataclass(slots=True)
class Cluster:
    """Posts that are near-copies of one text: its first text (cut to ``example_chars``) and
    signature, as 32-bit values in bytes (most clusters are one text, and a detector
    snapshot holds them all; see ``docs/coordination.md`` for the sizes measured)."""

    id: int
    example: str
    first_us: int
    last_us: int
    signature: bytes


class NearCopies:
    """Streaming MinHash-LSH clustering; ``add`` returns the cluster id of a text."""

    def __init__(self, config: CoordinationConfig, compiled: bool = True) -> None:
        """``compiled=False`` takes the numpy path even where ``_digest.c`` was built."""
        self.config = config
        self._c_digest = _c_digest if compiled else None
        self._bands: Callable[[], DictBands | Bands] = (
            _c_bands if compiled and _c_bands else DictBands
        )
        rng = np.random.default_rng(config.seed)
        self._a = rng.integers(1, 2**64, config.num_perm, dtype=np.uint64) | np.uint64(1)
        self._b = rng.integers(0, 2**64, config.num_perm, dtype=np.uint64)
        self._rows = config.num_perm // config.bands
        self._row_mix = rng.integers(1, 2**64, self._rows, dtype=np.uint64) | np.uint64(1)
        self._band_ids = np.arange(config.bands, dtype=np.uint64)
        # the compiled digest's arguments after the text
        self._c_args = (config.min_tokens, self._a.tobytes(), self._b.tobytes(),
                        self._row_mix.tobytes(), config.bands)  # fmt: skip
        self._buckets = self._bands()
        self._exact: dict[int, int] = {}
        self.clusters: dict[int, Cluster] = {}
        self._next = 0
        self._stale = 0  # forgotten clusters that may still hold keys in _buckets
        self._word_crc: dict[str, int] = {}

    def digest(self, texts: Sequence[str], repeats: bool = True) -> list[Digest | None]:
        """Each text's exact-repeat key and MinHash signature (None when too short), in
        numpy passes over about ``_CHUNK`` words each: per text, the numpy calls cost more
        than the arithmetic, so the Detect stage digests a batch's texts at once (measured:
        34 µs a text one at a time, a few µs in a batch of 1,000). With ``repeats``, a
        text whose normalised words were seen already (earlier in the batch, or in a live
        cluster) is not hashed: its digest holds the exact-repeat key alone, which finds
        its cluster. A word's CRC-32 is computed once and kept (up to ``_WORDS`` words).
        With the compiled digest, every text is hashed, one at a time (``repeats`` saves
        nothing there: an exact repeat's digest is cheaper to make than to look up)."""
        c_digest = self._c_digest
        if c_digest is not None:
            args, make = self._c_args, Digest._make
            return [None if (d := c_digest(text, *args)) is None else make(d) for text in texts]
        crc = zlib.crc32
        word_crc = self._word_crc
        if len(word_crc) > _WORDS:
            word_crc.clear()
        known_word = word_crc.get
        out: list[Digest | None] = []
        flat: list[int] = []  # every judged text's word hashes, one after another
        starts: list[int] = []  # where each judged text's words start in flat
        todo: list[int] = []  # where each judged text is in out
        exacts: list[int] = []  # and its exact-repeat key
        seen: dict[int, int] = {}  # a batch's exact repeats are hashed once
        known = self._exact
        min_tokens = self.config.min_tokens
        for text in texts:
            words = tokens(text)
            if len(words) < min_tokens:
                out.append(None)
                continue
            exact = crc(" ".join(words).encode())
            if repeats and (exact in seen or known.get(exact, -1) in self.clusters):
                # an exact repeat: ``add`` finds its cluster by the key, or hashes it then
                out.append(Digest(exact, _EMPTY, _NO_KEYS))
                continue
            seen[exact] = len(out)
            todo.append(len(out))
            exacts.append(exact)
            starts.append(len(flat))
            hashes = list(map(known_word, words))
            if None in hashes:
                for j, word in enumerate(words):
                    if hashes[j] is None:
                        hashes[j] = word_crc[word] = crc(word.encode())
            flat.extend(hashes)  # type: ignore[arg-type]  # (no None left)
            out.append(_PENDING)
        if not starts:
            return out
        f = np.array(flat, dtype=np.uint64)
        starts.append(len(flat))
        n, k = len(todo), 0
        while k < n:  # a chunk of texts with about _CHUNK words, at least one text
            end = max(bisect_right(starts, starts[k] + _CHUNK, k + 1, n + 1) - 1, k + 1)
            sigs32, keys = self._sign(f[starts[k] : starts[end]], starts[k : end + 1])
            for row, i in enumerate(todo[k:end]):
                out[i] = Digest(exacts[k + row], sigs32[row].tobytes(), keys[row])
            k = end
        return out

    def digest_one(self, text: str) -> tuple[int, bytes, bytes] | None:
        """One text's digest (:meth:`digest` of one text, as a plain tuple with the compiled
        digest): that one costs the same one text at a time, so a caller with it need not
        gather a batch."""
        c_digest = self._c_digest
        if c_digest is None:
            return self.digest([text])[0]
        return c_digest(text, *self._c_args)

    @property
    def batched(self) -> bool:
        """Whether digesting texts in batches (:meth:`digest`) pays: the numpy path's."""
        return self._c_digest is None

    def _sign(self, words: U64, starts: list[int]) -> tuple[U32, list[bytes]]:
        """The signatures and band keys of consecutive texts whose word hashes are
        ``words``, text ``k``'s from ``starts[k] - starts[0]`` to ``starts[k + 1]``."""
        # the word bigrams, less the one across each pair of texts
        pairs = (words[:-1] << np.uint64(32)) | words[1:]
        first = np.array(starts[:-1], dtype=np.int64) - starts[0]
        x = np.delete(pairs, first[1:] - 1)
        # (bigrams x permutations), in place: three times faster than the transposed form;
        # the shift comes after the minimum (the same values: it keeps the order), on
        # the few rows left
        mixed = np.multiply.outer(x, self._a)
        mixed += self._b
        sigs = np.minimum.reduceat(mixed, first - np.arange(len(first)), axis=0)
        sigs >>= np.uint64(32)
        # a band's key: its rows mixed into 64 bits, the band's number in the low bits
        rows = sigs.reshape(len(first), self.config.bands, self._rows) * self._row_mix
        keys = (rows.sum(axis=2) << np.uint64(6)) | self._band_ids
        return sigs.astype(np.uint32), [row.tobytes() for row in keys]

    def signature(self, words: list[str]) -> U32:
        """The MinHash signature of a text's word bigrams: each bigram is 64 bits (the CRC-32
        of its two words), hashed by multiply-shift, ``(a * x + b) mod 2**64 >> 32``."""
        d = self.digest([" ".join(words)], repeats=False)[0]
        return np.frombuffer(b"" if d is None else d.signature, dtype=np.uint32)

    def add(self, text: str, t_us: int, digest: Digest | None = None) -> int | None:
        """The cluster of ``text`` posted at ``t_us``; None when it is too short to judge.
        ``digest`` is the text's :meth:`digest` when it was computed in a batch."""
        whole = self.digest_one(text) if digest is None else digest
        if whole is None:
            return None
        exact, sig, keys = whole
        cid = self._exact.get(exact)
        if cid is not None and cid in self.clusters:
            self.clusters[cid].last_us = t_us
            return cid
        if not sig:  # digested as a repeat of a text since forgotten: hash it now
            again = self.digest([text], repeats=False)[0]
            assert again is not None
            exact, sig, keys = again
        buckets, clusters = self._buckets, self.clusters
        met = buckets.match(keys, sig, clusters, self.config.similarity)
        if met is None:  # no band met a cluster (most new texts)
            new = self._new_cluster(text, t_us, sig)
            buckets.claim(keys, new)
            self._exact[exact] = new
            return new
        found, forgotten = met
        if found is None:
            best = self._new_cluster(text, t_us, sig)
        else:
            best = found
            clusters[best].last_us = t_us
        # the bands no cluster held yet are this one's, and a band whose cluster was
        # forgotten is free too (as if its key had been dropped at the sweep)
        buckets.claim(keys, best, clusters if forgotten else None)
        self._exact[exact] = best
        return best

    def _new_cluster(self, text: str, t_us: int, sig: bytes) -> int:
        cid = self._next
        self._next += 1
        self.clusters[cid] = Cluster(cid, text[: self.config.example_chars], t_us, t_us, sig)
        return cid

    @property
    def buckets(self) -> dict[int, int]:
        """LSH band key -> the cluster that first claimed it (of the clusters kept), in
        the order of the keys (the table's own order depends on its size)."""
        if self._stale:
            self._drop_stale()
        keys, clusters = self._buckets.items()
        k = np.frombuffer(keys, dtype=np.uint64)
        order = np.argsort(k, kind="stable")
        cs = np.frombuffer(clusters, np.int64)[order].tolist()
        return dict(zip(k[order].tolist(), cs, strict=True))

    @property
    def exact(self) -> dict[int, int]:
        """Exact-repeat key -> its cluster (of the clusters kept)."""
        if self._stale:
            self._drop_stale()
        return self._exact

    @property
    def next_id(self) -> int:
        """The id the next new cluster gets."""
        return self._next

    def load(
        self, clusters: list[Cluster], buckets: dict[int, int], exact: dict[int, int], next_id: int
    ) -> None:
        """Resume from what :attr:`clusters`, :attr:`buckets`, :attr:`exact` and
        :attr:`next_id` held (``Coordination.snapshot``)."""
        self.clusters = {c.id: c for c in clusters}
        self._buckets = self._bands()
        self._buckets.load(np.array(list(buckets), dtype=np.uint64).tobytes(),
                           np.array(list(buckets.values()), dtype=np.int64).tobytes())  # fmt: skip
        self._exact, self._next = exact, next_id
        self._stale = 0

    def forget_before(self, t_us: int) -> None:
        """Drop clusters last seen before ``t_us`` (and their buckets: a band held by a
        forgotten cluster is free at once, the key itself is dropped once the forgotten
        clusters with keys left outnumber the clusters kept, so the buckets, 16 keys a
        text, are not all read again at every sweep; the exact-repeat keys likewise: both
        are read only for clusters kept)."""
        old = [c.id for c in self.clusters.values() if c.last_us < t_us]
        for cid in old:
            del self.clusters[cid]
        if old:
            self._stale += len(old)
            if self._stale > len(self.clusters):
                self._drop_stale()

    def _drop_stale(self) -> None:
        live = self.clusters
        self._buckets.keep(live)
        self._exact = {k: v for k, v in self._exact.items() if v in live}
        self._stale = 0
