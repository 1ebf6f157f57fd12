"""The written posts: twarc2-flattened X API v2 tweets the foundation's reader takes back."""

from __future__ import annotations

import io
import re
from collections import Counter
from typing import Any

import orjson
import pytest

from foretold.formats import x_v2
from foretold.post import Post
from foretold.simulate.library import scenario
from foretold.simulate.stream import simulate
from foretold.simulate.text import TextPools
from foretold.simulate.twarc import write_jsonl


def _tweets(name: str, seed: int, pools: TextPools) -> list[dict[str, Any]]:
    buf = io.BytesIO()
    write_jsonl(simulate(scenario(name), seed), pools, buf)
    return [orjson.loads(line) for line in buf.getvalue().splitlines()]


@pytest.fixture(scope="module")
def askjpm(pools: TextPools) -> list[dict[str, Any]]:
    return _tweets("askjpm", 1, pools)


def test_the_reader_takes_every_line_back(askjpm: list[dict[str, Any]]) -> None:
    kinds: Counter[str] = Counter()
    for obj in askjpm:
        assert x_v2.matches(obj)
        for post in x_v2.parse(obj, orjson.dumps(obj)):
            assert isinstance(post, Post)
            kinds[post.kind] += 1
    assert set(kinds) == {"original", "reply", "repost", "quote"}


def test_entity_offsets_point_into_the_text(askjpm: list[dict[str, Any]]) -> None:
    for obj in askjpm:
        text, ents = obj["text"], obj.get("entities", {})
        for e in ents.get("hashtags", []):
            assert text[e["start"] : e["end"]] == "#" + e["tag"]
        for e in ents.get("mentions", []):
            assert text[e["start"] : e["end"]] == "@" + e["username"]
        for e in ents.get("urls", []):
            assert text[e["start"] : e["end"]] == e["url"]


def test_retweets_look_like_the_api(askjpm: list[dict[str, Any]]) -> None:
    by_id = {o["id"]: o for o in askjpm}
    for obj in askjpm:
        refs = obj.get("referenced_tweets", [])
        if refs and refs[0]["type"] == "retweeted":
            orig = by_id[refs[0]["id"]]
            prefix = f"RT @{orig['author']['username']}: "
            assert obj["text"].startswith(prefix) and len(obj["text"]) <= 140 + len(prefix)
            assert obj["entities"]["mentions"][0]["username"] == orig["author"]["username"]


def test_replies_name_whom_they_answer(askjpm: list[dict[str, Any]]) -> None:
    by_id = {o["id"]: o for o in askjpm}
    for obj in askjpm:
        refs = obj.get("referenced_tweets", [])
        if refs and refs[0]["type"] == "replied_to":
            parent = by_id[refs[0]["id"]]
            assert obj["in_reply_to_user_id"] == parent["author_id"]
            assert obj["text"].startswith("@" + parent["author"]["username"])
            assert obj["conversation_id"] == parent["conversation_id"]


def test_every_original_carries_the_campaign(askjpm: list[dict[str, Any]]) -> None:
    pattern = re.compile(r"#askjpm|@jpmorgan|jp ?morgan", re.IGNORECASE)
    originals = [o for o in askjpm if "referenced_tweets" not in o]
    assert all(pattern.search(o["text"]) for o in originals)


def test_the_hashtag_is_woven_in_varied_places(askjpm: list[dict[str, Any]]) -> None:
    where: Counter[str] = Counter()
    spellings: Counter[str] = Counter()
    for o in askjpm:
        if "referenced_tweets" in o:
            continue
        for e in o.get("entities", {}).get("hashtags", []):
            if e["tag"].lower() == "askjpm":
                spellings[e["tag"]] += 1
                pos = (
                    "start"
                    if e["start"] == 0
                    else "end"
                    if e["end"] >= len(o["text"]) - 24
                    else "middle"
                )
                where[pos] += 1
    total = sum(where.values())
    assert all(where[k] / total > 0.05 for k in ("start", "middle", "end"))
    assert len(spellings) >= 3


def test_the_chronicle_posts_appear_at_their_times(askjpm: list[dict[str, Any]]) -> None:
    texts = {o["text"]: o["created_at"] for o in askjpm if "referenced_tweets" not in o}
    joke = "@jpmorgan Is it true “JPM stands for “Just Pay More”? #AskJPM 😉"
    assert texts[joke].startswith("2013-11-11T15:10")
    cancel = [t for t in texts if t.startswith("Tomorrow’s #AskJPM Q&A is cancelled")]
    assert len(cancel) == 1


def test_bots_repeat_near_identical_text(pools: TextPools) -> None:
    tweets = _tweets("spam_burst", 1, pools)
    bots = [o["text"] for o in tweets if o["source"] in ("twittbot.net", "IFTTT", "dlvr.it")]
    stems = Counter(re.sub(r"https://t\.co/\w+|#\w+|\W", "", t.lower())[:40] for t in bots)
    assert len(bots) > 1000 and stems.most_common(1)[0][1] > len(bots) / 10


def test_the_writer_runs_without_the_real_data(tiny_pools: TextPools) -> None:
    buf = io.BytesIO()
    stream = simulate(scenario("benign_qa"), seed=2)
    assert write_jsonl(stream, tiny_pools, buf) == len(stream)
    assert len(buf.getvalue().splitlines()) == len(stream)


def test_writing_is_deterministic(tiny_pools: TextPools) -> None:
    a, b = io.BytesIO(), io.BytesIO()
    write_jsonl(simulate(scenario("benign_qa"), seed=2), tiny_pools, a)
    write_jsonl(simulate(scenario("benign_qa"), seed=2), tiny_pools, b)
    assert a.getvalue() == b.getvalue()
