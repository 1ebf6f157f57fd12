"""A light, offline language guess from a whole batch at once: scripts and stop words.

Counted per post from the bytes the featuriser already holds: letters by script (from
UTF-8 lead bytes) and hits in short stop-word lists of ten languages written in Latin
script. The guess is ``"und"`` for a post without letters (empty, emoji, URLs, numbers),
a code for a script that names its language (``ja``, ``ko``, ``zh``, ``el``, ``he``,
``th``), ``"und-Cyrl"``, ``"und-Arab"`` or ``"und-Deva"`` for scripts shared by several
languages, and for Latin script the stop-word list with most hits (at least two, and more
than English), else ``"en"``: Latin text with no evidence either way is taken for English.

>>> guess(["the cat is on the mat", "que lo que es la vida", "東京に行きます", "🙂🙂", "Привет"])
['en', 'es', 'ja', 'und', 'und-Cyrl']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["STOPWORDS", "guess", "script_counts"]

STOPWORDS: dict[str, str] = {
    "en": "the and is are to of in it you i my that this for on with be have not but was just "
    "me at all what your we they do can will if get it's i'm don't like so he she his her",
    "es": "que el la los las por para con una es del al lo como pero más muy está esta yo mi "
    "se ya hay porque cuando todo nada hoy bien gracias qué sí su sus hace",
    "pt": "que não nao uma com para por os do da dos das é em na mais muito eu você voce ele "
    "ela isso esse está tá já obrigado hoje seu sua",
    "fr": "le la les des est et un une du que qui pas pour dans sur avec je tu il elle nous "
    "vous ce cette mais ou très c'est j'ai merci aujourd'hui",
    "de": "der das und ist nicht ich du er sie wir ihr ein eine mit auf für den dem von zu "
    "auch noch wie aber heute danke sehr",
    "it": "il di che è la le non per una con sono mi ti ma anche questo della del molto "
    "oggi grazie ho hai",
    "nl": "het een en ik je niet dat op te met voor zijn maar ook naar wat nog heel vandaag",
    "id": "yang dan di ini itu dengan untuk tidak aku kamu saya ada juga akan dari ke sudah "
    "bisa lagi apa",
    "tl": "ang ng mga sa na ako ko ka mo siya hindi po lang naman talaga ito yung",
    "tr": "ve bir bu da ne için çok sen ama gibi daha var yok olan",
}
_LANGS = tuple(STOPWORDS)
# script columns: latin, greek, cyrillic, hebrew, arabic, devanagari, thai, kana, han, hangul
_SCRIPT_NAMES = ("latin", "el", "und-Cyrl", "he", "und-Arab", "und-Deva", "th", "ja", "zh", "ko")
_LEAD = np.full(256, -1, dtype=np.int8)
_LEAD[ord("a") : ord("z") + 1] = 0
_LEAD[0xC3:0xCA] = 0
_LEAD[0xCE:0xD0] = 1
_LEAD[0xD0:0xD5] = 2
_LEAD[0xD7] = 3
_LEAD[0xD8:0xDC] = 4
_LEAD[0xE4:0xEA] = 8
_LEAD[0xEB:0xED] = 9


def script_counts(
    buf: npt.NDArray[np.uint8],
    sep_cum: npt.NDArray[np.int64],
    doc_lo: npt.NDArray[np.int64],
    doc_len: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """Letters of each script per post, from lower-cased UTF-8 bytes; ``(n_docs, 10)``.

    ``buf`` holds the posts one after another; post ``d`` is ``buf[doc_lo[d]:][:doc_len[d]]``
    and ``sep_cum[i]`` is the post of byte ``i``.
    """
    n_docs, k = doc_lo.size, len(_SCRIPT_NAMES)
    ascii_cum = np.concatenate(([0], np.cumsum((buf >= 97) & (buf <= 122), dtype=np.int64)))
    out = np.zeros((n_docs, k), dtype=np.int64)
    out[:, 0] = ascii_cum[doc_lo + doc_len] - ascii_cum[doc_lo]
    idx = np.flatnonzero(buf >= 0xC3)
    if idx.size:
        lead, nxt = buf[idx], buf[np.minimum(idx + 1, buf.size - 1)]
        col = _LEAD[lead].astype(np.int64)
        col[(lead == 0xE0) & ((nxt == 0xA4) | (nxt == 0xA5))] = 5
        col[(lead == 0xE0) & ((nxt == 0xB8) | (nxt == 0xB9))] = 6
        col[(lead == 0xE3) & (nxt >= 0x81) & (nxt <= 0x83)] = 7
        col[(lead == 0xEA) & (nxt >= 0xB0)] = 9
        col[(lead == 0xED) & (nxt < 0x9F)] = 9
        hit = col >= 0
        flat = sep_cum[idx[hit]] * k + col[hit]
        out += np.bincount(flat, minlength=n_docs * k)[: n_docs * k].reshape(n_docs, k)
    return out


def stopword_table(hash_word: object) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """Sorted word hashes and, for each, a bit mask of the languages listing the word."""
    masks: dict[int, int] = {}
    for bit, lang in enumerate(_LANGS):
        for word in STOPWORDS[lang].split():
            h = hash_word(word.encode("utf-8"))  # type: ignore[operator]
            masks[h] = masks.get(h, 0) | (1 << bit)
    keys = np.array(sorted(masks), dtype=np.uint64)
    return keys, np.array([masks[int(k)] for k in keys], dtype=np.int64)


def stop_counts(
    word_hash: npt.NDArray[np.uint64],
    word_doc: npt.NDArray[np.int64],
    table: tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]],
    n_docs: int,
) -> npt.NDArray[np.int64]:
    """Stop-word hits per post and language; ``(n_docs, len(STOPWORDS))``."""
    keys, masks = table
    out = np.zeros((n_docs, len(_LANGS)), dtype=np.int64)
    if not word_hash.size:
        return out
    pos = np.minimum(np.searchsorted(keys, word_hash), keys.size - 1)
    hit = keys[pos] == word_hash
    docs, m = word_doc[hit], masks[pos[hit]]
    for bit in range(len(_LANGS)):
        on = (m >> bit) & 1 == 1
        out[:, bit] = np.bincount(docs[on], minlength=n_docs)[:n_docs]
    return out


def decide(scripts: npt.NDArray[np.int64], stops: npt.NDArray[np.int64]) -> list[str]:
    """The language code of each post from its script and stop-word counts."""
    out: list[str] = []
    best_script = scripts.argmax(axis=1).tolist()
    any_letter = (scripts.sum(axis=1) > 0).tolist()
    others = stops[:, 1:]
    best_other = others.argmax(axis=1).tolist()
    other_hits = others.max(axis=1).tolist()
    en_hits = stops[:, 0].tolist()
    for i in range(scripts.shape[0]):
        if not any_letter[i]:
            out.append("und")
        elif best_script[i] != 0:
            out.append(_SCRIPT_NAMES[best_script[i]])
        elif other_hits[i] >= 2 and other_hits[i] > en_hits[i]:
            out.append(_LANGS[1 + best_other[i]])
        else:
            out.append("en")
    return out


def guess(texts: Sequence[str]) -> list[str]:
    """Language code of each text (see the module docstring)."""
    from foretold.understand.features import small_hasher

    return small_hasher().featurize(texts).langs
