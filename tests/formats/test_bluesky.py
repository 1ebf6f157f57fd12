"""The Bluesky Jetstream reader against recorded-shape events."""

from __future__ import annotations

import contextlib
import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from foretold.errors import FormatError
from foretold.formats import bluesky
from foretold.post import Deletion, Post, Ref
from tests.formats.sweep import mutations

FIXTURE = Path(__file__).parent.parent / "fixtures" / "bluesky" / "jetstream.jsonl"
LINES = FIXTURE.read_bytes().splitlines()

ANN = "did:plc:z72i7hdynmk6r22z27h6tvur"
BRAND = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
BRAND_POST = f"at://{BRAND}/app.bsky.feed.post/3l3pte3p2e325"
ANN_POST = f"at://{ANN}/app.bsky.feed.post/3l3qo2vuowo2b"


def _obj(n: int) -> dict[str, Any]:
    """The fixture's line ``n`` (1-based), decoded."""
    obj: dict[str, Any] = orjson.loads(LINES[n - 1])
    return obj


def _post(n: int) -> Post:
    [post] = bluesky.parse(_obj(n), LINES[n - 1])
    assert isinstance(post, Post)
    return post


def _record(n: int, **changes: Any) -> dict[str, Any]:
    """Line ``n`` with its commit record's fields changed (``None`` removes one)."""
    obj = _obj(n)
    record = obj["commit"]["record"]
    for key, value in changes.items():
        if value is None:
            record.pop(key, None)
        else:
            record[key] = value
    return obj


def test_matches_every_jetstream_event() -> None:
    assert all(bluesky.matches(orjson.loads(line)) for line in LINES)


@pytest.mark.parametrize(
    "obj",
    [
        {"id_str": "1", "text": "hi", "user": {"id_str": "7"}},
        {"id": "1", "text": "hi", "author_id": "7", "author": {"id": "7"}},
        {"id": "1", "uri": "https://m.example/1", "account": {}, "created_at": "x"},
        {"platform": "bluesky", "id": "at://x", "author": {"id": "did:x", "handle": ""}},
    ],
    ids=["x_v1", "x_v2", "mastodon", "native"],
)
def test_does_not_match_other_shapes(obj: dict[str, Any]) -> None:
    assert not bluesky.matches(obj)


def test_post_id_is_its_at_uri() -> None:
    assert _post(1).key == ("bluesky", ANN_POST)


def test_author_is_the_repository_did_without_handle_or_followers() -> None:
    author = _post(1).author
    assert (author.id, author.handle, author.followers) == (ANN, "", None)


def test_text_with_emoji_is_kept_whole() -> None:
    assert _post(1).text == (
        "🔥🔥 Ask @brand.bsky.social anything? 😂 #AskBrand #PRfail https://bsky.app/prof…"
    )


def test_tag_facets_give_lower_cased_hashtags() -> None:
    assert _post(1).hashtags == ("askbrand", "prfail")


def test_mention_facets_give_the_mentioned_did() -> None:
    assert _post(1).mentions == (BRAND,)


def test_link_facets_give_the_full_uri_not_the_shortened_text() -> None:
    post = _post(1)
    assert post.urls == ("https://bsky.app/profile/brand.bsky.social/post/3l3pte3p2e325",)
    assert post.domains == ("bsky.app",)


def test_created_at_is_the_records_created_at() -> None:
    assert _post(1).created_at == datetime(2024, 9, 9, 19, 46, 2, 102000, tzinfo=UTC)


def test_created_at_falls_back_to_time_us_when_not_a_time() -> None:
    assert _post(6).created_at == datetime(2024, 9, 9, 19, 46, 50, 123456, tzinfo=UTC)


def test_created_at_falls_back_to_time_us_when_missing() -> None:
    [post] = bluesky.parse(_record(1, createdAt=None), b"")
    assert isinstance(post, Post)
    assert post.created_at == datetime(2024, 9, 9, 19, 46, 2, 329308, tzinfo=UTC)


def test_lang_is_the_first_of_langs() -> None:
    assert _post(1).lang == "en"
    assert _post(3).lang == "he"


def test_raw_is_the_original_line() -> None:
    assert _post(1).raw == LINES[0]


def test_original_post_is_its_own_conversation() -> None:
    post = _post(1)
    assert post.kind == "original"
    assert post.conversation_id == ANN_POST


def test_reply_points_to_the_parent_post_and_its_author() -> None:
    post = _post(2)
    assert post.kind == "reply"
    assert post.reply_to == Ref(ANN_POST, ANN)


def test_reply_conversation_is_the_thread_root() -> None:
    assert _post(2).conversation_id == BRAND_POST


def test_rtl_arabic_reply_text_and_hashtag_are_read() -> None:
    post = _post(2)
    assert post.text == "هذا سؤال محرج 😬 #AskBrand"
    assert post.hashtags == ("askbrand",)
    assert post.lang == "ar"


def test_embedded_post_record_makes_a_quote() -> None:
    post = _post(3)
    assert post.kind == "quote"
    assert post.quote_of == Ref(BRAND_POST, BRAND)
    assert post.text == "זה לא הלך כמו שתכננו #AskBrand"


def test_record_with_media_embedding_a_post_makes_a_quote() -> None:
    post = _post(4)
    assert post.kind == "quote"
    assert post.quote_of == Ref(BRAND_POST, BRAND)


def test_outline_tags_are_added_to_hashtags() -> None:
    assert _post(4).hashtags == ("askbrand", "receipts")


def test_external_embed_adds_its_url() -> None:
    post = _post(5)
    assert post.urls == ("https://www.theguardian.com/business/2024/sep/09/brand-qa-backfires",)
    assert post.domains == ("theguardian.com",)


def test_embedded_feed_generator_is_not_a_quote() -> None:
    post = _post(12)
    assert post.kind == "original"
    assert post.quote_of is None


def test_repost_record_becomes_a_repost_with_empty_text() -> None:
    post = _post(7)
    assert post.id == "at://did:web:cat.example.com/app.bsky.feed.repost/3l3qo8fffff2h"
    assert (post.kind, post.text) == ("repost", "")
    assert post.repost_of == Ref(ANN_POST, ANN)
    assert post.created_at == datetime(2024, 9, 9, 19, 46, 59, tzinfo=UTC)


def test_delete_commit_becomes_a_deletion() -> None:
    deleted = f"at://{ANN}/app.bsky.feed.post/3l3qo5ccccc2e"
    assert bluesky.parse(_obj(8), LINES[7]) == [Deletion("bluesky", deleted)]


@pytest.mark.parametrize("n", [9, 10, 11], ids=["like", "identity", "account"])
def test_events_that_are_not_posts_give_no_records(n: int) -> None:
    assert bluesky.parse(_obj(n), LINES[n - 1]) == []


def test_update_commit_is_read_like_a_create() -> None:
    obj = _obj(1)
    obj["commit"]["operation"] = "update"
    [post] = bluesky.parse(obj, b"")
    assert isinstance(post, Post)
    assert post.id == ANN_POST


def _commit(n: int, **changes: Any) -> dict[str, Any]:
    obj = _obj(n)
    obj["commit"] |= changes
    return obj


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        ({k: v for k, v in _obj(1).items() if k != "did"}, "event.did: missing"),
        (_obj(1) | {"did": "ann.bsky.social"}, "event.did: not a DID"),
        (_obj(1) | {"kind": "tombstone"}, "event.kind: expected commit, identity or account"),
        (_obj(1) | {"commit": None}, "event.commit: expected an object"),
        (_obj(1) | {"time_us": "now"}, "event.time_us: expected an integer, got str"),
        (_record(1, createdAt=None) | {"time_us": 10**20}, "event.time_us: out of range"),
        (_commit(1, rkey=None), "commit.rkey: missing"),
        (_commit(1, operation="frobnicate"), "commit.operation: expected create, update"),
        (_commit(1, record=None), "commit.record: expected an object"),
        (_record(1, text=3), "record.text: expected text, got int"),
        (_record(1, facets={}), "record.facets: expected a list"),
        (_record(1, facets=[{"features": "tag"}]), "record.facets[].features: expected a list"),
        (
            _record(1, facets=[{"features": [{"$type": "app.bsky.richtext.facet#tag"}]}]),
            "record.facets[].features[].tag: expected text",
        ),
        (_record(1, langs="en"), "record.langs: expected a list"),
        (_record(4, tags="AskBrand"), "record.tags: expected a list"),
        (_record(2, reply={"root": {}, "parent": {}}), "record.reply.parent.uri"),
        (_record(3, embed=[]), "record.embed: expected an object"),
        (
            _record(3, embed={"$type": "app.bsky.embed.record", "record": {"cid": "x"}}),
            "record.embed.record.uri: expected an at:// URI",
        ),
        (
            _record(5, embed={"$type": "app.bsky.embed.external", "external": {}}),
            "record.embed.external.uri: expected text",
        ),
        (_record(7, subject=None), "record.subject.uri: expected an at:// URI"),
    ],
    ids=[
        "did_missing",
        "did_not_a_did",
        "unknown_kind",
        "commit_null",
        "time_us_str",
        "time_us_huge",
        "rkey_missing",
        "operation_unknown",
        "record_missing",
        "text_int",
        "facets_not_list",
        "features_not_list",
        "tag_missing",
        "langs_str",
        "tags_str",
        "reply_without_uris",
        "embed_list",
        "quote_without_uri",
        "external_without_uri",
        "repost_without_subject",
    ],
)
def test_malformed_events_raise_format_error_naming_the_field(
    obj: dict[str, Any], reason: str
) -> None:
    with pytest.raises(FormatError) as error:
        bluesky.parse(obj, b"")
    assert reason in error.value.reason


_mutations = mutations


@pytest.mark.parametrize("n", range(1, len(LINES) + 1))
def test_mutated_events_raise_only_format_error(n: int) -> None:
    for mutated in _mutations(_obj(n)):
        with contextlib.suppress(FormatError):
            records = bluesky.parse(copy.deepcopy(mutated), b"")
            assert all(isinstance(r, Post | Deletion) for r in records)
