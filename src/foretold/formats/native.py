"""foretold's own normalised post shape, as ``foretold export --format jsonl`` writes it.

>>> obj = {"platform": "x", "id": "1", "text": "hi", "created_at": "2013-11-13T21:04:00.000Z",
...        "author": {"id": "7", "handle": "ann", "followers": 10}}
>>> [post] = parse(obj, b"")
>>> post.author.followers
10
"""

from __future__ import annotations

from typing import Any

from foretold.errors import FormatError
from foretold.post import Deletion, Post

NAME = "foretold"


def matches(obj: dict[str, Any]) -> bool:
    """Our shape names its platform and embeds an author with a ``handle``."""
    author = obj.get("author")
    return "platform" in obj and isinstance(author, dict) and "handle" in author


def parse(obj: dict[str, Any], raw: bytes) -> list[Post | Deletion]:
    """One post; the exported object is its own raw record."""
    try:
        return [Post.from_dict(obj, raw=raw)]
    except KeyError as e:
        raise FormatError(f"foretold: missing field {e.args[0]!r}") from None
    except (TypeError, ValueError, AttributeError) as e:
        raise FormatError(f"foretold: {e}") from None
