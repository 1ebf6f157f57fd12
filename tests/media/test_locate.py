"""``replay --media-dir``: an archive's pictures found by media key, else by URL name."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from foretold.errors import ConfigError
from foretold.media.locate import FolderMedia, find_local, last_segment
from foretold.post import Author, Media, Post


@pytest.fixture
def media_dir(tmp_path: Path) -> Path:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "3_1631000000000000901.jpg").write_bytes(b"by key")
    (tmp_path / "FqZ2bCdYsAI4yZa.png").write_bytes(b"by url name")
    (tmp_path / "E_aBcDfYpAM2zWx.webp").write_bytes(b"by url stem")
    (tmp_path / "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy.jpeg").write_bytes(
        b"cid"
    )
    return tmp_path


def test_found_by_key_with_any_extension_in_a_subfolder(media_dir: Path) -> None:
    m = Media("photo", "https://pbs.twimg.com/media/Other.jpg", None, "3_1631000000000000901")
    assert find_local(m, media_dir) == media_dir / "x" / "3_1631000000000000901.jpg"


def test_found_by_the_urls_last_segment_when_the_key_is_not_there(media_dir: Path) -> None:
    m = Media("photo", "https://pbs.twimg.com/media/FqZ2bCdYsAI4yZa.png", None, "3_404")
    assert find_local(m, media_dir) == media_dir / "FqZ2bCdYsAI4yZa.png"
    # the same name saved with another extension, and X's :large size suffix
    m = Media("photo", "https://pbs.twimg.com/media/E_aBcDfYpAM2zWx.jpg:large", None, None)
    assert find_local(m, media_dir) == media_dir / "E_aBcDfYpAM2zWx.webp"


def test_bluesky_cdn_address_finds_the_cid(media_dir: Path) -> None:
    cid = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
    url = f"https://cdn.bsky.app/img/feed_fullsize/plain/did:plc:x/{cid}@jpeg"
    assert find_local(Media("image", url, None, None), media_dir) == media_dir / f"{cid}.jpeg"


def test_nothing_found_and_nothing_outside_the_folder(media_dir: Path, tmp_path: Path) -> None:
    assert find_local(Media("photo", None, None, None), media_dir) is None
    assert find_local(Media("photo", "https://e.example/a/b/", None, "nope"), media_dir) is None
    for key in ("..", "../x", "x/3_1631000000000000901.jpg", "."):
        assert find_local(Media("photo", None, None, key), media_dir) is None
    assert last_segment("not a url at all") == "not a url at all"
    assert last_segment("http://[::1") == ""


def test_folder_media_walks_once_and_reads_bytes(media_dir: Path) -> None:
    post = Post(platform="x", id="1", text="", created_at=datetime(2023, 1, 1, tzinfo=UTC),
                author=Author(id="7"))  # fmt: skip
    source = FolderMedia(media_dir)
    (media_dir / "3_late.jpg").write_bytes(b"added after the walk")
    hit = Media("photo", None, None, "3_1631000000000000901")
    assert source.bytes_for(post, hit) == b"by key"
    assert source.path_for(post, Media("photo", None, None, "3_late")) is None
    assert source.arrived() == []


def test_a_missing_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a folder"):
        FolderMedia(tmp_path / "nope")


def test_replay_media_dir_counts_what_it_found_and_hands_it_to_every_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from foretold.cli import main
    from foretold.pipeline import Pipeline
    from tests.conftest import JSON_FIXTURES

    media = tmp_path / "media"
    media.mkdir()
    (media / "3_1631000000000000901.jpg").write_bytes(b"\xff\xd8jpeg")
    seen: list[object] = []
    process = Pipeline._process

    def spy(self: Pipeline, records: list, result: object, writer: object) -> None:  # type: ignore[type-arg]
        seen.append(self.media)
        process(self, records, result, writer)  # type: ignore[arg-type]

    monkeypatch.setattr(Pipeline, "_process", spy)
    args = ["replay", str(JSON_FIXTURES["x_v2_media"]), "--store", str(tmp_path / "s.db"),
            "--no-classify", "--media-dir", str(media)]  # fmt: skip
    out = CliRunner().invoke(main, args, catch_exceptions=False)
    assert out.exit_code == 0, out.output
    assert f"media     1 of 2 pictures found in {media}" in out.output
    assert seen and all(isinstance(s, FolderMedia) for s in seen)
    bad = CliRunner().invoke(main, [*args[:-1], str(tmp_path / "nope")])
    assert bad.exit_code == 2 and "not a folder" in bad.output
    kafka = CliRunner().invoke(main, [*args, "--kafka", "127.0.0.1:1"])
    assert kafka.exit_code == 2 and "--media-dir" in kafka.output
