"""The image-reading step: a picture's text and alt text labelled with its post, ``sources``."""

from __future__ import annotations

import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from foretold.media.locate import FolderMedia
from foretold.media.understand import ReadPictures
from foretold.post import Author, Media, Post
from foretold.records import Batch
from foretold.understand.stage import Classify
from tests.media.rules import Hostile, Said

DATA = Path(__file__).parent / "data"
RULE = Hostile("WORST", "BOYCOTT")  # the classifier: hostile on either word


class FixedOcr:
    name = "fixed"

    def __init__(self, text: str, gate: threading.Event | None = None) -> None:
        self.text = text
        self.gate = gate

    def read(self, data: bytes) -> str:
        if self.gate is not None:
            self.gate.wait(10)
        return self.text


def post(i: int, text: str, *media: Media) -> Post:
    return Post(platform="x", id=str(i), text=text, author=Author(id=f"a{i}"),
                created_at=datetime(2014, 4, 22, 12, i, tzinfo=UTC), media=media)  # fmt: skip


def photo(key: str | None, alt: str | None = None) -> Media:
    return Media("photo", None, alt, key)


def run(stage: ReadPictures, posts: list[Post], source: Any) -> Batch:
    batch = Batch(posts=posts, media=source)
    Classify(stage.classifier).process(batch)
    stage.process(batch)
    return batch


def final_labels(batch: Batch) -> dict[str, dict[str, Any]]:
    """What the store keeps: the last row per post and tier."""
    return {i: orjson.loads(j) for _p, i, _t, j in batch.labels}


def test_image_text_and_alt_text_are_labelled_with_sources(tmp_path: Path) -> None:
    shutil.copy(DATA / "meme.jpg", tmp_path / "m1.jpg")
    shutil.copy(DATA / "meme.jpg", tmp_path / "m4.jpg")
    posts = [
        post(1, "Here is my photo with the team!", photo("m1", "a group photo")),
        post(2, "Nice day", photo("missing")),
        post(3, "no pictures here"),
        post(4, "Our new ad", photo("m4")),
        post(5, "look", photo(None, "a banner: boycott them")),
    ]
    ocr = FixedOcr("SHOW US YOUR WORST SERVICE EVER")
    step = ReadPictures(RULE, ocr=ocr, hasher=lambda d: "00000000000000ff")
    batch = run(step, posts, FolderMedia(tmp_path))
    step.close()
    lab = batch.label_of
    assert lab[posts[0].key]["sources"] == ["text", "image_text", "alt_text"]
    assert lab[posts[0].key]["sentiment"] == "negative"  # the meme, not the caption
    assert lab[posts[0].key]["image_text"] == "SHOW US YOUR WORST SERVICE EVER"
    assert "sources" not in lab[posts[1].key] and lab[posts[1].key]["sentiment"] == "neutral"
    assert "sources" not in lab[posts[2].key]
    assert lab[posts[3].key]["sources"] == ["text", "image_text"]
    assert lab[posts[4].key]["sources"] == ["text", "alt_text"]
    assert lab[posts[4].key]["sentiment"] == "negative"
    assert final_labels(batch)["1"] == lab[posts[0].key]  # the store keeps the merged row
    assert [r[:5] for r in batch.readings] == [
        ("x", "1", 0, "00000000000000ff", "SHOW US YOUR WORST SERVICE EVER"),
        ("x", "2", 0, None, None),
        ("x", "4", 0, "00000000000000ff", "SHOW US YOUR WORST SERVICE EVER"),
        ("x", "5", 0, None, None),  # no file in the folder: nothing read
    ]
    assert batch.readings[0][5] == str(tmp_path / "m1.jpg")


def test_without_pictures_the_text_labels_stand() -> None:
    p = post(1, "hello", photo("m1", "worst brand"))
    step = ReadPictures(RULE, ocr=FixedOcr("unused"))
    batch = run(step, [p], None)
    assert batch.label_of[p.key] == Said(False).to_dict() and batch.readings == []


class Fetched:
    """A live source: the picture is in the cache from the start."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def path_for(self, post: Post, media: Media) -> Path | None:
        return self.path

    def bytes_for(self, post: Post, media: Media) -> bytes | None:
        return self.path.read_bytes()

    def arrived(self) -> list[tuple[Post, int]]:
        return []


def test_live_text_labels_do_not_wait_and_the_picture_follows_as_an_update() -> None:
    gate = threading.Event()
    step = ReadPictures(
        RULE,
        ocr=FixedOcr("BOYCOTT THEM NOW", gate),
        hasher=lambda d: "0" * 16,
    )
    p = post(1, "our photo", photo("m1"))
    first = run(step, [p], Fetched(DATA / "meme.jpg"))
    assert first.label_of[p.key]["sentiment"] == "neutral" and first.readings == []
    gate.set()
    step.close()  # waits for the picture being read
    later = run(step, [post(2, "next post")], Fetched(DATA / "meme.jpg"))
    assert final_labels(later)["1"]["sources"] == ["text", "image_text"]
    assert final_labels(later)["1"]["sentiment"] == "negative"
    assert later.readings[0][:5] == ("x", "1", 0, "0" * 16, "BOYCOTT THEM NOW")


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")
def test_a_real_meme_is_read_and_the_replay_does_not_depend_on_threads(tmp_path: Path) -> None:
    from foretold.media.understand import ReadConfig

    for n in range(5):
        shutil.copy(DATA / "meme.jpg", tmp_path / f"m{n}.jpg")
    posts = [post(n, f"Our friendly photo {n}", photo(f"m{n}")) for n in range(5)]
    runs = []
    for workers in (1, 3):
        step = ReadPictures(RULE, config=ReadConfig(workers=workers))
        runs.append(run(step, posts, FolderMedia(tmp_path)))
        step.close()
    a, b = runs
    assert a.labels == b.labels and a.readings == b.readings
    assert {r[4] for r in a.readings} == {"SHOW US YOUR WORST SERVICE EVER"}
    assert all(final_labels(a)[str(n)]["sentiment"] == "negative" for n in range(5))


class CountingOcr:
    name = "counting"

    def __init__(self) -> None:
        self.calls = 0

    def read(self, data: bytes) -> str:
        self.calls += 1
        return f"WORST PICTURE {len(data)}"


def test_a_memes_copies_are_read_once_per_perceptual_hash(tmp_path: Path) -> None:
    from PIL import Image

    big = Image.open(DATA / "meme.jpg")
    big.save(tmp_path / "m0.jpg", quality=90)
    big.save(tmp_path / "m1.jpg", quality=50)  # a re-encoded copy: other bytes, same hash
    big.save(tmp_path / "m2.jpg", quality=90)
    Image.new("RGB", (64, 64), (200, 30, 30)).save(tmp_path / "m3.jpg")
    ocr = CountingOcr()
    step = ReadPictures(RULE, ocr=ocr)
    posts = [post(n, "hi", photo(f"m{n}")) for n in range(4)]
    batch = run(step, posts[:2], FolderMedia(tmp_path))
    later = run(step, posts[2:], FolderMedia(tmp_path))
    step.close()
    texts = [r[4] for r in batch.readings + later.readings]
    assert ocr.calls == 2  # the meme once, the red square once
    assert texts[0] == texts[1] == texts[2] != texts[3]


def test_the_end_of_input_waits_for_the_pictures_being_read() -> None:
    gate = threading.Event()
    step = ReadPictures(RULE, ocr=FixedOcr("WORST", gate), hasher=lambda d: "1" * 16)
    p = post(1, "our photo", photo("m1"))
    run(step, [p], Fetched(DATA / "meme.jpg"))
    last = Batch(posts=[])
    threading.Timer(0.05, gate.set).start()
    step.finish(last)  # blocks until the picture is read
    step.close()
    assert final_labels(last)["1"]["sources"] == ["text", "image_text"]


def test_an_unreadable_picture_is_counted_and_skipped_before_any_engine_loads(
    tmp_path: Path,
) -> None:
    # CI caught a stopping watch that read a fetched file that was no picture: the
    # PhashError was taken for "no OCR engine at all" and stopped the run
    (tmp_path / "m1.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    step = ReadPictures(RULE, live=True)  # the default engine, not loaded yet
    first = run(step, [post(1, "WORST service", photo("m1"))], FolderMedia(tmp_path))
    last = Batch(posts=[])
    step.finish(last)  # waits for the reading: skipped, no exception
    step.close()
    assert step.failed == 1 and step.read_count == 0
    readings = first.readings + last.readings  # harvested with either batch, as the pool goes
    assert [r[3:5] for r in readings] == [(None, None)]  # the file, no hash, no text
