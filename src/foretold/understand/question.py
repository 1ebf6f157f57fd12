"""The ``question`` flag: real, rhetorical and accusatory questions, with or without a ``?``.

A post is a question when it has a ``?`` outside a URL, or a clause opens like a question
(a wh-word or an auxiliary followed by a subject: "why do you", "how can anyone", "do they
ever", "is it just me"; also after "and", "but", "so", "lol": "so what's the plan"), or a
clause ends on a tag question ("..., isn't it", "don't you", ", right"), or it uses an
accusatory formula ("how dare you", "who do you think you are", "I wonder why").

The rules run on a whole batch at once, on the words the featuriser has already hashed
(leading ``@user``, ``RT``, hashtags and links are skipped when finding a clause opening).

Measured on iSarcasmEval's train file: 96 of its 101 tweets of sub-type
``rhetorical_question`` are flagged (recall 0.95); of the other 3,367 tweets 12.8% are
flagged (8.9% carry a ``?``), and a hand check of 25 flagged ones without ``?`` found 22
real questions (e.g. "why is truly tea hard seltzer so good").

>>> is_question("How can you charge fees like that and call it service")
True
>>> is_question("Who thought this was a good idea")
True
>>> is_question("Great bank, isn't it")
True
>>> is_question("Thanks for the help today!")
False
>>> is_question("Can't wait for the weekend")
False
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

__all__ = ["QuestionRules", "is_question"]

_WORDS: dict[str, str] = {
    "subj": "you u ya y'all we they he she it i anyone anybody someone somebody everyone "
    "people this that these those there the your ur my our their his her its noone nobody",
    "aux": "is isn't isnt are aren't arent am was wasn't wasnt were weren't do does doesn't "
    "doesnt did didn't didnt don't dont can could couldn't will would wouldn't should "
    "shouldn't shall may might must have haven't has hasn't had hadn't",
    "wh": "why how who what where when which whose whom wtf wth",
    "wh_done": "what's whats what're how's who's where's why's who'd who'da",
    "wh_next_extra": "'s s 're re 'd d 'll 've come dare many much about bout if else exactly "
    "again not even ever on the",
    "why_how": "why how who wtf",
    "who": "who",
    "conj": "and but so or now lol lmao smh seriously honestly",
    "neg_aux": "isn't aren't wasn't weren't don't doesn't didn't won't wouldn't can't couldn't "
    "shouldn't haven't hasn't",
    "pronoun": "it you they we he she there i",
    "why": "why",
    "why_formula": "would should do does did is are can't won't don't doesn't",
    "do": "do",
    "it_this_that": "it this that",
    "wait_worry": "wait worry",
    "lead": "@user rt http",
    "tag": "right innit eh huh no",
    # phrase parts
    "how": "how",
    "dare_bout": "dare bout",
    "asked": "asked",
    "anyone": "anyone",
    "else": "else",
    "i": "i",
    "wonder": "wonder",
    "wonder_next": "if why how what whether who when",
    "wouldnt": "wouldn't",
    "it": "it",
    "be": "be",
}
_BITS = {name: 1 << i for i, name in enumerate(_WORDS)}
_BREAK_BYTES = np.zeros(256, dtype=bool)
for _c in b".!;:\n":
    _BREAK_BYTES[_c] = True

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]


class QuestionRules:
    """The rules, compiled against a word-hash function (the featuriser's)."""

    def __init__(self, hash_word: Callable[[bytes], int]) -> None:
        self.hash_word = hash_word
        masks: dict[int, int] = {}
        for name, words in _WORDS.items():
            for w in words.split():
                h = hash_word(w.encode("utf-8"))
                masks[h] = masks.get(h, 0) | _BITS[name]
        self._keys = np.array(sorted(masks), dtype=np.uint64)
        self._masks = np.array([masks[int(k)] for k in self._keys], dtype=np.int64)

    def flags(
        self,
        buf: npt.NDArray[np.uint8],
        byte_doc: I64,
        starts: I64,
        ends: I64,
        word_hash: npt.NDArray[np.uint64],
        word_doc: I64,
        n_docs: int,
    ) -> B:
        """Question flag per post from the joined normalised bytes and their words."""
        out = np.zeros(n_docs, dtype=bool)
        qmark = buf == ord("?")
        out[byte_doc[qmark]] = True
        if not word_hash.size:
            return out
        is_break = _BREAK_BYTES[buf]
        e2 = np.flatnonzero(buf[:-2] == 0xE2)
        is_break[e2[(buf[e2 + 1] == 0x80) & (buf[e2 + 2] == 0xA6)]] = True  # "…"
        brk_cum = np.concatenate(([0], np.cumsum(is_break)))
        comma_cum = np.concatenate(([0], np.cumsum(buf == ord(","))))
        pos = np.minimum(np.searchsorted(self._keys, word_hash), self._keys.size - 1)
        cls = np.where(self._keys[pos] == word_hash, self._masks[pos], 0)

        def has(c: I64, name: str) -> B:
            hit: B = (c & _BITS[name]) != 0
            return hit

        first = buf[starts]
        lead = has(cls, "lead") | (first == ord("#")) | (first == ord("@"))
        # all words (phrases, tags) and the words that are not lead-ins (clause openings)
        out |= self._phrases(cls, word_doc, n_docs, has)
        keep = ~lead
        c, d, s, e = cls[keep], word_doc[keep], starts[keep], ends[keep]
        if not c.size:
            return out
        same_prev = np.concatenate(([False], d[1:] == d[:-1]))
        gap_break = np.concatenate(([True], brk_cum[s[1:]] - brk_cum[e[:-1]] > 0))
        clause_start = ~same_prev | gap_break
        linked = np.concatenate((same_prev[1:] & ~gap_break[1:], [False]))  # next word in clause
        c1 = np.where(linked, np.roll(c, -1), 0)
        linked2 = linked & np.roll(linked, -1)
        linked2[-1] = False
        c2 = np.where(linked2, np.roll(c, -2), 0)
        opener = (
            has(c, "wh_done")
            | (has(c, "wh") & (has(c1, "aux") | has(c1, "wh_next_extra")))
            | (has(c, "why_how") & has(c1, "subj"))
            | (has(c, "who") & linked)
            | (
                has(c, "aux")
                & has(c1, "subj")
                & ~(has(c, "do") & has(c1, "it_this_that"))
                & ~has(c2, "wait_worry")
            )
        )
        prev_conj = np.concatenate(([False], has(c[:-1], "conj"))) & same_prev & ~gap_break
        hit = opener & (clause_start | prev_conj)
        hit |= has(c, "why") & has(c1, "why_formula")
        # a clause that ends "... isn't it" / "..., right"
        clause_end = np.concatenate((~linked[:-1], [True]))
        prev_c = np.where(same_prev & ~gap_break, np.roll(c, 1), 0)
        hit |= clause_end & has(c, "pronoun") & has(prev_c, "neg_aux")
        last = np.concatenate((d[1:] != d[:-1], [True]))
        comma_before = np.concatenate(([False], comma_cum[s[1:]] - comma_cum[e[:-1]] > 0))
        hit |= last & has(c, "tag") & comma_before & same_prev
        out[d[hit]] = True
        return out

    @staticmethod
    def _phrases(c: I64, d: I64, n_docs: int, has: Callable[[I64, str], B]) -> B:
        out = np.zeros(n_docs, dtype=bool)
        n = c.size

        def at(k: int) -> tuple[I64, B]:
            if k == 0:
                return c, np.ones(n, dtype=bool)
            shifted = np.zeros(n, dtype=np.int64)
            ok = np.zeros(n, dtype=bool)
            if k < n:
                shifted[:-k] = c[k:]
                ok[:-k] = d[k:] == d[:-k]
            return shifted, ok

        (c1, ok1), (c2, ok2) = at(1), at(2)
        hit = ok1 & (
            (has(c, "how") & has(c1, "dare_bout"))
            | (has(c, "who") & has(c1, "asked"))
            | (has(c, "anyone") & has(c1, "else"))
        )
        hit |= ok2 & has(c, "i") & has(c1, "wonder") & has(c2, "wonder_next")
        hit |= ok2 & has(c, "wouldnt") & has(c1, "it") & has(c2, "be")
        out[d[hit]] = True
        return out


def is_question(text: str) -> bool:
    """Whether ``text`` asks something (sincerely, rhetorically or accusingly)."""
    from foretold.understand.features import small_hasher

    return bool(small_hasher().featurize([text]).questions[0])
