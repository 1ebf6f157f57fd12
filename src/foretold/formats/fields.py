"""Small field parsers shared by the readers: times, counts, URLs, entities.

>>> domain_of("https://www.Reuters.com/article/x?y=1")
'reuters.com'
>>> parse_x_v1_time("Wed Nov 13 21:04:00 +0000 2013").isoformat()
'2013-11-13T21:04:00+00:00'
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from foretold.errors import FormatError
from foretold.post import INT64

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    )
}


@lru_cache(maxsize=65536)
def domain_of(url: str) -> str:
    """Host name of a URL, lower-cased, without ``www.``; empty when there is none.

    Cached: in a storm the same few links are posted thousands of times."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def domains_of(urls: tuple[str, ...]) -> tuple[str, ...]:
    """Distinct domains of ``urls`` in first-seen order."""
    seen: dict[str, None] = {}
    for url in urls:
        d = domain_of(url)
        if d:
            seen[d] = None
    return tuple(seen)


def iso_time(value: Any, field: str) -> datetime:
    """An ISO-8601 time field (``2013-11-13T21:04:00.000Z``) as aware UTC."""
    try:
        t = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        if not isinstance(value, str):
            raise FormatError(
                f"{field}: expected ISO-8601 text, got {type(value).__name__}"
            ) from None
        raise FormatError(f"{field}: not an ISO-8601 time: {value[:40]!r}") from None
    return as_utc(t)


def as_utc(t: datetime) -> datetime:
    """``t`` as aware UTC; a naive time is read as UTC."""
    tz = t.tzinfo
    if tz is UTC:
        return t
    if tz is None:
        return t.replace(tzinfo=UTC)
    return t.astimezone(UTC)


def parse_x_v1_time(value: Any, field: str = "created_at") -> datetime:
    """The X API v1.1 time format, ``Wed Nov 13 21:04:00 +0000 2013``."""
    if not isinstance(value, str):
        raise FormatError(f"{field}: expected text, got {type(value).__name__}")
    parts = value.split()
    try:
        _, mon, day, hms, offset, year = parts
        h, m, s = hms.split(":")
        t = datetime(int(year), _MONTHS[mon], int(day), int(h), int(m), int(s), tzinfo=UTC)
        if offset != "+0000":
            sign = -1 if offset[0] == "-" else 1
            t -= sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5]))
        return t
    except (ValueError, KeyError, IndexError):
        raise FormatError(f"{field}: not an X v1.1 time: {value[:40]!r}") from None


def text_field(obj: dict[str, Any], key: str, where: str) -> str:
    """A required text field; FormatError names it when missing or not text."""
    value = obj.get(key)
    if isinstance(value, str):
        return value
    if value is None:
        raise FormatError(f"{where}.{key}: missing")
    raise FormatError(f"{where}.{key}: expected text, got {type(value).__name__}")


def id_field(obj: dict[str, Any], key: str, where: str) -> str:
    """A required id: text of digits/characters, or an integer (older archives)."""
    value = obj.get(key)
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if value is None or value == "":
        raise FormatError(f"{where}.{key}: missing id")
    raise FormatError(f"{where}.{key}: expected an id, got {type(value).__name__}")


def in_int64(value: int, key: str) -> int:
    """``value`` when a 64-bit integer holds it; FormatError otherwise."""
    if INT64[0] <= value <= INT64[1]:
        return value
    raise FormatError(f"{key}: {str(value)[:24]} is beyond a 64-bit integer")


def count(obj: Any, key: str) -> int:
    """A non-negative count, 0 when absent; FormatError when of the wrong type."""
    if not isinstance(obj, dict):
        return 0
    value = obj.get(key)
    if value is None:
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        return in_int64(value, key)
    raise FormatError(f"{key}: expected an integer, got {type(value).__name__}")


def opt_count(obj: Any, key: str) -> int | None:
    """Like :func:`count` but None when absent (unknown is not zero for followers)."""
    if not isinstance(obj, dict) or obj.get(key) is None:
        return None
    return count(obj, key)


def tags(values: Any) -> tuple[str, ...]:
    """Distinct hashtags or handles, lower-cased and without a leading ``#``/``@``."""
    out: dict[str, None] = {}
    for v in values:
        if isinstance(v, str) and v:
            out[v.lstrip("#@").lower()] = None
    return tuple(out)
