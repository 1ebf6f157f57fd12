"""What an alert says of its picture posts: the text read in them, quoted safely.

An alert names its evidence posts by id. When some of them are pictures, the alert
also carries what their pictures say (``evidence.images``: post id to the text read),
and when most of the hostile posts behind it are pictures, its summary names the meme
that is repeated most: ``most hostile posts are pictures, a meme reading 'SHAME ON
YOU'``. The text read in a picture is untrusted: it is quoted on one line, without
control characters, at most :data:`QUOTE_CHARS` long.

>>> from foretold.signals import Note
>>> notes = [Note("hostile", "1", "amy", 900, image_text="NYPD BRUTALITY\\nSHAME ON YOU"),
...          Note("hostile", "2", "bob", 40, image_text="NYPD BRUTALITY SHAME ON YOU"),
...          Note("hostile", "3", "cy", 10)]
>>> images, words = picture_evidence(notes, ["1", "3"])
>>> images
{'1': 'NYPD BRUTALITY SHAME ON YOU'}
>>> words
"most hostile posts are pictures, a meme reading 'NYPD BRUTALITY SHAME ON YOU'"
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from foretold.signals import Note

__all__ = ["QUOTE_CHARS", "picture_evidence", "quote"]

#: the longest image text an alert quotes (a meme's two lines fit)
QUOTE_CHARS = 80


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """``text`` on one line: control characters and runs of spaces made one space, at
    most ``limit`` characters (cut at a word, with an ellipsis).

    >>> quote("SHOW US\\tYOUR\\x1b[31m WORST\\n\\nSERVICE")
    'SHOW US YOUR [31m WORST SERVICE'
    >>> quote("one two three four", 12)
    'one two...'
    """
    flat = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 3]
    word = cut.rsplit(" ", 1)[0]
    if len(word) >= 2 * len(cut) // 3:  # at a word, unless that drops too much
        cut = word
    return cut + "..."


def picture_evidence(
    notes: Sequence[Note], posts: Sequence[str]
) -> tuple[dict[str, str], str | None]:
    """For an alert built from ``notes`` naming ``posts``: the image text of each of
    those posts that is a picture read, and the summary's words when at least half of
    the hostile notes are pictures with text (the most repeated text, the first seen on
    a tie), else None."""
    read: dict[str, str] = {}
    for n in notes:
        said = getattr(n, "image_text", "")  # notes pickled before pictures have none
        if said and n.post_id not in read:
            read[n.post_id] = quote(said)
    images = {p: read[p] for p in posts if p in read}
    hostile = [n for n in notes if n.kind == "hostile"]
    pictured = [read[n.post_id] for n in hostile if n.post_id in read]
    if not pictured or 2 * len(pictured) < len(hostile):
        return images, None
    counts = Counter(pictured)
    top = max(counts, key=lambda t: (counts[t], -pictured.index(t)))
    return images, f"most hostile posts are pictures, a meme reading '{top}'"
