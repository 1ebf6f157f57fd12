"""The X API v1.1 reader against recorded-shape tweets and stream notices."""

from __future__ import annotations

import contextlib
import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from foretold.errors import FormatError
from foretold.formats import x_v1
from foretold.post import Deletion, Post, Ref
from tests.formats.sweep import mutations

FIXTURE = Path(__file__).parent.parent / "fixtures" / "x_v1" / "tweets.jsonl"
LINES = FIXTURE.read_bytes().splitlines()


def _obj(n: int) -> dict[str, Any]:
    """The fixture's line ``n`` (1-based), decoded."""
    obj: dict[str, Any] = orjson.loads(LINES[n - 1])
    return obj


def _post(n: int) -> Post:
    [post] = x_v1.parse(_obj(n), LINES[n - 1])
    assert isinstance(post, Post)
    return post


def test_matches_tweets_and_stream_notices() -> None:
    assert all(x_v1.matches(orjson.loads(line)) for line in LINES)


@pytest.mark.parametrize(
    "obj",
    [
        {"id": "1", "text": "hi", "author_id": "7", "author": {"id": "7"}, "user": {}},
        {"data": [{"id": "1", "text": "hi"}], "includes": {}},
        {"did": "did:plc:x", "time_us": 1, "kind": "identity"},
        {"id": "1", "uri": "https://m.example/1", "account": {}, "created_at": "x"},
        {"platform": "x", "id": "1", "author": {"id": "7", "handle": "ann"}},
        {"delete": {}, "something": "else"},
    ],
    ids=["x_v2_flat", "x_v2_page", "jetstream", "mastodon", "native", "two_keys"],
)
def test_does_not_match_other_shapes(obj: dict[str, Any]) -> None:
    assert not x_v1.matches(obj)


def test_extended_tweet_full_text_replaces_truncated_text() -> None:
    post = _post(1)
    assert post.text == (
        "Dear @jpmorgan 🤔💸 Q & A time: how many foreclosures does it take to earn a bonus? "
        "Asking for a friend who lost a house #AskJPM https://t.co/AbCdEf1234"
    )


def test_html_escapes_in_text_are_undone() -> None:
    obj = _obj(5) | {"text": "a &lt;b&gt; &amp;amp; c"}
    [post] = x_v1.parse(obj, b"")
    assert isinstance(post, Post)
    assert post.text == "a <b> &amp; c"


def test_entities_come_from_extended_tweet_not_truncated_text() -> None:
    post = _post(1)
    assert post.hashtags == ("askjpm",)
    assert post.mentions == ("jpmorgan",)
    assert post.urls == ("https://www.reuters.com/article/jpmorgan-twitter-idUSBRE9AD1B620131114",)
    assert post.domains == ("reuters.com",)


def test_author_is_read_from_user() -> None:
    author = _post(1).author
    assert (author.id, author.handle, author.name) == ("1652541", "occupywallst", "OccupyWallSt")
    assert (author.followers, author.following, author.posts) == (192034, 1002, 48211)
    assert author.verified is False
    assert author.description == "We are the 99%. We are not going away. #OWS"
    assert author.created_at == datetime(2011, 9, 18, 2, 44, 3, tzinfo=UTC)


def test_counts_are_read_from_the_tweet() -> None:
    counts = _post(1).counts
    assert (counts.reposts, counts.replies, counts.likes, counts.quotes) == (311, 17, 280, 9)


def test_created_at_is_aware_utc() -> None:
    assert _post(1).created_at == datetime(2013, 11, 13, 21, 4, tzinfo=UTC)


def test_raw_is_the_original_line() -> None:
    assert _post(1).raw == LINES[0]


def test_platform_is_x_like_the_v2_reader() -> None:
    assert _post(1).key == ("x", "400801106339553280")


def test_full_text_of_extended_mode_is_read() -> None:
    assert _post(2).text == (
        "@jpmorgan Will you answer the questions about the London Whale? #AskJPM"
    )


def test_in_reply_to_fields_make_a_reply() -> None:
    post = _post(2)
    assert post.kind == "reply"
    assert post.reply_to == Ref("400700000000000000", "3192171", "jpmorgan")


def test_quoted_status_makes_a_quote() -> None:
    post = _post(3)
    assert post.kind == "quote"
    assert post.quote_of == Ref("400700000000000000", "3192171", "jpmorgan")


def test_rtl_arabic_text_and_lang_are_kept() -> None:
    post = _post(3)
    assert post.text == "سؤال جيد جداً 😂 #AskJPM https://t.co/Qu0te00001"
    assert post.lang == "ar"
    assert post.hashtags == ("askjpm",)


def test_retweet_is_a_repost_of_the_original() -> None:
    post = _post(4)
    assert post.kind == "repost"
    assert post.repost_of == Ref("400804000000000004", "16017475", "NateSilver538")
    assert post.author.handle == "popcorn_fan"


def test_retweet_text_is_the_originals_full_text_after_rt_prefix() -> None:
    assert _post(4).text == (
        "RT @NateSilver538: This is what happens when a bank asks Twitter for love. "
        "Grab popcorn 🍿🍿 #AskJPM #PRfail https://t.co/Quoted0002 and the thread keeps "
        "growing by the minute, wow"
    )


def test_retweet_entities_merge_its_own_and_the_originals() -> None:
    post = _post(4)
    assert post.hashtags == ("askjpm", "prfail")
    assert post.mentions == ("natesilver538",)
    assert post.urls == ("https://twitter.com/jpmorgan/status/400700000000000000",)


def test_retweet_of_a_quote_is_not_itself_a_quote() -> None:
    post = _post(4)
    assert post.quote_of is None
    assert post.reply_to is None


def test_integer_ids_of_older_archives_are_read() -> None:
    post = _post(5)
    assert post.id == "400900000000000006"
    assert post.author.id == "1234567"


def test_rtl_hebrew_text_is_kept() -> None:
    post = _post(5)
    assert post.text == "שאלה לבנק: למה העמלות כל כך גבוהות? #AskJPM"
    assert post.author.name == "חוסך"


def test_null_description_reads_as_empty() -> None:
    assert _post(5).author.description == ""


def test_withheld_in_countries_marks_the_post_withheld() -> None:
    assert _post(6).withheld is True
    assert _post(1).withheld is False


def test_withheld_original_marks_the_retweet_withheld() -> None:
    obj = _obj(4)
    obj["retweeted_status"]["withheld_in_countries"] = ["XX"]
    [post] = x_v1.parse(obj, b"")
    assert isinstance(post, Post)
    assert post.withheld is True


def test_quote_of_an_unavailable_tweet_keeps_its_id() -> None:
    post = _post(7)
    assert post.kind == "quote"
    assert post.quote_of == Ref("400799999999999999")


def test_reply_that_quotes_is_a_reply_with_both_refs() -> None:
    obj = _obj(3) | {
        "in_reply_to_status_id_str": "400700000000000000",
        "in_reply_to_user_id_str": "3192171",
        "in_reply_to_screen_name": "jpmorgan",
    }
    [post] = x_v1.parse(obj, b"")
    assert isinstance(post, Post)
    assert post.kind == "reply"
    assert post.quote_of is not None


def test_delete_notice_becomes_a_deletion() -> None:
    assert x_v1.parse(_obj(8), LINES[7]) == [Deletion("x", "400801106339553280")]


@pytest.mark.parametrize("n", [9, 10, 11, 12], ids=["limit", "scrub_geo", "withheld", "warning"])
def test_other_stream_notices_give_no_records(n: int) -> None:
    assert x_v1.parse(_obj(n), LINES[n - 1]) == []


def _without(obj: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in keys}


def _with_user(obj: dict[str, Any], **user: Any) -> dict[str, Any]:
    return obj | {"user": obj["user"] | user}


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        (_without(_obj(1), "id", "id_str"), "tweet.id: missing id"),
        (_obj(1) | {"id_str": 4.5, "id": 4.5}, "tweet.id: expected an id, got float"),
        (
            _with_user(_obj(1), followers_count="many"),
            "user.followers_count: expected an integer, got str",
        ),
        (_with_user(_obj(1), screen_name=7), "user.screen_name: expected text, got int"),
        (_with_user(_obj(1), verified="yes"), "user.verified: expected true or false, got str"),
        (_obj(1) | {"user": ["ann"]}, "user: expected an object, got list"),
        (_obj(1) | {"created_at": "yesterday"}, "created_at: not an X v1.1 time"),
        (_without(_obj(5), "text"), "tweet.text: missing"),
        (_obj(5) | {"text": 12}, "tweet.text: expected text, got int"),
        (_obj(1) | {"extended_tweet": {"full_text": None}}, "tweet.extended_tweet.full_text"),
        (_obj(1) | {"retweet_count": "3"}, "retweet_count: expected an integer, got str"),
        (_obj(5) | {"entities": {"hashtags": "AskJPM"}}, "entities.hashtags: expected a list"),
        (_obj(5) | {"entities": {"hashtags": [{"text": 1}]}}, "entities.hashtags[].text"),
        (_obj(4) | {"retweeted_status": "RT"}, "retweeted_status: expected a tweet object"),
        (_obj(3) | {"quoted_status": 1}, "quoted_status: expected a tweet object, got int"),
        ({"delete": {"status": None}}, "delete.status: expected an object"),
        ({"delete": {"status": {"user_id_str": "1"}}}, "delete.status.id: missing id"),
        ({"unknown": {}}, "tweet.user: missing"),
    ],
    ids=[
        "missing_id",
        "float_id",
        "followers_str",
        "screen_name_int",
        "verified_str",
        "user_list",
        "created_at_bad",
        "text_missing",
        "text_int",
        "full_text_null",
        "retweet_count_str",
        "hashtags_not_list",
        "hashtag_text_int",
        "retweeted_status_str",
        "quoted_status_int",
        "delete_without_status",
        "delete_without_id",
        "unknown_notice",
    ],
)
def test_malformed_records_raise_format_error_naming_the_field(
    obj: dict[str, Any], reason: str
) -> None:
    with pytest.raises(FormatError) as error:
        x_v1.parse(obj, b"")
    assert reason in error.value.reason


_mutations = mutations


@pytest.mark.parametrize("n", range(1, len(LINES) + 1))
def test_mutated_records_raise_only_format_error(n: int) -> None:
    for mutated in _mutations(_obj(n)):
        with contextlib.suppress(FormatError):
            records = x_v1.parse(copy.deepcopy(mutated), b"")
            assert all(isinstance(r, Post | Deletion) for r in records)
