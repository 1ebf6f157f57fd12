"""Thumbnails on the dashboard: pictures served from the local media folders only.

A post's picture is shown only when the image-reading step read it from a local file
(``image_readings.cache_path``) that lies inside one of the folders the dashboard was
given (``serve --media-dir``, and the watch's cache ``NAME.media`` beside the store).
The page asks ``/media?platform=..&id=..&index=..``; the server looks the file up in
the store (never a path from the request), checks the folder, and answers only a
JPEG, PNG, GIF or WebP picture, by its first bytes, under the page's strict CSP:
nothing is ever loaded from the platforms' servers.

>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> _ = (root / "a.png").write_bytes(b"\\x89PNG\\r\\n\\x1a\\n....")
>>> picture(str(root / "a.png"), (root,))[1]
'image/png'
>>> picture(str(root / ".." / "a.png"), (root,)) is None
True
>>> thumb_url("bluesky", "at://did:plc:x/app.bsky.feed.post/1", 0)
'/media?platform=bluesky&id=at%3A%2F%2Fdid%3Aplc%3Ax%2Fapp.bsky.feed.post%2F1&index=0'
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

#: the largest picture served (a thumbnail is drawn small; bigger files are refused)
MAX_BYTES = 16 << 20
_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def sniff(head: bytes) -> str | None:
    """The picture type of a file by its first bytes (JPEG, PNG, GIF, WebP), or None."""
    for magic, ctype in _MAGIC:
        if head.startswith(magic):
            return ctype
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def within(path: str, roots: Sequence[Path]) -> Path | None:
    """``path`` resolved, when it is a file inside one of ``roots``; else None."""
    if not path or not roots:
        return None
    try:
        resolved = Path(path).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    for root in roots:
        if resolved.is_relative_to(root.resolve()) and resolved.is_file():
            return resolved
    return None


def picture(path: str, roots: Sequence[Path]) -> tuple[bytes, str] | None:
    """The bytes and type of a local picture the dashboard may serve, or None."""
    found = within(path, roots)
    if found is None:
        return None
    try:
        if found.stat().st_size > MAX_BYTES:
            return None
        data = found.read_bytes()
    except OSError:
        return None
    ctype = sniff(data[:16])
    return None if ctype is None else (data, ctype)


def thumb_url(platform: str, post_id: str, index: int) -> str:
    """The dashboard's own address of a post's picture."""
    return "/media?" + urlencode({"platform": platform, "id": post_id, "index": index})


def servable(path: str, roots: Sequence[Path]) -> bool:
    """Whether :func:`picture` would serve ``path`` (the folder, the size, the first bytes)."""
    found = within(path, roots)
    try:
        if found is None or found.stat().st_size > MAX_BYTES:
            return False
        with found.open("rb") as f:
            return sniff(f.read(16)) is not None
    except OSError:
        return False


def add_thumbs(posts: list[dict[str, Any]], roots: Sequence[Path]) -> list[dict[str, Any]]:
    """Replace each media item's ``cache_path`` (never sent to the page) with ``thumb``:
    the dashboard's address of the picture when it can be served, else None."""
    for p in posts:
        for m in p.get("media") or ():
            path = m.pop("cache_path", None)
            ok = isinstance(path, str) and servable(path, roots)
            m["thumb"] = thumb_url(p["platform"], p["id"], int(m["index"])) if ok else None
    return posts
