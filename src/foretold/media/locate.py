"""An archive's pictures on disk: ``replay --media-dir DIR``.

Tools that download an archive's media name each file after the platform's media key
(twarc2's and most scrapers' habit: ``3_1457...jpg``; a Bluesky blob CID; a Mastodon
attachment id) or keep the last segment of its URL (``FaBc12.jpg`` from
``https://pbs.twimg.com/media/FaBc12.jpg``). :func:`find_local` tries the key first,
with any extension, then the URL's last segment; files may sit in subfolders.

>>> import tempfile
>>> from foretold.post import Media
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "3_99.png").write_bytes(b"png")
>>> find_local(Media("photo", "https://pbs.twimg.com/media/Fa1.jpg", None, "3_99"), folder).name
'3_99.png'
>>> find_local(Media("photo", "https://pbs.twimg.com/media/Fa1.jpg", None, "3_1"), folder) is None
True
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from foretold.errors import ConfigError
from foretold.post import Media, Post

__all__ = ["FolderMedia", "MediaIndex", "find_local", "picture", "servable", "sniff", "within"]


class MediaIndex:
    """The files of a media folder, walked once: by file name, and by name without the
    extension (a media key), so each lookup is a dictionary probe."""

    def __init__(self, root: Path) -> None:
        if not root.is_dir():
            raise ConfigError(f"--media-dir {str(root)!r}: not a folder")
        self.root = root
        self.by_name: dict[str, Path] = {}
        self.by_stem: dict[str, Path] = {}
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                path = Path(folder) / name
                self.by_name.setdefault(name, path)
                self.by_stem.setdefault(name.split(".", 1)[0], path)
                self.by_stem.setdefault(name.rsplit(".", 1)[0], path)

    def find(self, media: Media) -> Path | None:
        """The file of ``media``: by key (any extension), else by the URL's last segment."""
        if media.key:
            key = _safe(media.key)
            found = self.by_name.get(key) or self.by_stem.get(key) if key else None
            if found is not None:
                return found
        name = last_segment(media.url)
        if name:
            return self.by_name.get(name) or self.by_stem.get(name.split(".", 1)[0])
        return None


def find_local(media: Media, media_dir: Path) -> Path | None:
    """The file of one picture in ``media_dir``: by key (any extension), else by the
    last path segment of its URL (exact name, or the same name with another extension).
    Walks the folder; a run uses :class:`FolderMedia`, which walks it once."""
    return MediaIndex(media_dir).find(media)


def last_segment(url: str | None) -> str:
    """The file name a URL ends with (``Fa1.jpg``), without query or X's ``:large``
    size suffix; a Bluesky CDN address ends with ``CID@jpeg``, which gives the CID.

    >>> last_segment("https://pbs.twimg.com/media/Fa1.jpg:large")
    'Fa1.jpg'
    >>> last_segment("https://cdn.bsky.app/img/feed_fullsize/plain/did:plc:x/bafkrei1@jpeg")
    'bafkrei1'
    """
    if not url:
        return ""
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    name = _safe(unquote(path.rsplit("/", 1)[-1]).split(":", 1)[0].split("@", 1)[0])
    return name


def _safe(name: str) -> str:
    """A file name never names a folder above (``..``) or another folder."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        return ""
    return name


class FolderMedia:
    """The :class:`~foretold.media.MediaSource` of ``replay --media-dir``: pictures are
    looked up in the folder (walked once); nothing arrives later."""

    def __init__(self, root: Path) -> None:
        self.index = MediaIndex(root)
        self.found = 0
        self.missing = 0

    def path_for(self, post: Post, media: Media) -> Path | None:
        path = self.index.find(media)
        if path is None:
            self.missing += 1
        else:
            self.found += 1
        return path

    def bytes_for(self, post: Post, media: Media) -> bytes | None:
        path = self.index.find(media)
        if path is None:
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def arrived(self) -> list[tuple[Post, int]]:
        return []


# -- local pictures that may be shown (the dashboard's thumbnails, the chronicle) --

#: the largest local picture shown (a thumbnail is drawn small; bigger files are refused)
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


def picture(
    path: str, roots: Sequence[Path], max_bytes: int = MAX_BYTES
) -> tuple[bytes, str] | None:
    """The bytes and type of a local picture inside ``roots`` (JPEG, PNG, GIF or WebP by
    its first bytes, at most ``max_bytes``), or None."""
    found = within(path, roots)
    if found is None:
        return None
    try:
        if found.stat().st_size > max_bytes:
            return None
        data = found.read_bytes()
    except OSError:
        return None
    ctype = sniff(data[:16])
    return None if ctype is None else (data, ctype)


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
