"""Campaigns: matching rules and foretold.toml loading."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from foretold.campaigns import Campaign, load_config
from foretold.errors import ConfigError
from foretold.post import Author, Post, Ref


def _post(text: str = "", **kw: object) -> Post:
    return Post(
        platform="x",
        id="1",
        text=text,
        created_at=datetime(2013, 11, 13, tzinfo=UTC),
        author=Author(id="1", handle=str(kw.pop("handle", "ann"))),
        **kw,
    )  # type: ignore[arg-type]


JPM = Campaign(
    name="askjpm", hashtags=("#AskJPM",), handles=("@JPMorgan",), keywords=("JP Morgan",)
)


@pytest.mark.parametrize(
    ("post", "expected"),
    [
        (_post(hashtags=("askjpm",)), True),
        (_post(hashtags=("askbg",)), False),
        (_post(mentions=("jpmorgan",)), True),
        (_post(handle="JPMorgan"), True),  # the brand's own posts
        (_post(reply_to=Ref("9", "1", "JPMorgan"), kind="reply"), True),
        (_post(repost_of=Ref("9", "1", "jpmorgan"), kind="repost"), True),
        (_post("Why would anyone trust jp morgan?"), True),
        (_post("JP Morganstanley is another bank"), False),  # whole words only
        (_post("nothing to see"), False),
    ],
)
def test_a_post_belongs_by_hashtag_handle_reference_or_keyword(post: Post, expected: bool) -> None:
    assert JPM.matches(post) is expected


def test_track_terms_make_a_named_campaign() -> None:
    c = Campaign.from_track(["#AskJPM", "@jpmorgan", "JP Morgan"])
    assert (c.name, c.hashtags, c.handles, c.keywords) == (
        "askjpm",
        ("askjpm",),
        ("jpmorgan",),
        ("JP Morgan",),
    )


def test_a_campaign_must_track_something() -> None:
    with pytest.raises(ConfigError, match="tracks nothing"):
        Campaign(name="empty")


def test_config_file_reads_campaigns_sources_and_sinks(tmp_path: Path) -> None:
    path = tmp_path / "foretold.toml"
    path.write_text(
        """
[[campaign]]
name = "askjpm"
hashtags = ["#AskJPM"]
handles = ["@jpmorgan"]
owner = "@jpmorgan"
launched_at = "2013-11-06T15:00:00Z"
sinks = ["comms-slack"]

[[source]]
type = "file"
path = "collected.jsonl"

[[sink]]
name = "comms-slack"
type = "slack"
url_env = "SLACK_WEBHOOK_URL"
""",
        encoding="utf-8",
    )
    config = load_config(path)
    [c] = config.campaigns
    assert c.launched_at == datetime(2013, 11, 6, 15, tzinfo=UTC) and c.sinks == ("comms-slack",)
    assert config.sources[0]["type"] == "file" and config.sinks[0]["url_env"] == "SLACK_WEBHOOK_URL"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[campaign]]\nhashtags = ['#a']\n", "needs a name"),
        ("[[campaign]]\nname = 'a'\nhashtags = 'x'\n", "hashtags must be a list of strings"),
        ("[[campaign]\n", "not valid TOML"),
        ("[[campaign]]\nname='a'\nhashtags=['#a']\n[[campaign]]\nname='a'\nhashtags=['#b']\n",
         "names must be unique"),
    ],
)  # fmt: skip
def test_config_errors_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "foretold.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(path)
