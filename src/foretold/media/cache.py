"""The live fetcher's picture cache: a content-addressed folder with a size limit.

A picture is stored once, under the SHA-256 of its bytes (``ab/abcdef....jpg``), so
the same meme fetched from a hundred addresses takes the room of one. An index file
(``index.tsv``, one ``address-hash<TAB>file`` line per fetch, appended) maps an
address back to its file across restarts. When the folder grows past its limit the
oldest files (by the time they were stored or last used) go first.

::

    fetch(url) ──> bytes ──> sha256 ──> ab/ab12….jpg (written whole, then renamed in)
                     index: sha256(url) ──> ab/ab12….jpg      evict oldest past limit

>>> import tempfile
>>> cache = MediaCache(Path(tempfile.mkdtemp()), limit_bytes=10)
>>> first = cache.put("https://e.example/a.png", b"12345", "image/png")
>>> first.name, cache.size
('5994471abb01112afcc18159f6cc74b4f511b99806da59b3caf5a9c173cacfc5.png', 5)
>>> cache.lookup("https://e.example/a.png") == first
True
>>> _ = cache.put("https://e.example/b.png", b"678901", "image/png")  # 11 bytes: evict
>>> cache.lookup("https://e.example/a.png") is None, cache.size
(True, 6)
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path

__all__ = ["EXTENSIONS", "MediaCache"]

#: the file extension kept for each picture type (anything else: ``.img``)
EXTENSIONS = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
    "image/avif": ".avif", "image/heic": ".heic", "image/bmp": ".bmp",
}  # fmt: skip
_INDEX = "index.tsv"


class MediaCache:
    """A folder of pictures named by their content's SHA-256, at most ``limit_bytes``.

    Thread-safe: the fetcher's workers put into it while the pipeline looks up."""

    def __init__(self, root: Path, limit_bytes: int) -> None:
        self.root = root
        self.limit = limit_bytes
        self._lock = threading.Lock()
        self._by_url: dict[str, str] = {}  # sha256(url) -> file name relative to root
        self._files: dict[str, tuple[float, int]] = {}  # relative name -> (used at, size)
        self.size = 0
        self.evicted = 0
        root.mkdir(parents=True, exist_ok=True)
        self._load()

    def _load(self) -> None:
        for path in self.root.glob("??/*"):
            if path.is_file() and not path.name.startswith("."):
                st = path.stat()
                self._files[_rel(self.root, path)] = (st.st_mtime, st.st_size)
                self.size += st.st_size
        index = self.root / _INDEX
        if index.exists():
            for line in index.read_text(encoding="utf-8", errors="replace").splitlines():
                key, _, name = line.partition("\t")
                if name in self._files:
                    self._by_url[key] = name
        self._write_index()  # compacted: only entries whose files are still here
        self._evict()

    def lookup(self, url: str) -> Path | None:
        """The cached file of the picture at ``url``, or None (never the network)."""
        with self._lock:
            name = self._by_url.get(_url_key(url))
            if name is None or name not in self._files:
                return None
            path = self.root / name
        return path if path.exists() else None

    def put(self, url: str, data: bytes, content_type: str) -> Path:
        """Store a fetched picture (once per content) and remember its address."""
        digest = hashlib.sha256(data).hexdigest()
        ext = EXTENSIONS.get(content_type.split(";", 1)[0].strip().lower(), ".img")
        name = f"{digest[:2]}/{digest}{ext}"
        path = self.root / name
        with self._lock:
            now = time.time()
            if name not in self._files:
                path.parent.mkdir(exist_ok=True)
                tmp = path.with_name(f".{digest}.{threading.get_ident()}.part")
                tmp.write_bytes(data)
                os.replace(tmp, path)  # readers never see half a file
                self.size += len(data)
            else:
                os.utime(path, (now, now))  # used again: the eviction order survives restarts
            self._files[name] = (now, len(data))
            key = _url_key(url)
            if self._by_url.get(key) != name:
                self._by_url[key] = name
                with (self.root / _INDEX).open("a", encoding="utf-8") as f:
                    f.write(f"{key}\t{name}\n")
            self._evict(keep=name)
        return path

    def _evict(self, keep: str = "") -> None:
        if self.size <= self.limit:
            return
        for name, (_, size) in sorted(self._files.items(), key=lambda kv: (kv[1][0], kv[0])):
            if self.size <= self.limit:
                break
            if name == keep:
                continue
            (self.root / name).unlink(missing_ok=True)
            del self._files[name]
            self.size -= size
            self.evicted += 1
        if self.evicted and len(self._by_url) > 2 * len(self._files) + 1000:
            self._write_index()

    def _write_index(self) -> None:
        self._by_url = {k: v for k, v in self._by_url.items() if v in self._files}
        tmp = self.root / f".{_INDEX}.part"
        tmp.write_text("".join(f"{k}\t{v}\n" for k, v in self._by_url.items()), encoding="utf-8")
        os.replace(tmp, self.root / _INDEX)


def _url_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()
