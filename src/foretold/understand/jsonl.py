"""``foretold classify`` as a library: JSON Lines (or plain text lines) in, labelled JSONL out.

A line that parses as a JSON object keeps all its fields and gains ``labels``; its text is
``text`` when present, else the obvious field of its platform shape (X v1.1 ``full_text`` or
``extended_tweet.full_text``, X v2 ``data.text``, Mastodon ``content`` without its HTML,
Bluesky Jetstream ``commit.record.text``). Any other line is a plain-text post and comes
back as ``{"text": line, "labels": ...}``. Empty lines are skipped. A line that opens a
JSON object nested deeper than any reader accepts is refused (``refuse`` is told its line
number and why) and the lines after it go on.

>>> text_of({"commit": {"record": {"text": "hello from bsky"}}})
'hello from bsky'
>>> text_of({"content": "<p>Hi &amp; bye<br>now</p>"})
'Hi & bye\\nnow'
>>> text_of({"truncated": True, "text": "cut…", "extended_tweet": {"full_text": "whole"}})
'whole'
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson

from foretold.errors import FormatError
from foretold.understand.classifier import Classifier

__all__ = ["classify_lines", "parse_line", "text_of"]

_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.IGNORECASE)


def _get(obj: Any, *path: str) -> str | None:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj if isinstance(obj, str) else None


def _strip_html(content: str) -> str:
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", content))).strip()


def text_of(obj: dict[str, Any]) -> str:
    """The post text of a JSON object of any supported shape; ``""`` when it has none."""
    if obj.get("truncated") is True:
        full = _get(obj, "extended_tweet", "full_text")
        if full is not None:
            return full
    for path in (("text",), ("full_text",), ("extended_tweet", "full_text"), ("data", "text")):
        found = _get(obj, *path)
        if found is not None:
            return found
    content = _get(obj, "content")
    if content is not None:
        return _strip_html(content)
    return _get(obj, "commit", "record", "text") or ""


def parse_line(line: str) -> tuple[dict[str, Any], str]:
    """The object to write back and the text to classify, for one input line; raises
    :class:`FormatError` for an object nested too deep to decode."""
    stripped = line.strip()
    if stripped.startswith("{"):
        obj: Any
        try:
            obj = orjson.loads(stripped)
        except orjson.JSONDecodeError:
            try:
                obj = json.loads(stripped)  # accepts lone surrogates, which orjson refuses
            except ValueError:
                obj = None
            except RecursionError:
                raise FormatError("not JSON: nested too deep") from None
        if isinstance(obj, dict):
            return obj, text_of(obj)
    return {"text": line}, line


def _scrub(value: Any) -> Any:
    """``value`` with lone surrogates replaced by U+FFFD, so the output is valid UTF-8."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _dump(obj: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(obj)
    except TypeError:  # lone surrogates (or a number orjson cannot write)
        try:
            return orjson.dumps(_scrub(obj))
        except TypeError:
            return json.dumps(_scrub(obj), ensure_ascii=False).encode("utf-8", "replace")


def classify_lines(
    lines: Iterable[str],
    classifier: Classifier,
    batch_size: int = 1024,
    refuse: Callable[[int, str, str], None] | None = None,
) -> Iterator[bytes]:
    """Labelled JSON lines (without newline) for the non-empty ``lines``, in order; a line
    that cannot be decoded goes to ``refuse(line number, line, reason)`` and is skipped."""
    objs: list[dict[str, Any]] = []
    texts: list[str] = []
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        try:
            obj, text = parse_line(line)
        except FormatError as e:
            if refuse is not None:
                refuse(n, line, e.reason)
            continue
        objs.append(obj)
        texts.append(text)
        if len(objs) >= batch_size:
            yield from _flush(objs, texts, classifier)
            objs, texts = [], []
    if objs:
        yield from _flush(objs, texts, classifier)


def _flush(objs: list[dict[str, Any]], texts: list[str], classifier: Classifier) -> Iterator[bytes]:
    for obj, labels in zip(objs, classifier.classify(texts), strict=True):
        obj["labels"] = labels.to_dict()
        yield _dump(obj)
