"""Post texts: real labelled tweets by class, with the campaign woven in, in varied ways.

What a simulated post says comes from three places: the brand's everyday mentions
(real @JetBlue mentions, retargeted: :mod:`foretold.simulate.brandtext`), the hijack
grammar (:mod:`foretold.simulate.grammar`), and, for a scenario without a brand voice,
the labelled pools below. :class:`TextPools` reads the *train* splits under
``../shared/data`` (never a test split) into six pools:

========== ===========================================================================
hostile    TweetEval offensive (label 1) and emotion (anger)
ironic     TweetEval irony (label 1) and iSarcasmEval (sarcastic)
negative   SemEval-2017 4A train, negative
neutral    SemEval-2017 4A train, neutral
positive   SemEval-2017 4A train, positive
questions  SemEval-2017 4A train, neutral or positive, asking something
========== ===========================================================================

:class:`Weaver` puts the hashtag, the brand's handle, other people's handles, a
keyword and links into a text at varied places and spellings, so no fixed template
gives a simulated post away.

>>> import random
>>> w = Weaver(hashtags=("#AskJPM",), handle="@jpmorgan", keywords=("JP Morgan",),
...            rng=random.Random(4), handles=lambda: "someone")
>>> w.weave("@user how many homes did you take this year?", hashtag=True, handle=True)
'@jpmorgan how many homes did you take this year? #AskJPM'
"""

from __future__ import annotations

import csv
import functools
import random
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from foretold.errors import InputError
from foretold.simulate.brandtext import BrandTexts, load_brand_texts
from foretold.simulate.grammar import phrases, possessive
from foretold.simulate.scenario import CLASSES

URL_PATTERN = re.compile(r"https?://\S+")
_RT = re.compile(r"^RT @\w+:?\s*")
_SPACE = re.compile(r"\s+")
_ESCAPED = re.compile(r"\\u([0-9a-fA-F]{4})")
_USER = re.compile(r"@user\b", re.IGNORECASE)
_USER_RUN = re.compile(r"(?:@user\s+){4,}", re.IGNORECASE)
_OTHER_HANDLE = re.compile(r"(?<![\w@])@(?!user\b)\w{2,15}", re.IGNORECASE)
_OTHER_TAG = re.compile(r"(?<![\w&])#\w+")
HASHTAG = re.compile(r"(?<![\w&#])#(\w*[^\W\d]\w*)")
MENTION = re.compile(r"(?<![A-Za-z0-9_@])@([A-Za-z0-9_]{1,15})")
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def clean(text: str) -> str:
    """A dataset line as a post body: links, a retweet prefix and doubled quotes removed.

    >>> clean('RT @x: so ""great"" http://t.co/abc  service\\u2019s ')
    'so "great" service’s'
    """
    text = text.replace('\\"', '"').replace('""', '"').replace("\\n", " ")
    text = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    text = _RT.sub("", text)
    return _SPACE.sub(" ", URL_PATTERN.sub("", text)).strip()


def tco(rng: random.Random) -> str:
    """A t.co short link."""
    return "https://t.co/" + "".join(rng.choices(_ALNUM, k=10))


def display_url(url: str) -> str:
    """The display form X shows for an expanded URL.

    >>> display_url("https://www.reuters.com/article/us-jpmorgan-twitter-idUSBRE9AC1BM20131113")
    'reuters.com/article/us-jpm…'
    """
    d = url.split("://", 1)[-1]
    d = d[4:] if d.startswith("www.") else d
    return d if len(d) <= 26 else d[:26] + "…"


def stable_id(username: str) -> str:
    """A numeric account id for a handle outside the simulated population."""
    return str(10_000_000 + zlib.crc32(username.lower().encode()))


@dataclass
class TextPools:
    """Real tweets by class (:data:`~foretold.simulate.scenario.CLASSES` order), real
    brand mentions (``brand``) and short sarcastic and offensive phrases that vary the
    hijack grammar's wording (``sarcastic``, ``offensive``)."""

    texts: list[list[str]]
    questions: list[list[int]]
    source: str
    brand: BrandTexts | None = None
    sarcastic: list[str] = field(default_factory=list)
    offensive: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, data_dir: str | Path) -> TextPools:
        """Read the train splits under ``data_dir`` (cached per directory)."""
        return _load(str(Path(data_dir).resolve()))

    def sizes(self) -> dict[str, int]:
        """How many texts each class holds."""
        return {c: len(t) for c, t in zip(CLASSES, self.texts, strict=True)}


@functools.lru_cache(maxsize=4)
def _load(root_s: str) -> TextPools:
    root = Path(root_s)
    if not (root / "tweeteval").is_dir() or not (root / "semeval2017").is_dir():
        raise InputError(
            f"simulate: the labelled tweets are not under {root} (expected tweeteval/ and "
            "semeval2017/ from ../shared/data); pass --data DIR or set FORETOLD_DATA"
        )
    pools: dict[str, list[str]] = {c: [] for c in CLASSES}
    te = root / "tweeteval"
    pools["hostile"] += _labelled(te / "offensive", {"1"})
    pools["hostile"] += _labelled(te / "emotion", {"0"})
    pools["ironic"] += _labelled(te / "irony", {"1"})
    sarcasm = root / "isarcasmeval" / "train.En.csv"
    if sarcasm.is_file():
        with sarcasm.open(encoding="utf-8", newline="") as f:
            pools["ironic"] += [r["tweet"] for r in csv.DictReader(f) if r.get("sarcastic") == "1"]
    for path in sorted((root / "semeval2017").glob("twitter-20*train-A.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t", 2)
            if len(parts) == 3 and parts[1] in ("negative", "neutral", "positive"):
                pools[parts[1]].append(parts[2])
                if parts[1] != "negative" and _asks(parts[2]):
                    pools["questions"].append(parts[2])
    texts: list[list[str]] = []
    questions: list[list[int]] = []
    for c in CLASSES:
        seen: dict[str, None] = {}
        for raw in pools[c]:
            body = clean(raw)
            if 15 <= len(body) <= 230 and "\n" not in body:
                seen[body] = None
        texts.append(list(seen))
        questions.append([i for i, body in enumerate(seen) if "?" in body])
    return TextPools(
        texts=texts,
        questions=questions,
        source=str(root),
        brand=load_brand_texts(root),
        sarcastic=phrases(texts[CLASSES.index("ironic")]),
        offensive=phrases(texts[CLASSES.index("hostile")]),
    )


def _labelled(folder: Path, keep: set[str]) -> list[str]:
    texts = (folder / "train_text.txt").read_text(encoding="utf-8").splitlines()
    labels = (folder / "train_labels.txt").read_text(encoding="utf-8").splitlines()
    return [t for t, y in zip(texts, labels, strict=False) if y.strip() in keep]


def _asks(text: str) -> bool:
    body = clean(text)
    return "?" in body and ("? " in body or body.rstrip().endswith("?"))


class Weaver:
    """Weaves the campaign's hashtag, handle, keyword and links into real texts."""

    def __init__(
        self,
        *,
        hashtags: tuple[str, ...],
        handle: str,
        keywords: tuple[str, ...],
        rng: random.Random,
        handles: Callable[[], str],
    ) -> None:
        self.hashtags = hashtags
        self.handle = handle
        self.keywords = keywords
        self.rng = rng
        self.handles = handles

    def tag(self, hashtags: tuple[str, ...] = ()) -> str:
        """One spelling of a campaign hashtag: mostly as launched, often lower case."""
        r = self.rng.random()
        tag = self.rng.choice(hashtags or self.hashtags)
        if r < 0.70:
            return tag
        if r < 0.94:
            return tag.lower()
        if r < 0.97:
            return tag.upper()
        return "#" + tag[1:2].lower() + tag[2:]

    def weave(
        self,
        text: str,
        *,
        hashtag: bool = False,
        handle: bool = False,
        keyword: bool = False,
        link: str = "",
        hashtags: tuple[str, ...] = (),
    ) -> str:
        """``text`` with the requested pieces woven in; ``link`` is a t.co URL to place."""
        r = self.rng
        if r.random() < 0.5:
            text = re.sub(r"^(@user\s+)+", "", text, flags=re.IGNORECASE)
        if len(text) > 180:
            cut = text.rfind(" ", 100, 180)
            text = text[: cut if cut > 0 else 180] + "…"
        text = _USER_RUN.sub(
            lambda m: " ".join(m.group(0).split()[: r.randrange(1, 4)]) + " ", text
        )
        if handle:
            text, handle = self._place_handle(text)
        text = _USER.sub(lambda _m: "@" + self.handles(), text)

        if keyword and self.keywords:
            text = possessive(self._place_keyword(text))  # "@GreenBiz's" -> "McDonald's"
        if hashtag:
            text = self._place_tag(text, self.tag(hashtags))
        if link:
            if r.random() < 0.8 or not hashtag:
                text = f"{text} {link}"
            else:
                cut = text.rfind(" #")
                text = f"{text[:cut]} {link}{text[cut:]}" if cut > 0 else f"{text} {link}"
        return text[:280]

    def _place_handle(self, text: str) -> tuple[str, bool]:
        r, h = self.rng, self.handle
        x = r.random()
        if _USER.search(text) and x < 0.5:
            return _USER.sub(h, text, count=1), False
        other = _OTHER_HANDLE.search(text)
        if other and x < 0.6:
            return text[: other.start()] + h + text[other.end() :], False
        y = r.random()
        if y < 0.45:
            return f"{h} {text}", False
        if y < 0.55:
            return f".{h} {text}", False
        if y < 0.68:
            return f"Hey {h}, {_lower_first(text)}", False
        if y < 0.75:
            return f"{h}: {text}", False
        if y < 0.9:
            return f"{text} {h}", False
        return f"{text} cc {h}", False

    def _place_keyword(self, text: str) -> str:
        r, kw = self.rng, self.rng.choice(self.keywords)
        x = r.random()
        other = _OTHER_HANDLE.search(text)
        if other and x < 0.35:
            return text[: other.start()] + kw + text[other.end() :]
        if x < 0.6:
            return f"{kw} {_lower_first(text)}"
        if x < 0.8:
            return f"{kw}: {text}"
        return f"{text} ({kw})"

    def _place_tag(self, text: str, tag: str) -> str:
        x = self.rng.random()
        other = _OTHER_TAG.search(text)
        if other and x < 0.15:
            return text[: other.start()] + tag + text[other.end() :]
        if x < 0.62:
            return f"{text} {tag}"
        if x < 0.78:
            return f"{tag} {text}"
        if x < 0.86:
            return f"{text} - {tag}"
        words = text.split(" ")
        if len(words) > 3:
            i = self.rng.randrange(1, len(words))
            return " ".join([*words[:i], tag, *words[i:]])
        return f"{text} {tag}"


def _lower_first(text: str) -> str:
    if text[:1].isupper() and text[1:2].islower():
        return text[:1].lower() + text[1:]
    return text
