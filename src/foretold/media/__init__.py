"""Pictures of posts: where their files are, how they are fetched, what was read in them.

A post's pictures are :class:`foretold.post.Media` items (type, url, alt text, key).
This package finds their files (:mod:`~foretold.media.locate`: an archive's media
folder, ``replay --media-dir``), fetches them live (:mod:`~foretold.media.fetch`, into
the content-addressed :mod:`~foretold.media.cache`), and carries what the image-reading
step read in each (:class:`ImageReading`, stored in the ``image_readings`` table).
See docs/media.md.

>>> r = ImageReading("x", "1", 0, phash="c3c3c3c3c3c3c3c3", text="YOU HAD ONE JOB",
...                  cache_path=None)
>>> r.row()
('x', '1', 0, 'c3c3c3c3c3c3c3c3', 'YOU HAD ONE JOB', None)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from foretold.post import Media, Post

#: a stored reading as the store's row: (platform, post id, index, phash, text, cache path)
ReadingRow = tuple[str, str, int, str | None, str | None, str | None]


@dataclass(frozen=True, slots=True)
class ImageReading:
    """What was read in one picture of a post: ``index`` is its place in ``Post.media``;
    ``phash`` its perceptual hash (hex), ``text`` the text read in it (OCR), and
    ``cache_path`` the local file it was read from (relative to the media cache or the
    media folder, or absolute), which the dashboard serves as the thumbnail. Any of the
    three is None when unknown."""

    platform: str
    post_id: str
    index: int
    phash: str | None = None
    text: str | None = None
    cache_path: str | None = None

    def row(self) -> ReadingRow:
        """The ``image_readings`` row (also what a batch carries to the writer)."""
        return (self.platform, self.post_id, self.index, self.phash, self.text, self.cache_path)


class MediaSource(Protocol):
    """Where the image-reading step gets a post's pictures (``Batch.media``).

    ``path_for`` is the local file of one of a post's media, or None when it is not
    (yet) here; ``bytes_for`` its content. An archive's folder answers at once
    (:class:`foretold.media.locate.FolderMedia`); the live fetcher answers from its cache
    and never waits for the network (:class:`foretold.media.fetch.Fetcher`): a picture
    that arrives after its post's batch shows up in ``arrived()``, as ``(post, index in
    post.media)``, for a later batch to read (its labels follow as an update)."""

    def path_for(self, post: Post, media: Media) -> Path | None: ...

    def bytes_for(self, post: Post, media: Media) -> bytes | None: ...

    def arrived(self) -> list[tuple[Post, int]]: ...
