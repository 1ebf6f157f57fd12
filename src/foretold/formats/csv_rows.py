"""CSV files with a column mapping, for spreadsheets and research datasets.

A mapping names, for each Post field, the CSV column that holds it. The default
mapping reads the columns ``foretold export --format csv`` writes; presets cover
known research datasets (``pheme``: the PHEME rumour threads; ``twitter_r``: R's
twitteR ``twListToDF`` written by ``write.csv``, as the JetBlue month), and any column
can be remapped with ``--csv-map field=column`` on the command line. Given no mapping
(``--csv-preset auto``, the default), the header picks it: foretold's own columns, or
the preset whose id, text and time columns the header holds (:func:`guess_preset`). A cell ``NA``
(R's missing value) is empty in every field but the text and the names. In a file
written by R's ``write.csv`` (its header opens with the row names' empty column), the
escapes R wrote for characters its locale could not (``<U+2708>``, and emoji as runs of
bytes such as ``<ed><U+00A0><U+00BD><ed><U+00B8><U+009C>``) are turned back into those
characters in the text and the names (:func:`r_unescape`). Files are
UTF-8 unless ``--encoding`` says otherwise (Excel and R on Windows write ``cp1252``).

Fields: ``id``, ``text`` and ``created_at`` (ISO-8601, or epoch seconds /
milliseconds when numeric) are required; ``platform`` (default ``csv`` unless the
file has a platform column or ``--platform`` is given), ``author_id``,
``author_handle``, ``author_name``, ``followers``, ``following``, ``author_posts``,
``verified``, ``reposts``, ``replies``, ``likes``, ``quotes``, ``kind``,
``reply_to_id``, ``quote_of_id``, ``repost_of_id``, ``hashtags``, ``mentions``,
``urls`` (space-separated), ``lang``, ``conversation_id``, ``media`` (a JSON list of
``{type, url, alt_text, key}``, as the export writes it), ``reply_to_handle`` (the
handle a reply answers, when the id is not given or its author is wanted).

>>> rows = ["id,text,created_at,followers", "1,Hello #AskJPM,2013-11-13T21:04:00Z,12"]
>>> [(n, p.id, p.hashtags, p.author.followers) for n, p, _ in read_rows(rows, DEFAULT_MAP)]
[(2, '1', ('askjpm',), 12)]
>>> r = ['"","text","favoriteCount","replyToSN","created","replyToSID","id","screenName"',
...      '"1","@JetBlue late again",0,"JetBlue",2016-10-03 14:05:11,NA,"7831","ann"']
>>> [(p.kind, p.reply_to, p.author.handle, p.created_at.isoformat())
...  for _, p, _ in read_rows(r, PRESETS["twitter_r"])]
[('reply', Ref(id='', author_id='', author_handle='JetBlue'), 'ann', '2016-10-03T14:05:11+00:00')]

**Formulas.** A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return (CSV injection). :func:`neutralise` puts a ``'`` before
such a cell (the OWASP rule), except a reply that starts with a plain handle
(``@jpmorgan why ...``) and holds no ``(`` and no ``|``: without a function call or
a DDE link no formula can run or reach the network. Of the 10,893 simulated
#AskJPM texts that start with ``@``, 10,078 read as they were written (815 hold a
``(`` or ``|`` and get the ``'``). A cell that already starts with ``'``
before one of those is prefixed once more, so :func:`unneutralise` (applied by
:func:`read_rows` unless ``raw``) gives back exactly what was written:

>>> [neutralise(v) for v in ["=1+1", "@jpmorgan why?", "@SUM(1)|x", "'=x", "fine"]]
["'=1+1", '@jpmorgan why?', "'@SUM(1)|x", "''=x", 'fine']
>>> all(unneutralise(neutralise(v)) == v for v in ["=1+1", "'=x", "''-2", "'", "@a b"])
True
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import IO, Any

import orjson

from foretold.errors import ConfigError, FormatError
from foretold.formats.fields import domains_of, in_int64, iso_time, tags
from foretold.post import KINDS, Author, Counts, Media, Post, Ref, media_from_json

FIELDS = (
    "platform", "id", "text", "created_at", "author_id", "author_handle", "author_name",
    "followers", "following", "author_posts", "verified", "reposts", "replies", "likes",
    "quotes", "kind", "reply_to_id", "quote_of_id", "repost_of_id", "hashtags", "mentions",
    "urls", "lang", "conversation_id", "media", "reply_to_handle",
)  # fmt: skip

DEFAULT_MAP: dict[str, str] = {f: f for f in FIELDS}

PRESETS: dict[str, dict[str, str]] = {
    "foretold": DEFAULT_MAP,
    # PHEME rumour threads (steve-kasica/pheme-rnr-knowledge-discovery)
    "pheme": {
        "id": "tweet_id",
        "text": "text",
        "created_at": "created",
        "author_id": "user_id",
        "author_handle": "user.handle",
        "author_name": "user.name",
        "author_posts": "user.tweets_count",
        "followers": "user.followers_count",
        "following": "user.friends_count",
        "verified": "user.verified",
        "reposts": "retweet_count",
        "likes": "favorite_count",
        "reply_to_id": "in_reply_tweet",
        "conversation_id": "thread",
    },
    # R's twitteR package (twListToDF, write.csv): the JetBlue month in ../shared/data
    "twitter_r": {
        "id": "id",
        "text": "text",
        "created_at": "created",
        "author_handle": "screenName",
        "reposts": "retweetCount",
        "likes": "favoriteCount",
        "reply_to_id": "replyToSID",
        "reply_to_handle": "replyToSN",
    },
}
#: What each preset is, in words (for the note that says which one a header picked).
PRESET_NAMES = {
    "foretold": "foretold's export",
    "pheme": "the PHEME rumour threads",
    "twitter_r": "R's twitteR export",
}
#: The fields every CSV must map to a column of its header: a post needs these.
REQUIRED = ("id", "text", "created_at")
#: Fields where a cell ``NA`` is R's missing value (write.csv writes it), not a value;
#: the text and the names keep it as written.
NA_FIELDS = frozenset(FIELDS) - {"text", "author_handle", "author_name"}

_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")
_MENTION = re.compile(r"(?<![\w@])@(\w{1,30})")
_URL = re.compile(r"https?://\S+")
_FLOAT_ID = re.compile(r"\d+(?:\.\d+)?e\+\d+$")  # a spreadsheet's 5.803199836763136e+17
_TRUE = {"1", "true", "yes", "y", "t"}


# R's escapes: a run of raw bytes (``<ed>``, with the Latin-1 ones it could write as
# ``<U+00A0>`` among them), or a run of code points (``<U+2708><U+FE0F>``)
_R_RUN = re.compile(r"(?:<[0-9a-f]{2}>(?:<U\+00[0-9A-F]{2}>)*)+|(?:<U\+[0-9A-F]{4,6}>)+")
_R_TOKEN = re.compile(r"<([0-9a-f]{2})>|<U\+([0-9A-F]{4,6})>")


def r_unescape(text: str) -> str:
    """``text`` with R's escapes of characters its locale could not write turned back
    into the characters; a run that does not decode is left as written.

    >>> r_unescape("Leaving <U+2708><U+FE0F> again <ed><U+00A0><U+00BD><ed><U+00B8><U+009C>!")
    'Leaving ✈️ again 😜!'
    >>> r_unescape("caf<U+00E9> <ff> <U+12>")
    'café <ff> <U+12>'
    """
    return _R_RUN.sub(_r_run, text) if "<" in text else text


def _r_run(m: re.Match[str]) -> str:
    tokens = _R_TOKEN.findall(m.group(0))
    try:
        if tokens[0][0]:  # raw bytes: UTF-8, emoji as two UTF-16 halves (CESU-8)
            run = bytes(int(b or u, 16) for b, u in tokens).decode("utf-8", "surrogatepass")
        else:
            run = "".join(chr(int(u, 16)) for _, u in tokens)
        return run.encode("utf-16", "surrogatepass").decode("utf-16")  # the halves joined
    except (ValueError, UnicodeError):
        return m.group(0)


def written_by_r(header: Sequence[str]) -> bool:
    """Whether R's ``write.csv`` wrote the file: its header opens with the row names' empty
    column (its text may hold R's escapes, :func:`r_unescape`)."""
    return bool(header) and header[0] == ""


NOT_UTF8 = "row is not UTF-8 text (Excel and R on Windows write cp1252: try --encoding cp1252)"


def row_problem(row: dict[Any, Any]) -> str | None:
    """Why a row of :class:`csv.DictReader` cannot be read, whatever its columns mean
    (more cells than the header; bytes the encoding could not read, kept as lone
    surrogates by :func:`text_lines`); None when it can."""
    if None in row:
        return "row has more cells than the header"
    try:
        "".join(v for v in row.values() if isinstance(v, str)).encode("utf-8")
    except UnicodeEncodeError:
        return NOT_UTF8
    return None


def guess_preset(header: Sequence[str]) -> str | None:
    """The preset whose id, text and time columns ``header`` holds; of several, the one
    with most of its columns there (foretold's own first on a tie); None when none fits.

    >>> guess_preset(["", "text", "favorited", "created", "id", "screenName", "retweetCount"])
    'twitter_r'
    >>> guess_preset(["id", "text", "created_at", "followers"])
    'foretold'
    >>> guess_preset(["tweet", "date"]) is None
    True
    """
    columns = set(header)
    best, most = None, 0
    for name, mapping in PRESETS.items():
        if all(mapping.get(f) in columns for f in REQUIRED):
            held = sum(1 for column in mapping.values() if column in columns)
            if held > most:
                best, most = name, held
    return best


def column_map(preset: str = "foretold", overrides: Iterable[str] = ()) -> dict[str, str]:
    """A mapping from a preset name and ``field=column`` overrides."""
    if preset not in PRESETS:
        raise ConfigError(f"unknown CSV preset {preset!r}; expected one of: {', '.join(PRESETS)}")
    mapping = dict(PRESETS[preset])
    for item in overrides:
        field, sep, column = item.partition("=")
        if not sep or field not in FIELDS:
            raise ConfigError(
                f"--csv-map {item!r}: expected FIELD=COLUMN with FIELD one of: {', '.join(FIELDS)}"
            )
        mapping[field] = column
    return mapping


_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_HANDLE = re.compile(r"@[A-Za-z0-9_][A-Za-z0-9_.@-]*(?:\s|$)")


def _needs_prefix(value: str) -> bool:
    if not value:
        return False
    first = value[0]
    if first == "'":
        return _needs_prefix(value.lstrip("'"))
    if first not in _TRIGGERS:
        return False
    # a plain reply to a handle is left alone: no function call, no DDE link
    return not (first == "@" and _HANDLE.match(value) and "(" not in value and "|" not in value)


def neutralise(value: str) -> str:
    """``value`` safe to open in a spreadsheet (see the module's notes on formulas)."""
    return "'" + value if _needs_prefix(value) else value


def unneutralise(value: str) -> str:
    """What :func:`neutralise` was given: the one ``'`` it added taken off again."""
    if value[:1] == "'" and _needs_prefix(value[1:]):
        return value[1:]
    return value


_CR = "\ue000"  # escape character: _CR + "r" is a bare carriage return, _CR + _CR is _CR
_UNESCAPE = re.compile("\ue000(.)", re.DOTALL)


def _unescape(value: str) -> str:
    return _UNESCAPE.sub(lambda m: "\r" if m.group(1) == "r" else m.group(1), value)


def text_lines(stream: IO[bytes], encoding: str = "utf-8") -> Iterator[str]:
    """Lines of a CSV file split on ``\\n`` only, decoded from ``encoding`` (UTF-8 unless
    told: a byte another encoding does not define becomes U+FFFD).

    Python's csv module ends a record at a bare ``\\r`` too, which splits tweets
    that contain one (PHEME has several); pandas users read such files with
    ``lineterminator='\\n'``. Here a bare ``\\r`` is swapped for a private-use
    escape (a private-use character, itself escaped where a post holds it) and
    :func:`read_rows` puts it back. Undecodable bytes survive as
    lone surrogates and the row is refused with a reason.
    """
    utf8 = codecs.lookup(encoding).name == "utf-8"
    for raw in stream:
        line = raw.decode("utf-8", "surrogateescape") if utf8 else raw.decode(encoding, "replace")
        if "\r" in line[:-2] or _CR in line:
            body, end = (line[:-2], "\r\n") if line.endswith("\r\n") else (line[:-1], line[-1:])
            line = body.replace(_CR, _CR + _CR).replace("\r", _CR + "r") + end
        yield line


def read_rows(
    lines: Iterable[str],
    mapping: dict[str, str] | None,
    platform: str = "csv",
    raw: bool = False,
    chose: Callable[[str], None] | None = None,
) -> Iterator[tuple[int, Post | FormatError, dict[str, Any]]]:
    """``(line number, Post or the FormatError for that row, the row)`` for each data row.

    ``mapping`` None: the header picks the preset (:func:`guess_preset`), and ``chose``
    is told its name when it is not foretold's own. A header without the mapping's id,
    text or time column is refused at once (every row would be). Cells are taken back
    from :func:`neutralise` (a ``'`` before a formula-looking start is dropped) unless
    ``raw``: for files written by ``foretold export --csv-raw``."""
    reader = csv.DictReader(iter(lines))
    header = list(reader.fieldnames or [])
    first = (header or [""])[0].lstrip()
    if first.startswith(("{", "[")):
        raise ConfigError(
            "the input does not look like CSV: its first line is JSON; drop --format csv "
            "(JSON lines are read in any supported shape, detected per line)"
        )
    guess = guess_preset(header)
    if mapping is None:
        if guess is None:
            raise ConfigError(
                f"CSV header {header!r} has no id, text and time columns foretold knows "
                f"(presets: {', '.join(PRESETS)}); map them with "
                "--csv-map id=COLUMN --csv-map text=COLUMN --csv-map created_at=COLUMN"
            )
        mapping = PRESETS[guess]
        if guess != "foretold" and chose is not None:
            chose(guess)
    missing = [mapping.get(f) or f for f in REQUIRED if mapping.get(f) not in header]
    if missing:
        hint = f" (its columns fit --csv-preset {guess})" if guess else ""
        raise ConfigError(
            f"CSV header {header!r} lacks the column(s) {missing}{hint}; map them with "
            "--csv-map id=COLUMN --csv-map text=COLUMN --csv-map created_at=COLUMN or "
            "--csv-preset"
        )
    by_r = written_by_r(header)
    for row in reader:
        if any(_CR in v for v in row.values() if isinstance(v, str)):
            row = {k: _unescape(v) if isinstance(v, str) else v for k, v in row.items()}
        if not raw and any(v[:1] == "'" for v in row.values() if isinstance(v, str)):
            row = {k: unneutralise(v) if isinstance(v, str) else v for k, v in row.items()}
        try:
            yield reader.line_num, _post(row, mapping, platform, by_r), row
        except FormatError as e:
            yield reader.line_num, e, row


def _post(row: dict[str, Any], m: dict[str, str], platform: str, by_r: bool = False) -> Post:
    def get(field: str) -> str:
        column = m.get(field)
        value = row.get(column) if column else None
        if not isinstance(value, str):
            return ""
        value = value.strip()
        return "" if value == "NA" and field in NA_FIELDS else value

    problem = row_problem(row)
    if problem is not None:
        raise FormatError(problem)
    pid = _id_text(get("id"))
    if not pid:
        raise FormatError(f"{m['id']}: missing id")
    text = row.get(m["text"])
    if not isinstance(text, str):
        raise FormatError(f"{m['text']}: missing text")
    if by_r:
        text = r_unescape(text)
    given_kind = get("kind")
    kind: str = given_kind or "original"
    if kind not in KINDS:
        raise FormatError(f"{m.get('kind')}: kind must be one of {KINDS}, got {kind!r}")
    urls = tuple(get("urls").split()) if m.get("urls") in row else tuple(_URL.findall(text))
    hashtags = get("hashtags").split() if m.get("hashtags") in row else _HASHTAG.findall(text)
    mentions = get("mentions").split() if m.get("mentions") in row else _MENTION.findall(text)
    reply_to, quote_of, repost_of = (
        Ref(id=_id_text(get(f))) if get(f) else None
        for f in ("reply_to_id", "quote_of_id", "repost_of_id")
    )
    if to_handle := get("reply_to_handle").lstrip("@"):  # a reply whose author is known
        reply_to = Ref(id=reply_to.id if reply_to else "", author_handle=to_handle)
    if not given_kind:  # no kind column: infer it from the references, or an old-style
        # "RT @" (a manual retweet, as CSV exports of 2009-2016 tweets keep them)
        manual_rt = "repost" if text.startswith("RT @") else kind
        kind = (
            "repost" if repost_of else "reply" if reply_to else "quote" if quote_of else manual_rt
        )
    author_id = get("author_id") or get("author_handle")
    return Post(
        platform=get("platform") or platform,
        id=pid,
        text=text,
        created_at=_time(get("created_at"), m.get("created_at", "created_at")),
        author=Author(
            id=author_id,
            handle=get("author_handle"),
            name=r_unescape(get("author_name")) if by_r else get("author_name"),
            followers=_int(get("followers"), m.get("followers")),
            following=_int(get("following"), m.get("following")),
            posts=_int(get("author_posts"), m.get("author_posts")),
            verified=get("verified").lower() in _TRUE,
        ),
        counts=Counts(
            reposts=_int(get("reposts"), m.get("reposts")) or 0,
            replies=_int(get("replies"), m.get("replies")) or 0,
            likes=_int(get("likes"), m.get("likes")) or 0,
            quotes=_int(get("quotes"), m.get("quotes")) or 0,
        ),
        kind=kind,
        reply_to=reply_to,
        quote_of=quote_of,
        repost_of=repost_of,
        hashtags=tags(hashtags),
        mentions=tags(mentions),
        urls=urls,
        domains=domains_of(urls),
        lang=get("lang") or None,
        conversation_id=get("conversation_id") or None,
        raw=orjson.dumps(row),
        media=_media(get("media"), m.get("media", "media")),
    )


def _media(value: str, column: str) -> tuple[Media, ...]:
    try:
        return media_from_json(value)
    except (ValueError, TypeError, KeyError):
        raise FormatError(f"{column}: expected a JSON list of media, got {value[:30]!r}") from None


def _id_text(value: str) -> str:
    """Ids as digits; a spreadsheet's ``5.803e+17`` float becomes digits (rounded, as stored)."""
    if _FLOAT_ID.match(value):
        return str(int(float(value)))
    return value


def _int(value: str, column: str | None) -> int | None:
    if not value:
        return None
    try:
        number = int(float(value)) if "." in value else int(value)
    except (ValueError, OverflowError):
        raise FormatError(f"{column}: expected a number, got {value[:30]!r}") from None
    return in_int64(number, column or "number")


def _time(value: str, column: str) -> datetime:
    if not value:
        raise FormatError(f"{column}: missing time")
    if value.lstrip("-").replace(".", "", 1).isdigit():
        seconds = float(value)
        if seconds > 1e11:  # epoch milliseconds (PHEME's `created`)
            seconds /= 1000
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise FormatError(f"{column}: epoch time out of range: {value[:30]!r}") from None
    return iso_time(value, column)
