"""Each post to the tier that reads its language.

    post --> language (langid) --+-- en, und ---------> English tier (fast | accurate)
                                 +-- covered, allowed -> multilingual tier
                                 +-- anything else ----> "unsupported": counted, not read

``languages`` (from the campaigns' ``languages`` keys, see ``foretold.toml``) narrows what
is read: a post in a covered language that no campaign lists is ``unsupported`` too.
English posts keep the English tier's labels unchanged (their ``lang`` is ``"en"``).

Most English posts never reach the language identifier: a post with at least
``RoutingConfig.english_stopwords`` English function words and none of the other
covered Latin-script languages' (``SCREEN``) is English. On the TweetEval English
validation tweets this settles 86% of posts; it took 7 of the 6,489 UMSAB French, German
and Spanish train and validation tweets for English (most of them English tweets).

>>> class Fake:
...     tier = "fast"
...     def classify(self, texts):
...         return [Labels.from_scores([0.1, 0.1, 0.8] + [0.0] * 7) for _ in texts]
>>> router = Router(Fake(), multilingual=None)
>>> [x.lang for x in router.classify(["the cat is on the mat", "hyvää huomenta kaikille"])]
['en', 'fi']
>>> router.classify(["hyvää huomenta kaikille"])[0].flags
('unsupported',)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from foretold.errors import ConfigError
from foretold.understand.classifier import Classifier
from foretold.understand.labels import SCORE_NAMES, Labels
from foretold.understand.multilingual import COVERED, MultilingualClassifier

__all__ = ["SCREEN", "Router", "RoutingConfig", "check_languages", "unsupported"]

_EN_WORDS = (
    "the and is are was to of in it you my that this for on with be have not but just me "
    "at what your we they do can will if get it's i'm don't so he she his her"
)
_OTHER_WORDS = (
    "le la les des est et une du que qui pas pour dans sur avec je tu il elle nous vous "
    "ce cette mais très c'est j'ai el los las por para es del como pero más muy está yo "
    "se ya porque der das und ist nicht ich du er sie wir ihr ein eine mit auf für den "
    "dem von zu auch noch wie aber di che è non sono anche questo della não nao uma com "
    "os em mais eu você isso het een ik je niet dat met voor zijn maar ook naar nog bir "
    "bu için çok ama gibi daha yok nie się jest że jak ale"
)
_EN = frozenset(_EN_WORDS.split())
#: Function words of the other covered languages in Latin script (none that English
#: also writes: no "to", "en", "con", "per"); one of them keeps a post from the English
#: shortcut.
SCREEN = frozenset(_OTHER_WORDS.split())
_WORD = re.compile(r"[^\W\d_][\w']*")


@dataclass(frozen=True)
class RoutingConfig:
    """The English shortcut's bar (see the module)."""

    english_stopwords: int = 3


def check_languages(languages: Iterable[str]) -> frozenset[str]:
    """The languages a deployment reads, checked; ConfigError names one no tier reads
    and lists the covered ones.

    >>> sorted(check_languages(["en", "fr"]))
    ['en', 'fr']
    >>> check_languages(["en", "fi"])
    Traceback (most recent call last):
    ...
    foretold.errors.ConfigError: language 'fi' is not read by any tier; covered: ar, de, ...
    """
    chosen = frozenset(languages)
    for lang in sorted(chosen):
        if lang not in COVERED:
            raise ConfigError(
                f"language {lang!r} is not read by any tier; covered: {', '.join(sorted(COVERED))}"
            )
    return chosen


def unsupported(lang: str) -> Labels:
    """Labels of a post no tier reads: every score 0 (nothing was read), sentiment
    ``neutral``, emotion ``none``, the one flag ``unsupported``.

    >>> d = unsupported("fi").to_dict()
    >>> d["sentiment"], d["emotion"], d["flags"], d["lang"], set(d["scores"].values())
    ('neutral', 'none', ['unsupported'], 'fi', {0.0})
    """
    return Labels("neutral", "none", dict.fromkeys(SCORE_NAMES, 0.0), ("unsupported",), lang)


class Router:
    """A ``Classifier`` that sends each post to the tier of its language (see the module).

    ``multilingual`` makes the tier for covered languages other than English, on the first
    post that needs it (``None``: such posts are ``unsupported`` too); ``languages`` is what
    is read (default: every covered language).
    """

    def __init__(
        self,
        english: Classifier,
        multilingual: Callable[[], MultilingualClassifier] | None,
        languages: Iterable[str] | None = None,
        identify: Callable[[Sequence[str]], list[str]] | None = None,
        config: RoutingConfig = RoutingConfig(),
    ) -> None:
        self.english = english
        self._make_multilingual = multilingual
        self._multilingual: MultilingualClassifier | None = None
        self.tier = english.tier
        self.languages = check_languages(COVERED if languages is None else languages)
        if identify is None:
            from foretold.understand.langid import identify as identify_default

            identify = identify_default
        self._identify = identify
        self.config = config

    def is_english(self, text: str) -> bool:
        """The shortcut: plainly English without asking the identifier."""
        words = _WORD.findall(text.lower())
        if not SCREEN.isdisjoint(words):
            return False
        return sum(w in _EN for w in words) >= self.config.english_stopwords

    def languages_of(self, texts: Sequence[str]) -> list[str]:
        """The language code of each text, as routing sees it."""
        out = ["en" if self.is_english(t) else "" for t in texts]
        rest = [i for i, x in enumerate(out) if not x]
        for i, lang in zip(rest, self._identify([texts[i] for i in rest]), strict=True):
            out[i] = lang
        return out

    def classify(self, texts: Sequence[str]) -> list[Labels]:
        """One ``Labels`` per text, in order."""
        langs = self.languages_of(texts)
        out: list[Labels | None] = [None] * len(texts)
        english_read = "en" in self.languages
        groups: dict[str, list[int]] = {"english": [], "multilingual": []}
        for i, lang in enumerate(langs):
            if lang == "und" or (lang == "en" and english_read):
                groups["english"].append(i)
            elif lang != "en" and lang in self.languages and self._make_multilingual is not None:
                groups["multilingual"].append(i)
            else:
                out[i] = unsupported(lang)
        if groups["english"]:
            idx = groups["english"]
            for i, labels in zip(idx, self.english.classify([texts[i] for i in idx]), strict=True):
                out[i] = replace(labels, lang=langs[i])
        if groups["multilingual"] and self._make_multilingual is not None:
            if self._multilingual is None:
                self._multilingual = self._make_multilingual()
            idx = groups["multilingual"]
            got = self._multilingual.classify([texts[i] for i in idx], [langs[i] for i in idx])
            for i, labels in zip(idx, got, strict=True):
                out[i] = labels
        return [x if x is not None else unsupported("und") for x in out]
