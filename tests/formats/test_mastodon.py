"""The Mastodon Status reader against recorded-shape statuses (read from mastodon.social)."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from foretold.errors import FormatError
from foretold.formats import mastodon
from foretold.post import Deletion, Post, Ref
from tests.formats.sweep import mutations

FIXTURE = Path(__file__).parent.parent / "fixtures" / "mastodon" / "statuses.jsonl"
LINES = FIXTURE.read_bytes().splitlines()

GUARDIAN = "https://www.theguardian.com/business/2024/sep/09/brand-qa-backfires"
BRAND_STATUS = "https://mastodon.social/users/brand/statuses/113107000000000001"


def _obj(n: int) -> dict[str, Any]:
    """The fixture's line ``n`` (1-based), decoded."""
    obj: dict[str, Any] = orjson.loads(LINES[n - 1])
    return obj


def _post(n: int) -> Post:
    [post] = mastodon.parse(_obj(n), LINES[n - 1])
    assert isinstance(post, Post)
    return post


def _content(html: str, **fields: Any) -> Post:
    [post] = mastodon.parse(_obj(6) | {"content": html, **fields}, b"")
    assert isinstance(post, Post)
    return post


def test_matches_every_status() -> None:
    assert all(mastodon.matches(orjson.loads(line)) for line in LINES)


@pytest.mark.parametrize(
    "obj",
    [
        {"id_str": "1", "text": "hi", "user": {"id_str": "7"}},
        {"id": "1", "text": "hi", "author_id": "7", "author": {"id": "7"}},
        {"did": "did:plc:x", "time_us": 1, "kind": "commit"},
        {"platform": "mastodon", "id": "https://x", "author": {"id": "1", "handle": "a"}},
    ],
    ids=["x_v1", "x_v2", "jetstream", "native"],
)
def test_does_not_match_other_shapes(obj: dict[str, Any]) -> None:
    assert not mastodon.matches(obj)


def test_post_id_is_the_status_uri() -> None:
    assert _post(1).key == (
        "mastodon",
        "https://hachyderm.io/users/ann/statuses/113107100000000002",
    )


def test_status_url_stays_in_raw() -> None:
    post = _post(1)
    assert post.raw == LINES[0]
    assert orjson.loads(post.raw)["url"] == "https://hachyderm.io/@ann/113107100000000002"


def test_html_content_becomes_plain_text() -> None:
    assert _post(1).text == (
        '@brand Q&A? "Ask us anything" <3 😂\n'
        f"Here's how that went: {GUARDIAN}\n\n"
        "#AskBrand #PRfail"
    )


def test_invisible_and_ellipsis_spans_keep_the_whole_url() -> None:
    assert GUARDIAN in _post(1).text


def test_links_leave_out_mention_and_hashtag_links() -> None:
    post = _post(1)
    assert post.urls == (GUARDIAN,)
    assert post.domains == ("theguardian.com",)


def test_card_url_is_added_to_links() -> None:
    post = _content("<p>no links here</p>", card={"url": "https://example.org/story"})
    assert post.urls == ("https://example.org/story",)


def test_hashtags_come_from_tags_lower_cased() -> None:
    assert _post(1).hashtags == ("askbrand", "prfail")


def test_mentions_are_qualified_with_their_domain() -> None:
    assert _post(1).mentions == ("brand@mastodon.social",)


def test_author_is_read_from_account() -> None:
    author = _post(1).author
    assert (author.id, author.handle, author.name) == ("110001", "ann@hachyderm.io", "Ann 🦋")
    assert (author.followers, author.following, author.posts) == (1520, 300, 4100)
    assert author.created_at == datetime(2022, 11, 5, tzinfo=UTC)
    assert author.verified is False


def test_local_account_handle_gets_the_domain_of_its_url() -> None:
    assert _post(2).repost_of == Ref(BRAND_STATUS, "109302", "brand@mastodon.social")


def test_account_note_html_becomes_plain_description() -> None:
    assert _post(1).author.description == "Sceptic.\nOpinions mine."


def test_counts_include_quotes() -> None:
    counts = _post(1).counts
    assert (counts.reposts, counts.replies, counts.likes, counts.quotes) == (21, 3, 44, 2)


def test_created_at_is_aware_utc() -> None:
    assert _post(1).created_at == datetime(2024, 9, 9, 19, 46, 2, tzinfo=UTC)


def test_reblog_is_a_repost_with_the_reblogged_text() -> None:
    post = _post(2)
    assert post.kind == "repost"
    assert post.text == "Got a question for our CEO? Ask with #AskBrand — we answer Thursday!"
    assert post.hashtags == ("askbrand",)
    assert post.lang == "en"


def test_reblog_author_and_time_are_the_boosters() -> None:
    post = _post(2)
    assert post.author.handle == "newsbot@botsin.space"
    assert post.created_at == datetime(2024, 9, 9, 19, 50, tzinfo=UTC)


def test_reply_refers_to_local_ids_and_the_mentioned_parent_author() -> None:
    post = _post(3)
    assert post.kind == "reply"
    assert post.reply_to == Ref("113107000000000001", "109302", "brand@mastodon.social")


def test_rtl_arabic_content_is_kept() -> None:
    post = _post(3)
    assert post.text == "@brand هل ستجيبون على الأسئلة الصعبة؟ #AskBrand"
    assert post.lang == "ar"


def test_quote_entity_makes_a_quote_of_the_quoted_uri() -> None:
    post = _post(4)
    assert post.kind == "quote"
    assert post.quote_of == Ref(BRAND_STATUS, "109302", "brand@mastodon.social")


def test_quote_inline_fallback_is_left_out_of_text_and_links() -> None:
    post = _post(4)
    assert post.text == "Bold move. Let's see how it goes 🍿 #AskBrand"
    assert post.urls == ()


def test_shallow_quote_refers_to_the_quoted_local_id() -> None:
    post = _post(5)
    assert post.kind == "quote"
    assert post.quote_of == Ref("113107000000000001")


def test_spoiler_text_comes_before_the_content() -> None:
    assert _post(5).text == "brand drama\n\nThey really did not think this through"


def test_pending_quote_with_nothing_to_point_to_is_an_original() -> None:
    post = _post(6)
    assert post.kind == "original"
    assert post.quote_of is None


def test_paragraph_breaks_do_not_pile_up() -> None:
    assert _content("<p>one<br></p><p>two</p><p></p><p>three</p>").text == "one\n\ntwo\n\nthree"


def test_unknown_tags_are_stripped_and_their_text_kept() -> None:
    html = "<p><strong>bold</strong> &amp; <em>light</em></p><ul><li>a</li><li>b</li></ul>"
    assert _content(html).text == "bold & light\n\na\nb"


def test_broken_html_is_read_as_far_as_it_goes() -> None:
    assert _content("<p>unclosed <a href='https://x.example/'>link").urls == ("https://x.example/",)


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        ({k: v for k, v in _obj(1).items() if k != "uri"}, "status.uri: missing id"),
        (_obj(1) | {"uri": 5}, "status.uri: expected text, got int"),
        ({k: v for k, v in _obj(1).items() if k != "id"}, "status.id: missing id"),
        (_obj(1) | {"created_at": "tuesday"}, "status.created_at: not an ISO-8601 time"),
        (_obj(1) | {"account": None}, "account: expected an object, got NoneType"),
        (
            _obj(1) | {"account": _obj(1)["account"] | {"followers_count": "1.5k"}},
            "account.followers_count: expected an integer, got str",
        ),
        (
            _obj(1) | {"account": _obj(1)["account"] | {"acct": 7}},
            "account.acct: expected text, got int",
        ),
        (_obj(1) | {"favourites_count": "44"}, "status.favourites_count: expected an integer"),
        (_obj(1) | {"content": 12}, "status.content: expected HTML text, got int"),
        (_obj(1) | {"tags": [{"url": "x"}]}, "status.tags[].name: expected text"),
        (_obj(1) | {"mentions": "brand"}, "status.mentions: expected a list of objects"),
        (_obj(1) | {"card": {"url": None}}, "status.card.url: expected text"),
        (_obj(2) | {"reblog": "yes"}, "status.reblog: expected a status, got str"),
        (
            _obj(2) | {"reblog": _obj(2)["reblog"] | {"content": []}},
            "status.reblog.content: expected HTML text",
        ),
        (_obj(3) | {"in_reply_to_id": 1.5}, "status.in_reply_to_id: expected an id"),
        (_obj(4) | {"quote": "yes"}, "status.quote: expected an object, got str"),
        (
            _obj(4) | {"quote": {"state": "accepted", "quoted_status": {"uri": "x"}}},
            "status.quote.quoted_status.account: expected an object",
        ),
        (_obj(5) | {"spoiler_text": ["cw"]}, "status.spoiler_text: expected text"),
    ],
    ids=[
        "uri_missing",
        "uri_int",
        "id_missing",
        "created_at_bad",
        "account_null",
        "followers_str",
        "acct_int",
        "favourites_str",
        "content_int",
        "tag_without_name",
        "mentions_str",
        "card_url_null",
        "reblog_str",
        "reblog_content_list",
        "in_reply_to_float",
        "quote_str",
        "quoted_without_account",
        "spoiler_list",
    ],
)
def test_malformed_statuses_raise_format_error_naming_the_field(
    obj: dict[str, Any], reason: str
) -> None:
    with pytest.raises(FormatError) as error:
        mastodon.parse(obj, b"")
    assert reason in error.value.reason


_BROKEN_HTML = "<p><a href='x'>&#0;<![if"


def _mutations(obj: Any) -> Iterator[Any]:
    return mutations(obj, extra=(_BROKEN_HTML,))


@pytest.mark.parametrize("n", range(1, len(LINES) + 1))
def test_mutated_statuses_raise_only_format_error(n: int) -> None:
    for mutated in _mutations(_obj(n)):
        with contextlib.suppress(FormatError):
            records = mastodon.parse(copy.deepcopy(mutated), b"")
            assert all(isinstance(r, Post | Deletion) for r in records)
