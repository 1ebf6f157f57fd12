"""The X API v2 reader against twarc2-flattened lines and raw response pages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from foretold.errors import FormatError
from foretold.formats import detect, x_v2
from foretold.post import Post, Ref

FIXTURES = Path(__file__).parent.parent / "fixtures" / "x_v2"
FLAT = (FIXTURES / "flattened.jsonl").read_bytes().splitlines()
PAGES = (FIXTURES / "pages.jsonl").read_bytes().splitlines()


def _posts(line: bytes) -> list[Post]:
    records = x_v2.parse(orjson.loads(line), line)
    assert all(isinstance(r, Post) for r in records)
    return [r for r in records if isinstance(r, Post)]


def _flat(n: int) -> Post:
    [post] = _posts(FLAT[n - 1])
    return post


def test_every_fixture_line_is_detected_as_x_v2() -> None:
    assert all(detect(orjson.loads(line)) is x_v2 for line in FLAT + PAGES)


def test_original_tweet_has_author_counts_and_entities() -> None:
    post = _flat(1)
    assert post.platform == "x" and post.id == "1631000000000000001"
    assert post.created_at == datetime(2023, 3, 1, 9, 0, tzinfo=UTC)
    assert post.kind == "original"
    assert post.author.handle == "jpmorgan" and post.author.followers == 512000
    assert post.author.verified is True
    assert post.author.created_at == datetime(2010, 1, 5, 12, 0, tzinfo=UTC)
    assert (post.counts.replies, post.counts.quotes) == (6000, 300)
    assert post.hashtags == ("askjpm",) and post.mentions == ("jpmorgan",)
    assert post.raw == FLAT[0]


def test_emoji_text_keeps_expanded_url_and_domain() -> None:
    post = _flat(2)
    assert post.text.startswith("😂😂 What is the maximum")
    assert post.urls == ("https://www.reuters.com/business/jpmorgan-fine-2013",)
    assert post.domains == ("reuters.com",)
    assert post.created_at.microsecond == 345000


def test_reply_names_the_parent_and_its_author() -> None:
    post = _flat(3)
    assert post.kind == "reply"
    assert post.reply_to == Ref("1631000000000000001", "18922723", "jpmorgan")
    assert post.conversation_id == "1631000000000000001"


def test_retweet_is_a_repost_with_the_full_original_text_and_no_own_counts() -> None:
    post = _flat(4)
    assert post.kind == "repost"
    assert post.repost_of == Ref("1631000000000000003", "18594519", "OccupyWallSt")
    assert post.text == (
        "RT @OccupyWallSt: @jpmorgan Did you ask the foreclosed families for questions too? #AskJPM"
    )
    assert "askjpm" in post.hashtags  # from the original's entities
    assert post.counts.reposts == 0


def test_rtl_quote_keeps_text_and_language() -> None:
    post = _flat(5)
    assert post.kind == "quote" and post.lang == "ar"
    assert post.text == "هذا هو السؤال الحقيقي #AskJPM"
    assert post.quote_of is not None and post.quote_of.author_handle == "OccupyWallSt"


def test_withheld_tweet_is_kept_and_flagged() -> None:
    post = _flat(6)
    assert post.withheld is True
    assert post.created_at == datetime(2023, 3, 1, 9, 9, tzinfo=UTC)


def test_long_post_takes_note_tweet_text() -> None:
    post = _flat(7)
    assert post.text.endswith("#AskJPM") and len(post.text) > 280
    assert post.hashtags == ("askjpm",)  # from note_tweet.entities


def test_reply_to_unavailable_tweet_keeps_id_and_reply_user() -> None:
    post = _flat(8)
    assert post.reply_to == Ref("1630999999999999999", "999", "")
    assert post.mentions == ("ghost",)


def test_page_joins_authors_and_referenced_tweets_from_includes() -> None:
    reply, retweet = _posts(PAGES[0])
    assert reply.author.handle == "OccupyWallSt" and reply.author.followers == 192000
    assert reply.reply_to == Ref("1631000000000000001", "18922723", "jpmorgan")
    assert retweet.kind == "repost" and retweet.author.handle == "ann_q"
    assert retweet.text.startswith("RT @OccupyWallSt: @jpmorgan Did you ask")
    assert orjson.loads(reply.raw)["id"] == reply.id  # each tweet keeps its own raw record


def test_page_with_errors_still_reads_its_data() -> None:
    [quote] = _posts(PAGES[1])
    assert quote.author.handle == "arabic_user"


@pytest.mark.parametrize("line", [2, 3], ids=["empty_page", "errors_only"])
def test_page_without_data_holds_no_posts(line: int) -> None:
    assert _posts(PAGES[line]) == []


def test_html_escapes_in_text_are_undone() -> None:
    obj = {
        "id": "1",
        "text": "Q &amp; A &lt;3 &gt; fines",
        "created_at": "2013-11-13T21:04:00Z",
        "author_id": "7",
    }
    [post] = x_v2.parse(obj, b"")
    assert isinstance(post, Post) and post.text == "Q & A <3 > fines"


def _base() -> dict[str, Any]:
    obj: dict[str, Any] = orjson.loads(FLAT[2])
    return obj


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"id": None}, "tweet.id: missing id"),
        ({"id": 1.5}, "tweet.id: expected an id, got float"),
        ({"text": 7}, "tweet.text: expected text, got int"),
        ({"created_at": "yesterday"}, "tweet.created_at: not an ISO-8601 time"),
        ({"created_at": 1384376640}, "tweet.created_at: expected ISO-8601 text, got int"),
        ({"public_metrics": {"retweet_count": "9"}}, "retweet_count: expected an integer"),
        ({"referenced_tweets": [{"type": "liked", "id": "1"}]}, "referenced_tweets[].type"),
        ({"entities": {"hashtags": [{"no_tag": 1}]}}, "entities: malformed"),
        ({"author": {"public_metrics": {"followers_count": "many"}}}, "followers_count"),
    ],
)
def test_malformed_tweet_raises_format_error_naming_the_field(
    change: dict[str, Any], reason: str
) -> None:
    obj = {**_base(), **change}
    with pytest.raises(FormatError) as err:
        x_v2.parse(obj, b"")
    assert reason in err.value.reason
