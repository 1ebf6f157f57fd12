"""The picture storm: hostile memes under neutral captions, drawn from the seed, with truth."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import orjson
import pytest

from foretold.formats import x_v2
from foretold.media.locate import FolderMedia
from foretold.media.phash import group, phash
from foretold.post import Post
from foretold.simulate.pictures import CAPTIONS, MEMES, media_dir_for, write_picture_storm

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
SCALE = 0.006  # a few hundred pictures: the storm's shape, small enough for a test

needs_data = pytest.mark.skipif(
    not (DATA / "tweeteval").is_dir(), reason=f"the real labelled tweets are not at {DATA}"
)


def _storm(tmp: Path, seed: int = 1) -> tuple[bytes, dict[str, Any], Path]:
    buf = io.BytesIO()
    media = tmp / "storm.media"
    _, truth = write_picture_storm("mynypd_pictures", seed, DATA, buf, media, scale=SCALE)
    return buf.getvalue(), truth, media


@pytest.fixture(scope="module")
def storm(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, dict[str, Any], Path]:
    return _storm(tmp_path_factory.mktemp("storm"))


@needs_data
def test_picture_posts_have_neutral_captions_and_a_local_meme(
    storm: tuple[bytes, dict[str, Any], Path],
) -> None:
    raw, truth, media = storm
    posts = [p for line in raw.splitlines() for p in x_v2.parse(orjson.loads(line), line)]
    assert all(isinstance(p, Post) for p in posts)
    pictured = {p.id: p for p in posts if isinstance(p, Post) and p.media and p.kind != "repost"}
    pics = truth["pictures"]
    assert sorted(pictured) == pics["ids"] and len(pictured) == pics["picture_posts"] > 50
    assert sum(m["posts"] for m in pics["memes"]) == pics["picture_posts"]
    hostile = {"DISGUSTING", "SHAME", "RACIST", "DISGRACEFUL", "ABUSE", "BRUTALITY", "BEATING"}
    assert all(hostile & set(f"{top} {bottom}".split()) for top, bottom in MEMES)
    folder = FolderMedia(media)
    for p in pictured.values():
        assert "mynypd" in p.hashtags
        assert not hostile & set(p.text.upper().split()), p.text  # the caption says nothing
        assert folder.path_for(p, p.media[0]) is not None
    # a retweet of a picture post carries the same picture, as on X
    reposts = [p for p in posts if isinstance(p, Post) and p.kind == "repost" and p.media]
    assert reposts and all(r.media[0].key == f"3_{r.repost_of.id}" for r in reposts if r.repost_of)
    assert truth["expected_level"] == "crisis" and truth["scenario"] == "mynypd_pictures"
    assert len(CAPTIONS) >= 4


@needs_data
def test_the_memes_group_by_perceptual_hash(storm: tuple[bytes, dict[str, Any], Path]) -> None:
    _, truth, media = storm
    files = sorted(media.iterdir())
    assert len(files) == truth["pictures"]["files"]
    assert all(f.stat().st_size < 40_000 for f in files)  # small: 320 px JPEG
    groups = group([phash(f.read_bytes()) for f in files])
    used = sum(1 for m in truth["pictures"]["memes"] if m["posts"])
    assert len(groups) == used  # every copy of a meme is one picture, memes apart


@needs_data
def test_the_storm_is_the_same_for_a_seed(
    storm: tuple[bytes, dict[str, Any], Path], tmp_path: Path
) -> None:
    raw, truth, media = storm
    again_raw, again_truth, again_media = _storm(tmp_path)
    assert hashlib.sha256(raw).digest() == hashlib.sha256(again_raw).digest()
    assert again_truth == {**truth}
    first = sorted(media.iterdir())[:5]
    # the same files to the byte (the grain is drawn from the seed, not from C's rand())
    assert [f.read_bytes() for f in first] == [(again_media / f.name).read_bytes() for f in first]


def test_the_media_dir_is_beside_the_stream() -> None:
    assert media_dir_for("out/storm.jsonl") == Path("out/storm.media")
    assert media_dir_for("x.jsonl.gz") == Path("x.media")
