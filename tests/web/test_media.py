"""Pictures on the dashboard: image text and alt text beside the post, thumbnails only
from the local media folders (served by the dashboard itself), markup never run."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from foretold.media import ImageReading
from foretold.post import Media
from foretold.store import Store
from tests.web.conftest import Running, labels, make_post, serve, write
from tests.web.test_api import get, get_json

SCRIPT = "<script>window.__pwned = 'script'</script>"
IMG = "<img src=x onerror=\"window.__pwned = 'img'\">"


def png_1x1() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xcf\x22\x2e")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture
def media_store(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    path = str(tmp_path / "dash.db")
    cache = tmp_path / "dash.media"  # the watch's cache beside the store: always served
    (cache / "ab").mkdir(parents=True)
    meme = cache / "ab" / "ab12.png"
    meme.write_bytes(png_1x1())
    outside = tmp_path / "elsewhere.png"
    outside.write_bytes(png_1x1())
    not_picture = cache / "ab" / "page.png"
    not_picture.write_bytes(b"<html><script>alert(1)</script></html>")
    media = (
        Media("photo", "https://pbs.twimg.com/media/A.jpg", IMG, "3_1"),
        Media("photo", "https://pbs.twimg.com/media/B.jpg", None, "3_2"),
        Media("photo", "https://pbs.twimg.com/media/C.jpg", "a chart", "3_3"),
    )
    with Store(path) as store:
        store.put_campaigns([("askjpm", {"name": "askjpm", "hashtags": ["#askjpm"]})])
        post = make_post(1, "just asking #askjpm", minutes=1, likes=5, media=media)
        write(store, [post, make_post(2, "plain #askjpm", minutes=2)], [labels("neutral")] * 2)
        store.put_image_readings([
            ImageReading("x", "1001", 0, "ffff0000ffff0000", SCRIPT, str(meme)),
            ImageReading("x", "1001", 1, None, "NO REFUNDS", str(outside)),
            ImageReading("x", "1001", 2, None, None, str(not_picture)),
        ])  # fmt: skip
    yield path, meme


@pytest.fixture
def media_dashboard(media_store: tuple[str, Path]) -> Iterator[Running]:
    running = serve(media_store[0])
    yield running
    running.server.shutdown()
    running.server.server_close()


def test_posts_carry_image_text_alt_text_and_only_local_thumbnails(
    media_dashboard: Running,
) -> None:
    latest = get_json(media_dashboard.url + "/api/campaigns/askjpm/latest")
    [with_media] = [p for p in latest if p["media"]]
    first, second, third = with_media["media"]
    assert (first["image_text"], first["alt_text"]) == (SCRIPT, IMG)
    assert first["thumb"] == "/media?platform=x&id=1001&index=0"
    assert second["image_text"] == "NO REFUNDS" and second["thumb"] is None  # outside the folders
    assert third["thumb"] is None  # inside, but not a picture: never offered
    assert all("cache_path" not in m for m in with_media["media"])  # no local path leaves
    assert len(latest) == 2 and sum(1 for p in latest if p["media"] == []) == 1


def test_the_pictures_view_lists_repeated_pictures_with_a_local_thumbnail(
    media_dashboard: Running, media_store: tuple[str, Path]
) -> None:
    with Store(media_store[0]) as store:  # a second post with the same meme, read the same
        post = make_post(3, "again #askjpm", minutes=3, media=(Media("photo", None, None, "3_9"),))
        write(store, [post], [labels("negative")])
        store.put_image_readings([ImageReading("x", "1003", 0, "ffff0000ffff0001", SCRIPT, None)])
    [meme] = get_json(media_dashboard.url + "/api/campaigns/askjpm/pictures")
    assert (meme["phash"], meme["posts"], meme["accounts"]) == ("ffff0000ffff0000", 2, 2)
    assert meme["text"] == SCRIPT and meme["alt_text"] == IMG
    assert meme["example"] == {"platform": "x", "id": "1001", "index": 0}  # the one kept locally
    assert meme["thumb"] == "/media?platform=x&id=1001&index=0" and "cache_path" not in meme


def test_the_dashboard_serves_local_pictures_only(
    media_dashboard: Running, media_store: tuple[str, Path]
) -> None:
    status, headers, body = get(media_dashboard.url + "/media?platform=x&id=1001&index=0")
    assert status == 200 and body == media_store[1].read_bytes()
    assert headers["content-type"] == "image/png" and "default-src 'none'" in headers[
        "content-security-policy"
    ] and headers["x-content-type-options"] == "nosniff"  # fmt: skip
    for query in ("platform=x&id=1001&index=1",  # a file outside the media folders
                  "platform=x&id=1001&index=2",  # inside, but HTML: not a picture
                  "platform=x&id=1001&index=7", "platform=x&id=404&index=0"):  # fmt: skip
        assert get(media_dashboard.url + "/media?" + query)[0] == 404
    bad = "platform=x&id=1001&index=" + quote("../../etc/passwd")
    assert get(media_dashboard.url + "/media?" + bad)[0] == 400
    assert get(media_dashboard.url + "/media")[0] == 400


def test_serve_media_dir_must_be_a_folder(media_store: tuple[str, Path], tmp_path: Path) -> None:
    from foretold.errors import ConfigError
    from foretold.web import make_server

    with pytest.raises(ConfigError, match="not a folder"):
        make_server(media_store[0], port=0, media_dirs=[str(tmp_path / "nope")])


def test_markup_in_alt_text_and_image_text_never_runs(
    browser: Any,  # noqa: F811 (the fixture imported below)
    media_dashboard: Running,
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(media_dashboard.url + "/")
        page.wait_for_selector("#latest .post-media img.thumb")
        page.wait_for_function(
            "document.querySelector('#latest img.thumb').complete"
            " && document.querySelector('#latest img.thumb').naturalWidth === 1"
        )
        text = page.text_content("#latest .post-media") or ""
        assert SCRIPT in text and IMG in text and "NO REFUNDS" in text and "a chart" in text
        page.wait_for_timeout(300)  # give an injected handler the chance to fire
        assert page.evaluate("window.__pwned") is None
        assert page.locator("#latest script, #latest img[src='x']").count() == 0
        pictures = page.text_content("#pictures") or ""
        assert SCRIPT in pictures and IMG in pictures and "1 posts" in pictures
        assert page.locator("#pictures script, #pictures img[src='x']").count() == 0
        # the meme's thumbnail in latest and top posts; the other two files have none
        srcs = page.eval_on_selector_all("img.thumb", "els => els.map(e => e.getAttribute('src'))")
        assert set(srcs) == {"/media?platform=x&id=1001&index=0"}
        assert page.locator("#pictures img.thumb").count() == 1
        assert page.get_attribute("#latest img.thumb", "alt") == IMG  # an attribute, as text
        assert all(r.startswith(media_dashboard.url) for r in requests)  # nothing remote
        assert not any("pbs.twimg.com" in r for r in requests)
        assert errors == []
    finally:
        context.close()


from tests.web.test_browser import browser  # noqa: E402,F401  (the headless chromium fixture)
