"""Media in the post model: each platform's recorded shape, the store (schema 4 and the
migration from 3), and the JSONL / CSV exports."""

from __future__ import annotations

import io
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from foretold.errors import FormatError
from foretold.export import export_posts
from foretold.formats import bluesky, mastodon, x_v1, x_v2
from foretold.formats.csv_rows import DEFAULT_MAP, read_rows, text_lines
from foretold.formats.x_v2_decoder import decode_tweet
from foretold.ingest import IngestStats, Quarantine, read_lines
from foretold.media import ImageReading
from foretold.post import Author, Media, Post
from foretold.store import SCHEMA_VERSION, Store
from tests.conftest import JSON_FIXTURES


def _posts(name: str) -> dict[str, Post]:
    lines = JSON_FIXTURES[name].read_bytes().splitlines()
    stats = IngestStats()
    return {
        r.id: r for b in read_lines(lines, name, stats, Quarantine()) for r in b
        if isinstance(r, Post)
    }  # fmt: skip


def test_x_v2_flattened_line_inlines_its_media() -> None:
    post = _posts("x_v2_media")["1631000000000000901"]
    photo, video = post.media
    assert photo == Media(
        "photo",
        "https://pbs.twimg.com/media/FqZ1aBcXsAE3xYz.jpg",
        'Bank vault full of cash; caption <b>YOUR QUESTIONS</b> & "our answers"',
        "3_1631000000000000901",
    )
    # a video has no url of its own: its preview picture stands in
    assert video.type == "video" and video.url is not None and video.url.endswith("Qw3rTy.jpg")
    assert video.key == "7_1631000000000000902" and video.alt_text is None


def test_x_v2_typed_fast_path_reads_the_same_media() -> None:
    for line in JSON_FIXTURES["x_v2_media"].read_bytes().splitlines():
        if b'"attachments"' in line:
            fast = decode_tweet(line)
            assert fast is not None and fast.media
            assert fast == x_v2.parse(orjson.loads(line), line)[0]


def test_x_v2_page_joins_media_keys_with_includes_media() -> None:
    posts = _posts("x_v2_media_pages")
    [gif] = posts["1631000000000000903"].media
    assert (gif.type, gif.key) == ("animated_gif", "16_1631000000000000903")
    assert gif.url == "https://pbs.twimg.com/tweet_video_thumb/FqZ9gIfWAAEx.jpg"
    found, missing = posts["1631000000000000904"].media
    assert found.url == "https://pbs.twimg.com/media/FqZ2bCdYsAI4yZa.png"
    # a key the page has no media object for keeps its key (it still finds a file)
    assert missing == Media("unknown", None, None, "3_1631000000000000905")


def test_x_v2_malformed_media_is_a_format_error_naming_the_field() -> None:
    line = orjson.loads(JSON_FIXTURES["x_v2_media"].read_bytes().splitlines()[-1])
    line["attachments"]["media"][0]["alt_text"] = 7
    with pytest.raises(FormatError, match="alt_text"):
        x_v2.parse(line, b"")
    line["attachments"] = {"media_keys": "3_1"}
    with pytest.raises(FormatError, match="media_keys"):
        x_v2.parse(line, b"")


def test_x_v1_extended_entities_hold_every_photo_with_alt_text() -> None:
    post = _posts("x_v1_media")["1440000000000000003"]
    assert [m.key for m in post.media] == ["1440000000000000901", "1440000000000000902"]
    assert post.media[0].alt_text == 'Screenshot of the brand\'s 2019 tweet: "we never raise fees"'
    assert post.media[0].url == "https://pbs.twimg.com/media/E_aBcDeXoAQ1xYz.jpg"
    assert post.media[1].alt_text is None


def test_x_v1_older_archive_has_only_entities_media() -> None:
    [photo] = _posts("x_v1_media")["400810000000000004"].media
    assert photo == Media(
        "photo", "https://pbs.twimg.com/media/BZ7aBcDCIAAxYz1.jpg", None, "400810000000000901"
    )


def test_x_v1_retweet_carries_the_originals_media() -> None:
    tweet = orjson.loads(JSON_FIXTURES["x_v1_media"].read_bytes().splitlines()[-2])
    retweet = {
        "id_str": "1440000000000000010", "created_at": "Tue Sep 21 15:00:00 +0000 2021",
        "text": "RT @meme_lord_77: They said", "user": {"id_str": "9", "screen_name": "b"},
        "retweeted_status": tweet,
    }  # fmt: skip
    [post] = x_v1.parse(retweet, b"")
    assert post.kind == "repost" and len(post.media) == 2


def test_bluesky_images_get_the_cdn_address_from_did_and_cid() -> None:
    posts = _posts("bluesky_media")
    did = "did:plc:4mz6xkzsmqc2cbpqwa6wkaak"
    first, second = posts[f"at://{did}/app.bsky.feed.post/3l3qp1bbbbb2c"].media
    cid = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
    assert first == Media(
        "image",
        f"https://cdn.bsky.app/img/feed_fullsize/plain/{did}/{cid}@jpeg",
        'Drake meme: <script>alert(1)</script> refunds / "store credit"',
        cid,
    )
    assert second.alt_text is None  # an empty alt is no alt


def test_bluesky_record_with_media_and_video() -> None:
    posts = {**_posts("bluesky"), **_posts("bluesky_media")}
    quote = posts["at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3l3qo5ccccc2e"]
    assert quote.kind == "quote" and [m.key for m in quote.media] == ["bafkreiabc"]
    assert quote.media[0].alt_text == "screenshot"
    video = posts["at://did:plc:4mz6xkzsmqc2cbpqwa6wkaak/app.bsky.feed.post/3l3qp2ccccc2d"]
    assert video.media == (
        Media("video", None, "a phone on speaker",
              "bafkreihwihm6kpd6zuwhhlro75p5qks5qtrcu55jp3gddbv6e3hr4bbouu"),
    )  # fmt: skip


def test_bluesky_legacy_blob_and_bad_cid() -> None:
    event = orjson.loads(JSON_FIXTURES["bluesky_media"].read_bytes().splitlines()[-2])
    images = event["commit"]["record"]["embed"]["images"]
    images[0]["image"] = {"cid": "bafkreilegacy", "mimeType": "image/jpeg"}
    assert bluesky.parse(event, b"")[0].media[0].key == "bafkreilegacy"  # type: ignore[union-attr]
    images[0]["image"] = {"$type": "blob", "ref": {"$link": "../../etc"}}
    with pytest.raises(FormatError, match="CID"):
        bluesky.parse(event, b"")


def test_mastodon_attachments_with_description_as_alt_text() -> None:
    post = _posts("mastodon_media")["https://hachyderm.io/users/ann/statuses/113107100000000090"]
    image, gifv = post.media
    assert image.type == "image" and image.key == "113107100000000091"
    assert image.url is not None and image.url.endswith("/original/3f1a9c2b7d5e4a10.png")
    assert image.alt_text is not None and image.alt_text.startswith("Flowchart:")
    # a gifv is a video file: its still preview is the picture
    assert gifv.type == "gifv" and gifv.url is not None and gifv.url.endswith(".png")


def test_mastodon_reblog_carries_the_reblogged_media() -> None:
    status = orjson.loads(JSON_FIXTURES["mastodon_media"].read_bytes().splitlines()[-1])
    wrapper = {**status, "id": "5", "uri": "https://x.example/5", "content": "",
               "media_attachments": [], "reblog": status}  # fmt: skip
    [post] = mastodon.parse(wrapper, b"")
    assert post.kind == "repost" and len(post.media) == 2


def _post_with_media() -> Post:
    return Post(
        platform="x", id="1", text="lol", created_at=datetime(2023, 3, 1, tzinfo=UTC),
        author=Author(id="7", handle="ann"),
        media=(Media("photo", "https://pbs.twimg.com/media/A.jpg", 'a "quote"\r\nline', "3_1"),
               Media("video", None, None, None)),
    )  # fmt: skip


def test_media_survive_store_jsonl_and_csv() -> None:
    post = _post_with_media()
    store = Store(":memory:")
    store.put_posts([post])
    [stored] = store.iter_posts()
    assert stored.media == post.media
    out = io.BytesIO()
    export_posts([stored], "jsonl", out)
    assert orjson.loads(out.getvalue())["media"][0]["key"] == "3_1"
    [[back]] = list(read_lines(out.getvalue().splitlines(), "e", IngestStats(), Quarantine()))
    assert isinstance(back, Post) and back.media == post.media
    out = io.BytesIO()
    export_posts([stored], "csv", out)
    [(_, csv_back, _)] = read_rows(text_lines(io.BytesIO(out.getvalue())), DEFAULT_MAP)
    assert isinstance(csv_back, Post) and csv_back.media == post.media


def test_a_csv_media_cell_that_is_not_media_is_refused_with_the_column() -> None:
    rows = ["id,text,created_at,media", '1,hi,2023-03-01T00:00:00Z,[{"url": 1}]']
    [(_, error, _)] = read_rows(rows, DEFAULT_MAP)
    assert isinstance(error, FormatError) and "media" in str(error)


def test_a_schema_3_store_is_migrated_and_keeps_its_posts(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Store(path) as store:
        store.put_posts(
            [
                Post(
                    platform="x",
                    id="0",
                    text="old",
                    created_at=datetime(2023, 1, 1, tzinfo=UTC),
                    author=Author(id="7"),
                )
            ]
        )
    db = sqlite3.connect(path)  # make it what foretold 3 left: no media column, no readings
    db.execute("DROP TABLE image_readings")
    db.execute("ALTER TABLE posts DROP COLUMN media")
    db.execute("PRAGMA user_version = 3")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        [old] = store.iter_posts()
        assert old.text == "old" and old.media == ()
        store.put_posts([_post_with_media()])
        assert [p.media for p in store.iter_posts()][1] == _post_with_media().media
        store.put_image_readings([ImageReading("x", "1", 0, "ff00", "ONE JOB", None)])
        row = store.db.execute("SELECT * FROM image_readings").fetchone()
        assert row == ("x", "1", 0, "ff00", "ONE JOB", None)


def test_image_readings_are_replaced_when_read_again() -> None:
    store = Store(":memory:")
    store.put_image_readings([ImageReading("x", "1", 0, "aa", "first", None)])
    store.put_image_readings([ImageReading("x", "1", 0, "aa", "second", "/c/ab.jpg"),
                              ImageReading("x", "1", 1, None, None, None)])  # fmt: skip
    rows = store.db.execute("SELECT idx, text, cache_path FROM image_readings ORDER BY idx")
    assert rows.fetchall() == [(0, "second", "/c/ab.jpg"), (1, None, None)]


def _campaign_store(hashes: list[tuple[str, str, str]]) -> Store:
    """Posts ``(id, author, phash)`` in campaign askjpm, one picture each, a minute apart."""
    store = Store(":memory:")
    posts = [
        Post(platform="x", id=pid, text="", created_at=datetime(2023, 3, 1, 9, i, tzinfo=UTC),
             author=Author(id=author), media=(Media("photo", None, f"alt {pid}", pid),))
        for i, (pid, author, _) in enumerate(hashes)
    ]  # fmt: skip
    store.write_batch(posts, [], [("askjpm", "x", p.id) for p in posts])
    store.put_image_readings(
        ImageReading("x", pid, 0, h, "NO REFUNDS" if h else None, None) for pid, _, h in hashes
    )
    return store


def test_repeated_images_counts_posts_and_accounts_per_phash() -> None:
    store = _campaign_store([("1", "a", "ffff0000ffff0000"), ("2", "b", "ffff0000ffff0000"),
                             ("3", "b", "ffff0000ffff0000"), ("4", "c", "0000ffff0000ffff"),
                             ("5", "d", "ffff0000ffff0001")])  # fmt: skip
    top = store.repeated_images("askjpm")
    assert [(g["phash"], g["posts"], g["accounts"]) for g in top] == [
        ("ffff0000ffff0000", 3, 2), ("0000ffff0000ffff", 1, 1), ("ffff0000ffff0001", 1, 1),
    ]  # fmt: skip
    assert top[0]["example"] == {"platform": "x", "id": "1", "index": 0}
    assert top[0]["text"] == "NO REFUNDS" and top[0]["alt_text"] == "alt 1"
    # one bit apart: the same meme re-saved; it joins the bigger group
    near = store.repeated_images("askjpm", near=4)
    assert [(g["phash"], g["posts"]) for g in near] == [
        ("ffff0000ffff0000", 4), ("0000ffff0000ffff", 1),
    ]  # fmt: skip
    # a time range: the first two minutes only
    start = int(datetime(2023, 3, 1, 9, 0, tzinfo=UTC).timestamp() * 1e6)
    ranged = store.repeated_images("askjpm", since_us=start, until_us=start + 120_000_000)
    assert [(g["phash"], g["posts"]) for g in ranged] == [("ffff0000ffff0000", 2)]
    assert store.repeated_images("other") == []


def test_a_schema_3_store_reads_read_only_without_migrating(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Store(path) as store:
        store.put_posts([Post(platform="x", id="1", text="old", author=Author(id="a"),
                              created_at=datetime(2013, 11, 13, tzinfo=UTC))])  # fmt: skip
    db = sqlite3.connect(path)  # what foretold 3 left: no media column, no readings
    db.execute("DROP TABLE image_readings")
    db.execute("ALTER TABLE posts DROP COLUMN media")
    db.execute("PRAGMA user_version = 3")
    db.commit()
    db.close()
    before = path.read_bytes()
    with Store(path, readonly=True) as store:
        [old] = store.iter_posts()
        assert old.text == "old" and old.media == ()
        assert store.image_readings_of([("x", "1")]) == {}
        assert store.db.execute("PRAGMA main.user_version").fetchone()[0] == 3
    assert path.read_bytes() == before  # nothing written: still schema 3
