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

from foretold.media.locate import picture, servable

__all__ = ["add_thumbs", "picture", "picture_thumbs", "thumb_url"]


def thumb_url(platform: str, post_id: str, index: int) -> str:
    """The dashboard's own address of a post's picture."""
    return "/media?" + urlencode({"platform": platform, "id": post_id, "index": index})


def add_thumbs(posts: list[dict[str, Any]], roots: Sequence[Path]) -> list[dict[str, Any]]:
    """Replace each media item's ``cache_path`` (never sent to the page) with ``thumb``:
    the dashboard's address of the picture when it can be served, else None."""
    for p in posts:
        for m in p.get("media") or ():
            path = m.pop("cache_path", None)
            ok = isinstance(path, str) and servable(path, roots)
            m["thumb"] = thumb_url(p["platform"], p["id"], int(m["index"])) if ok else None
    return posts


def picture_thumbs(groups: list[dict[str, Any]], roots: Sequence[Path]) -> list[dict[str, Any]]:
    """:meth:`Store.repeated_images` groups for the page: ``cache_path`` replaced with
    ``thumb``, the address of the group's example picture when its copy can be served."""
    for g in groups:
        path = g.pop("cache_path", None)
        ex = g["example"]
        ok = isinstance(path, str) and servable(path, roots)
        g["thumb"] = thumb_url(ex["platform"], ex["id"], int(ex["index"])) if ok else None
    return groups
