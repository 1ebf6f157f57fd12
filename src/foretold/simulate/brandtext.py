"""Brand-directed text: real @JetBlue mentions, retargeted to a scenario's brand.

The month of @JetBlue mentions under ``../shared/data/brands/jetblue-2016`` (13,371
tweets, Sep-Oct 2016; a benchmark stream for false alarms too, and used here only for
its wording) holds what people really say to a brand: questions, thanks, everyday
complaints. :func:`load_brand_texts` decodes the R-style emoji escapes (``<U+2764>``,
``<ed><U+00A0><U+00BD>…`` for the UTF-8 bytes of a surrogate pair), drops retweets,
links, non-English and stock-ticker spam, puts the brand's handle and name behind
markers, and sorts what is left into classes with the VADER lexicon: ``negative``
(a compound score of -0.3 or less, or a fifth of the words negative), and, among
mentions without a negative word, ``positive`` (0.4 or more), ``questions`` and
``neutral``; mixed mentions are left out. :class:`Retarget` then writes a mention for
one scenario: the brand's name, handle and places in, and a mention that still talks
about flying left out, unless the brand is an airline.

>>> decode_r_escapes("Love me some @JetBlue <ed><U+00A0><U+00BD><ed><U+00B8><U+008E><U+2764>")
'Love me some @JetBlue 😎❤'
>>> bt = BrandTexts(texts={"positive": ["{H} thank you so much, the staff in {P} were great!"],
...     "negative": [], "neutral": [], "questions": []}, source="tiny")
>>> from foretold.simulate.scenario import Voice
>>> rt = Retarget(bt, Voice(brand="Acme", places=("Leeds",)), handle="@acme")
>>> rt.texts["positive"]
['thank you so much, the staff in Leeds were great!']
"""

from __future__ import annotations

import csv
import functools
import importlib
import random
import re
from dataclasses import dataclass
from pathlib import Path

from foretold.errors import MissingExtraError
from foretold.simulate.grammar import possessive
from foretold.simulate.scenario import Voice

#: Where the real brand mentions live, under the data folder.
JETBLUE = Path("brands") / "jetblue-2016" / "jetblue_tweets.csv"
BRAND_CLASSES: tuple[str, ...] = ("negative", "neutral", "positive", "questions")

_R_RUN = re.compile(r"(?:<[0-9a-f]{2}>|<U\+[0-9A-F]{4,6}>)+")
_R_TOKEN = re.compile(r"<([0-9a-f]{2})>|<U\+([0-9A-F]{4,6})>")
_URL = re.compile(r"https?://\S*|\bt\.co/\S*")
_SPACE = re.compile(r"\s+")
_BRAND_HANDLE = re.compile(r"(?<![\w@])@jetblue\b", re.IGNORECASE)
_BRAND_NAME = re.compile(r"(?<![\w@])#?jet ?blue(?:'s)?\b", re.IGNORECASE)
_LEAD = re.compile(r"^(?:\.?@\w+[\s,:]*)+")
_HANDLE = re.compile(r"(?<![\w@])@\w+")
#: Words that make a mention about flying (left out unless the brand is an airline).
_AIR = re.compile(
    r"\b(?:flights?|flew|fly\w*|planes?|airlines?|airports?|airways|aircraft|gates?|board\w*"
    r"|seats?|crews?|pilots?|attendants?|bags?|baggage|luggage|terminals?|tsa|runway"
    r"|take ?off|land(?:ed|ing)|layovers?|nonstop|trueblue\w*|mint|jet|travel\w*|trips?"
    r"|vacation|depart\w*|arriv\w*|delta|united|southwest\w*|americanair|hurricane\w*"
    r"|matthew|nicole|delay\w*|pax|miles|cabin|tarmac|inflight|passengers?|snacks?"
    r"|peanuts|leg ?room|getaways?|nasdaq|jblu|corp\w*|stock|shares|itinerary|connections?"
    r"|deplane\w*|faa|revenue|analysts?|market|food service|refuel\w*|steward\w*|jetting"
    r"|land|lounge|kiosks?|sita|ads-b|annex"
    r"|slow lane|fares?|tickets?|round ?trip|check[- ]?in\w*|counter|rows?|beverages?|suitcases?"
    r"|cockpit|aviators?|mosaic|logan|wing|curb|lggage|upgrade\w*|tv|wifi|fly-fi|drinks"
    r"|jfk|lga|ewr|bos|fll|mco|lax|sju|lgb|pvd|bdl|buf|oak|sfo|aruba|bermuda)\b",
    re.IGNORECASE,
)
#: The airline's places, replaced by the scenario's.
_PLACES = re.compile(
    r"\b(?:New York City|New York|NYC|NY|Boston|Orlando|Fort Lauderdale|Ft\.? Lauderdale"
    r"|Long Island City|Long Island|Long Beach|Las Vegas|Los Angeles|LA|San Juan|Puerto Rico"
    r"|Florida|Queens|Brooklyn|Providence|Oakland|Buffalo|Burlington|Denver|Chicago|Seattle"
    r"|Austin|Tampa|Miami|Atlanta|Charlotte|Philadelphia|Philly|Newark|Hartford|Portland"
    r"|Richmond|Nashville|Cancun|Jamaica|Dominican Republic|Houston|Dallas|DC|Washington)\b"
)
_SUBJECT = re.compile(
    r"(?:is(?! (?:there|it|this|that)\b)|has|was|just|needs|should|gets|always|never|really"
    r"|got|had|isn't|doesn't|didn't|won't|wins|rocks|sucks|killed|nailed)\b"
)
_CODE = re.compile(r"\b[A-Z]{2,4}\b")
_CAPS_OK = frozenset(
    [
        "I",
        "A",
        "OK",
        "LOL",
        "OMG",
        "WTF",
        "ALL",
        "THE",
        "AND",
        "YOU",
        "FOR",
        "NOT",
        "BUT",
        "ANY",
        "CAN",
        "WHY",
        "HOW",
        "WHO",
        "NEW",
        "DM",
        "DMS",
        "IT",
        "IS",
        "SO",
        "NO",
        "MY",
        "ME",
        "ON",
        "IN",
        "AT",
        "BE",
        "DO",
        "GO",
        "UP",
        "US",
        "WE",
        "OH",
        "HI",
        "TO",
        "OF",
        "OR",
        "PM",
        "AM",
        "THIS",
        "THAT",
        "WITH",
        "WILL",
        "HAVE",
        "JUST",
        "YES",
        "ASAP",
        "FYI",
        "IMO",
        "SMH",
        "TBH",
        "RN",
        "BTW",
        "FOMO",
        "ICYMI",
        "WOW",
        "LMAO",
    ]
)
_ENGLISH = frozenset(
    [
        "the",
        "a",
        "an",
        "to",
        "and",
        "of",
        "for",
        "is",
        "it",
        "i",
        "you",
        "my",
        "me",
        "on",
        "in",
        "at",
        "this",
        "that",
        "with",
        "be",
        "have",
        "not",
        "was",
        "are",
        "your",
        "just",
        "so",
        "but",
        "can",
        "do",
        "what",
        "why",
        "how",
        "no",
        "thanks",
        "thank",
        "please",
        "get",
        "we",
        "they",
    ]
)
_FOREIGN = frozenset(
    [
        "de",
        "la",
        "el",
        "que",
        "los",
        "las",
        "por",
        "para",
        "muy",
        "una",
        "con",
        "del",
        "es",
        "gracias",
        "non",
        "ci",
        "per",
        "che",
        "est",
        "avec",
        "porque",
    ]
)


def decode_r_escapes(text: str) -> str:
    """``text`` with R's ``<U+XXXX>`` and ``<xx>`` byte escapes decoded to characters."""
    return _R_RUN.sub(lambda m: _decode_run(m.group(0)), text)


def _decode_run(run: str) -> str:
    out: list[str] = []
    buf = bytearray()
    in_bytes = False
    for byte, code in _R_TOKEN.findall(run):
        if byte:
            buf.append(int(byte, 16))
            in_bytes = True
            continue
        v = int(code, 16)
        if in_bytes and 0x80 <= v <= 0xBF:
            buf.append(v)
            continue
        if buf:
            out.append(buf.decode("utf-8", "surrogatepass"))
            buf = bytearray()
        in_bytes = False
        out.append(chr(v))
    if buf:
        out.append(buf.decode("utf-8", "surrogatepass"))
    try:
        return "".join(out).encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeError:
        return ""


@dataclass
class BrandTexts:
    """Real brand mentions by class, the brand behind ``{H}`` (handle) and ``{B}`` (name),
    its places behind ``{P}``."""

    texts: dict[str, list[str]]
    source: str
    air: dict[str, list[str]] | None = None  # the mentions that talk about flying

    def sizes(self) -> dict[str, int]:
        """How many texts each class holds."""
        return {c: len(t) for c, t in self.texts.items()}


def load_brand_texts(data_dir: str | Path) -> BrandTexts:
    """The brand mentions under ``data_dir`` (empty when the file is absent); cached."""
    return _load(str(Path(data_dir).resolve()))


@functools.lru_cache(maxsize=4)
def _load(root: str) -> BrandTexts:
    path = Path(root) / JETBLUE
    texts: dict[str, list[str]] = {c: [] for c in BRAND_CLASSES}
    air: dict[str, list[str]] = {c: [] for c in BRAND_CLASSES}
    if not path.is_file():
        return BrandTexts(texts=texts, source="", air=air)
    try:
        module = importlib.import_module("vaderSentiment.vaderSentiment")
    except ImportError:
        raise MissingExtraError("vaderSentiment", "simulate") from None
    vader = module.SentimentIntensityAnalyzer()
    seen: set[str] = set()
    for raw in _read_texts(path):
        prepared = _prepare(raw)
        if prepared is None or prepared[0] in seen:
            continue
        body, flying = prepared
        seen.add(body)
        plain = body.replace("{H}", "").replace("{B}", "").replace("{P}", "")
        pol = vader.polarity_scores(plain)
        score, neg = pol["compound"], pol["neg"]
        if score <= -0.3 or neg >= 0.2:
            cls = "negative"
        elif neg > 0:
            continue  # mixed: neither a plain complaint nor a calm mention
        elif score >= 0.4:
            cls = "positive"
        elif "?" in plain:
            cls = "questions"
        else:
            cls = "neutral"
        (air if flying else texts)[cls].append(body)
    return BrandTexts(texts=texts, source=str(path), air=air)


def _read_texts(path: Path) -> list[str]:
    lines = []
    for line in path.read_bytes().split(b"\n"):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:  # a few lines are Windows-1252 (an ellipsis as 0x85)
            lines.append(line.decode("cp1252", errors="replace"))
    return [row.get("text") or "" for row in csv.DictReader("\n".join(lines).splitlines(True))]


def _prepare(raw: str) -> tuple[str, bool] | None:
    """A mention with the brand behind markers and whether it talks about flying, or None
    when it is not usable."""
    if raw.startswith("RT ") or "\ufffd" in raw:
        return None
    t = decode_r_escapes(raw)
    t = t.replace("&amp;", "&").replace("&gt;", ">").replace("&lt;", "<")
    t = _SPACE.sub(" ", _URL.sub("", t)).strip().rstrip(":-– ").strip()
    if t.endswith("…") and len(t) < 60:
        return None
    lead = _LEAD.match(t)
    addressed = False
    if lead:
        addressed = bool(_BRAND_HANDLE.search(lead.group(0)))
        t = t[lead.end() :]
    if _HANDLE.search(_BRAND_HANDLE.sub("", t)) or "#" in _BRAND_NAME.sub("", t):
        return None  # other accounts and hashtags: about something else
    if re.search(r"\d{3,}", t):
        return None  # flight numbers, prices, times: too specific to retarget
    words = re.findall(r"[a-z']+", t.lower())
    if sum(w in _ENGLISH for w in words) < 2 or any(w in _FOREIGN for w in words):
        return None
    t = _BRAND_HANDLE.sub("{H}", t)
    t = _BRAND_NAME.sub(lambda m: "{B}'s" if m.group(0).endswith("'s") else "{B}", t)
    t = _PLACES.sub("{P}", t)
    if re.search(r"jet ?blue", t, re.IGNORECASE):
        return None  # the name inside a word ("jetbluesucks")
    if addressed and _SUBJECT.match(t):
        t = "{B} " + t  # "@JetBlue is the best": the brand is the subject, not the addressee
    elif addressed:
        t = "{H} " + t
    if "{H}" not in t and "{B}" not in t:
        return None
    if not 15 <= len(t) <= 230:
        return None
    codes = {c for c in _CODE.findall(t) if c not in _CAPS_OK}
    return t, bool(codes or _AIR.search(t.replace("{B}", "")))


class Retarget:
    """The brand mentions of :class:`BrandTexts`, written for one scenario's brand.

    A mention addressed to the brand loses its leading handle here: the writer weaves
    the handle back in at a varied place (``Hey @acme, ...``, ``... cc @acme``).
    """

    def __init__(self, texts: BrandTexts, voice: Voice, *, handle: str, seed: int = 0) -> None:
        r = random.Random(seed)
        name = voice.brand or handle.lstrip("@")
        places = voice.places or ("town",)
        swaps = [(re.compile(rf"\b{re.escape(k)}\b", re.IGNORECASE), v) for k, v in voice.retarget]
        self.texts: dict[str, list[str]] = {}
        for cls, kept in texts.texts.items():
            items = kept + ((texts.air or {}).get(cls, []) if voice.airline else [])
            out = []
            for t in items:
                for pat, repl in swaps:
                    t = pat.sub(repl, t)
                if t.startswith("{H} ") and "{H}" not in t[4:]:
                    t = t[4:]
                t = possessive(t.replace("{H}", handle).replace("{B}", name))
                t = t.replace("{P}", places[r.randrange(len(places))])
                out.append(t)
            self.texts[cls] = out
