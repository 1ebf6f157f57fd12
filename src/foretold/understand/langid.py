"""Which language a post is in, good on short posts: what routes it to a tier.

``py3langid`` (BSD-3-Clause; its naive-Bayes byte n-gram model ships inside the package)
scores the post after what says nothing about its language is cut away: links, @mentions,
the ``RT`` marker, HTML entities and hashtags. Hashtags go as whole words: tweets in any
language tag in English (``#nails #nailart``) and the tags outvoted German and French
words. Candidates are ``LANGUAGES``, the languages of the web's larger communities (the
package knows 97 more, mostly small ones that took short French, German and Spanish posts
for themselves: Luxembourgish, Galician, Aragonese, Haitian Creole); the 15 languages the
multilingual tier reads get a prior bonus of ``LangIdConfig.covered_prior`` (log-odds per
byte, as the package normalises), since posts reaching a brand are far more often in one
of them. A post with fewer than ``min_letters`` letters left is ``"und"``. Only languages
written in the script that most of the post's letters are in are candidates (``SCRIPTS``):
on a word or two the byte model's guesses are close, and it read "Respekt," as Arabic
(UMSAB German train and validation 93.44 -> 93.67% right, French, Spanish and English
validation unchanged). Letters in styled forms (mathematical bold, full-width) are read
as the letters they style (NFKC); a post in a script no candidate is written in (Amharic,
Khmer) is ``"und"``, not forced into a language it cannot be.

The settings were chosen on the UMSAB train and validation tweets (French, German,
Spanish) and the TweetEval English validation tweets; ``foretold eval`` reports accuracy
on the UMSAB test tweets (see ``MODEL_CARD.md``).

>>> identify(["the service was awful again today", "le service est nul, encore une fois",
...           "der Service ist heute wieder schlecht", "el servicio es malo otra vez", "🙂 !!"])
['en', 'fr', 'de', 'es', 'und']
>>> identify(["Respekt, #Steinbrueck", "Отличный сервис", "サービスが最悪", "ሰላም ነው"])
['de', 'ru', 'ja', 'und']
>>> identify(["𝐭𝐡𝐞 𝐰𝐨𝐫𝐬𝐭 𝐬𝐞𝐫𝐯𝐢𝐜𝐞 𝐞𝐯𝐞𝐫", "ｓｅｒｖｉｃｅ ｃｌｉｅｎｔ ｎｕｌ"])
['en', 'fr']
"""

from __future__ import annotations

import importlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from foretold.errors import MissingExtraError
from foretold.understand.multilingual import COVERED

__all__ = ["LANGUAGES", "SCRIPTS", "LangIdConfig", "identify", "script_of"]

#: Candidate languages (ISO 639-1): the covered 15 and 43 more widely written ones.
LANGUAGES: tuple[str, ...] = (
    *sorted(COVERED),
    *[
        "af",
        "bg",
        "bn",
        "ca",
        "cs",
        "cy",
        "da",
        "el",
        "et",
        "eu",
        "fa",
        "fi",
        "ga",
        "gl",
        "gu",
        "he",
        "hi",
        "hr",
        "hu",
        "hy",
        "id",
        "is",
        "ka",
        "kk",
        "lt",
        "lv",
        "mk",
        "ml",
        "mr",
        "ms",
        "nb",
        "no",
        "ro",
        "sk",
        "sl",
        "sq",
        "sr",
        "sv",
        "sw",
        "ta",
        "te",
        "tl",
        "uk",
        "ur",
        "vi",
    ],
)
#: The script of each candidate that is not written in Latin letters (Unicode's name of
#: it, as the first word of a letter's character name); Japanese is also its kana.
SCRIPTS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("ar", "fa", "ur"), frozenset({"ARABIC"})),
    **dict.fromkeys(("ru", "uk", "bg", "mk", "kk"), frozenset({"CYRILLIC"})),
    "sr": frozenset({"CYRILLIC", "LATIN"}),
    "zh": frozenset({"CJK"}),
    "ja": frozenset({"CJK", "HIRAGANA", "KATAKANA"}),
    "ko": frozenset({"HANGUL", "CJK"}),
    **dict.fromkeys(("hi", "mr"), frozenset({"DEVANAGARI"})),
    **{lang: frozenset({script}) for lang, script in (
        ("th", "THAI"), ("el", "GREEK"), ("he", "HEBREW"), ("bn", "BENGALI"),
        ("gu", "GUJARATI"), ("ta", "TAMIL"), ("te", "TELUGU"), ("ml", "MALAYALAM"),
        ("ka", "GEORGIAN"), ("hy", "ARMENIAN"),
    )},
}  # fmt: skip
_LATIN = frozenset({"LATIN"})
_KNOWN_SCRIPTS = _LATIN.union(*SCRIPTS.values())
_NOISE = re.compile(r"https?://\S+|\bhttps?\b|www\.\S+|[@#]\w+|\bRT\b|&\w+;|\b\d+\b")
_LETTER = re.compile(r"[^\W\d_]")
_TAG = re.compile(r"#(\w+)")


@dataclass(frozen=True)
class LangIdConfig:
    """Settings of :func:`identify` (chosen on train/validation tweets, see the module)."""

    covered_prior: float = 1.0
    min_letters: int = 3


def clean(text: str) -> str:
    """The words of a post that tell its language.

    >>> clean("RT @user: Quelle honte &amp; #fail https://t.co/x").split()
    [':', 'Quelle', 'honte']
    """
    return _NOISE.sub(" ", unicodedata.normalize("NFKC", text))


def script_of(text: str) -> str | None:
    """The script most of ``text``'s letters are written in (``None`` without letters).

    >>> script_of("Quelle honte"), script_of("Отличный сервис"), script_of("!!")
    ('LATIN', 'CYRILLIC', None)
    """
    if text.isascii():  # most posts: no character names to look up
        return "LATIN" if any(ch.isalpha() for ch in text) else None
    counts: Counter[str] = Counter()
    for ch in text:
        if ch.isalpha():
            counts[unicodedata.name(ch, "UNKNOWN").split()[0]] += 1
    return counts.most_common(1)[0][0] if counts else None


class _Identifier:
    def __init__(self, config: LangIdConfig) -> None:
        try:
            langid = importlib.import_module("py3langid.langid")
        except ImportError:
            raise MissingExtraError("py3langid", "understand") from None
        model: Any = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
        model.set_languages([x for x in LANGUAGES if x in set(model.nb_classes)])
        self.model = model
        self.config = config

    def one(self, text: str) -> str:
        words = clean(text)
        if len(_LETTER.findall(words)) >= self.config.min_letters:
            return self._best(words)
        # nothing but tags (#sonne #aussicht #genießen #fahrrad): their words are all there
        # is to go by, trusted for a covered language only (English tags alone, "#nails
        # #nailart", read as Tagalog): German UMSAB train and validation 92.7 -> 93.3% and
        # 94.1 -> 94.4% right; French, Spanish and English validation unchanged
        tags = " ".join(_TAG.findall(text))
        if len(_LETTER.findall(tags)) < self.config.min_letters:
            return "und"
        best = self._best(tags)
        return best if best in COVERED else "und"

    def _best(self, words: str) -> str:
        best, best_score = "und", -math.inf
        script = script_of(words)
        if script is not None and script not in _KNOWN_SCRIPTS:
            return "und"
        for lang, p in self.model.rank(words.strip()):
            if script is not None and script not in SCRIPTS.get(lang, _LATIN):
                continue
            value = math.log(max(p, 1e-30)) + (
                self.config.covered_prior if lang in COVERED else 0.0
            )
            if value > best_score:
                best, best_score = lang, value
        return best


@lru_cache(maxsize=4)
def _identifier(config: LangIdConfig) -> _Identifier:
    return _Identifier(config)


def identify(texts: Sequence[str], config: LangIdConfig | None = None) -> list[str]:
    """The ISO 639-1 code of each text's language, or ``"und"`` when it has no words."""
    ident = _identifier(config or LangIdConfig())
    return [ident.one(t) for t in texts]
