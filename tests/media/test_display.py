"""The chronicle shows what was read in the pictures: beside quoted posts, and the
storm's most repeated pictures with a thumbnail embedded only from a local copy."""

from __future__ import annotations

import base64
import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from foretold.cli import main
from foretold.media import ImageReading
from foretold.post import Author, Media, Post
from foretold.reports.chronicle import pictures_of, render
from foretold.reports.story import Quote, build_story
from foretold.store import Store
from tests.web.test_media import png_1x1

T0 = datetime(2014, 4, 22, 18, tzinfo=UTC)
MEME, OTHER = "ffff0000ffff0000", "0f0f0f0f0f0f0f0f"
SCRIPT = "<script>window.__pwned = 1</script> POLICE"


def _store(tmp_path: Path) -> tuple[Path, Path, Path]:
    """#myNYPD-like posts: 30 with a picture, 15 of them the same meme (one hash a bit
    apart), read with text; the meme's copy in a media folder, the other one outside."""
    media_dir = tmp_path / "storm-media"
    media_dir.mkdir()
    (media_dir / "3_1.png").write_bytes(png_1x1())
    outside = tmp_path / "outside.png"
    outside.write_bytes(png_1x1())
    posts = []
    for i in range(60):
        media = (Media("photo", f"https://pbs.twimg.com/media/M{i}.jpg", "<b>alt</b> a photo",
                       f"3_{i}"),) if i % 2 else ()  # fmt: skip
        posts.append(Post(
            platform="x", id=str(i), text=f"#myNYPD my photo {i}",
            created_at=T0 + timedelta(minutes=i), author=Author(id=str(i % 17), handle=f"u{i % 17}"),
            hashtags=("mynypd",), media=media,
        ))  # fmt: skip
    labels = [("x", p.id, "fast", orjson.dumps({"sentiment": "negative", "flags": []}))
              for p in posts]  # fmt: skip
    db = tmp_path / "storm.db"
    with Store(db) as store:
        store.write_batch(posts, [], [("mynypd", "x", p.id) for p in posts], labels)
        store.put_image_readings(
            ImageReading("x", p.id, 0, (MEME if p.id != "5" else MEME[:-1] + "1")
                         if int(p.id) % 4 == 1 else OTHER, SCRIPT if int(p.id) % 4 == 1 else None,
                         str(media_dir / "3_1.png") if int(p.id) % 4 == 1 else str(outside))
            for p in posts if p.media
        )  # fmt: skip
    return db, media_dir, outside


def test_the_chronicle_lists_the_most_repeated_pictures(tmp_path: Path) -> None:
    db, media_dir, _ = _store(tmp_path)
    out = tmp_path / "c.html"
    r = CliRunner().invoke(main, ["chronicle", "--store", str(db), "--campaign", "mynypd",
                                  "--out", str(out), "--media-dir", str(media_dir)])  # fmt: skip
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    section = html[html.index("The most repeated pictures") :].split("</table>")[0]
    rows = section.split("<tr>")[2:]
    assert len(rows) == 2
    # the meme: 15 posts (one hash a bit apart joins it), its text escaped, its thumbnail
    # embedded from the media folder as data:; the other picture's copy is outside: none
    assert "<td>15</td>" in rows[0] and "&lt;script&gt;window.__pwned" in rows[0]
    thumb = base64.b64encode(png_1x1()).decode()
    assert f'src="data:image/png;base64,{thumb}"' in rows[0]
    assert "not kept" in rows[1] and "data:" not in rows[1]
    assert "<script>" not in html and "&lt;b&gt;alt&lt;/b&gt; a photo" in rows[0]
    # without the folder, nothing is embedded
    CliRunner().invoke(main, ["chronicle", "--store", str(db), "--campaign", "mynypd",
                              "--out", str(out)])  # fmt: skip
    assert "data:image/png" not in out.read_text(encoding="utf-8")


def test_quoted_posts_show_their_pictures_text_and_alt_text(tmp_path: Path) -> None:
    db, media_dir, _ = _store(tmp_path)
    with Store(db, readonly=True) as store:
        story = build_story(store, "mynypd")
        quote = Quote(T0 + timedelta(minutes=1), "u1", 10, "a press post", "original", id="1")
        story = dataclasses.replace(story, press=[quote])
        pictures = pictures_of(store, story, [media_dir])
    assert pictures.by_post["1"] == [
        {"type": "photo", "alt_text": "<b>alt</b> a photo", "image_text": SCRIPT}
    ]
    html = render(story, [], None, pictures)
    block = html[html.index("<h2>Press pickup</h2>") :].split("</blockquote>")[0]
    assert (
        "[photo] image text: <q>&lt;script&gt;window.__pwned = 1&lt;/script&gt; POLICE</q>" in block
    )
    assert "alt: <q>&lt;b&gt;alt&lt;/b&gt; a photo</q>" in block


def test_a_media_dir_that_is_not_a_folder_is_refused(tmp_path: Path) -> None:
    db, _, outside = _store(tmp_path)
    r = CliRunner().invoke(main, ["chronicle", "--store", str(db), "--campaign", "mynypd",
                                  "--media-dir", str(outside)])  # fmt: skip
    assert r.exit_code == 2


@pytest.mark.parametrize("near", [0, 6])
def test_repeated_images_near_grouping_in_the_store(tmp_path: Path, near: int) -> None:
    db, _, _ = _store(tmp_path)
    with Store(db, readonly=True) as store:
        top = store.repeated_images("mynypd", near=near)
    posts = {g["phash"]: g["posts"] for g in top}
    assert posts[MEME] == (15 if near else 14) and posts[OTHER] == 15
    assert (MEME[:-1] + "1" in posts) == (near == 0)
