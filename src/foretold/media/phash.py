"""Perceptual hashes of pictures, and near-identical pictures grouped.

A meme copied through a storm is re-encoded, resized and cropped a little on the way;
its bytes differ every time, its perceptual hash barely. :func:`phash` is the 64-bit
DCT hash of the ``imagehash`` library (the picture in grey at 32x32, the low 8x8
frequencies above their median), as 16 hex digits (what ``image_readings.phash``
keeps). Two hashes at most :data:`NEAR_BITS` bits apart are the same picture
(``bench/ocr_bench.py``'s sibling measure: ``python -m foretold.media.phash`` prints
the distances of re-encoded and resized copies against different memes).

:func:`group` puts hashes into groups of near-identical pictures, in first-seen order
(deterministic: a hash joins the first group whose first hash is near it).

>>> distance("ffff000000000000", "fffe000000000001")
2
>>> group(["ffff000000000000", "0000ffff0000ffff", "fffe000000000001"])
[[0, 2], [1]]
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from foretold.errors import ForetoldError

__all__ = ["NEAR_BITS", "PhashError", "distance", "group", "phash"]

#: hashes at most this many bits apart (of 64) are one picture: re-encoded (JPEG 30 to
#: 95) and resized (0.5x to 2x) copies of the test memes are at most 4 apart, different
#: memes at least 20 (measured by ``python -m foretold.media.phash``)
NEAR_BITS = 8


class PhashError(ForetoldError):
    """A picture that cannot be decoded, or a hash that is not 16 hex digits."""


def phash(data: bytes) -> str:
    """The perceptual hash of a picture's bytes, as 16 hex digits."""
    import imagehash
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            return str(imagehash.phash(im.convert("RGB")))
    except (UnidentifiedImageError, OSError, ValueError) as e:
        raise PhashError(f"not a readable picture: {e}") from e


def distance(a: str, b: str) -> int:
    """The Hamming distance of two hashes (bits that differ)."""
    try:
        return (int(a, 16) ^ int(b, 16)).bit_count()
    except ValueError as e:
        raise PhashError(f"not a hex hash: {a!r} or {b!r}") from e


def group(hashes: Sequence[str], near: int = NEAR_BITS) -> list[list[int]]:
    """Indexes of ``hashes`` grouped: each joins the first group whose first hash is at
    most ``near`` bits away, else starts a group."""
    heads: list[int] = []
    groups: list[list[int]] = []
    values = [int(h, 16) for h in hashes]
    for i, v in enumerate(values):
        for g, head in enumerate(heads):
            if (v ^ head).bit_count() <= near:
                groups[g].append(i)
                break
        else:
            heads.append(v)
            groups.append([i])
    return groups


def _measure(count: int = 24) -> None:  # pragma: no cover - printed by hand
    from PIL import Image

    from foretold.media.testset import make_set

    same: list[int] = []
    other: list[int] = []
    memes = make_set("meme", count, seed=7)
    base = [phash(_encode(m.image, "PNG", 0)) for m in memes]
    for m, h in zip(memes, base, strict=True):
        for q in (30, 60, 95):
            same.append(distance(h, phash(_encode(m.image, "JPEG", q))))
        for f in (0.5, 0.75, 2.0):
            w, hh = m.image.size
            small = m.image.resize((int(w * f), int(hh * f)), Image.Resampling.BILINEAR)
            same.append(distance(h, phash(_encode(small, "JPEG", 80))))
    for i in range(count):
        for j in range(i + 1, count):
            other.append(distance(base[i], base[j]))
    print(
        f"copies (JPEG 30/60/95, resized 0.5/0.75/2x): max {max(same)}, mean {sum(same) / len(same):.1f}"
    )
    print(f"different memes: min {min(other)}, mean {sum(other) / len(other):.1f}")


def _encode(image: object, fmt: str, quality: int) -> bytes:
    buf = io.BytesIO()
    if fmt == "JPEG":
        image.save(buf, fmt, quality=quality)  # type: ignore[attr-defined]
    else:
        image.save(buf, fmt)  # type: ignore[attr-defined]
    return buf.getvalue()


if __name__ == "__main__":  # pragma: no cover
    _measure()
