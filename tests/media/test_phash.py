"""Perceptual hashes: a meme's re-encoded and resized copies group together, other memes apart."""

from __future__ import annotations

import io

import pytest

from foretold.media.phash import NEAR_BITS, PhashError, distance, group, phash
from foretold.media.testset import meme_image


def _jpeg(image: object, quality: int) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality)  # type: ignore[attr-defined]
    return buf.getvalue()


def test_copies_group_and_different_memes_do_not() -> None:
    a = meme_image("SHOW US YOUR", "BOYCOTT THEM NOW", seed=1, width=480)
    b = meme_image("THIS IS FINE", "WORST SERVICE EVER", seed=2, width=480)
    c = meme_image("NOBODY ASKED", "FOR YOUR OPINION", seed=3, width=320)
    copies = [
        _jpeg(a, 90),
        _jpeg(a, 30),
        _jpeg(a.resize((240, a.height // 2)), 70),
        _jpeg(b, 80),
        _jpeg(a.resize((960, a.height * 2)), 50),
        _jpeg(c, 80),
        _jpeg(b.resize((320, b.height * 2 // 3)), 40),
    ]
    hashes = [phash(d) for d in copies]
    assert all(len(h) == 16 for h in hashes)
    assert group(hashes) == [[0, 1, 2, 4], [3, 6], [5]]
    assert distance(hashes[0], hashes[3]) > NEAR_BITS


def test_group_is_in_first_seen_order_and_near_is_a_parameter() -> None:
    assert group([]) == []
    assert group(["0000000000000000", "000000000000000f"], near=3) == [[0], [1]]
    assert group(["0000000000000000", "000000000000000f"], near=4) == [[0, 1]]


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(PhashError, match="not a readable picture"):
        phash(b"GIF89a broken")
    with pytest.raises(PhashError, match="not a hex hash"):
        distance("zz", "00")
