"""Build a twarc2-flattened stream of N posts for benchmarks, from real tweets.

Texts, authors' follower counts and timing come from the PHEME Germanwings
stream in ``../shared/data`` (real tweets); each of the N posts takes one of them
in turn, with its own id, time and entities, in the exact shape ``twarc2
flatten`` writes (author embedded, referenced tweets, ``__twarc``). When the
shared data is absent a fixed built-in text set is used, and the script says so.
"""

from __future__ import annotations

import csv
import gzip
import random
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
_HASHTAG = re.compile(r"#(\w+)")
_MENTION = re.compile(r"@(\w{1,15})")
_URL = re.compile(r"https?://\S+")


def real_tweets(data: Path = DATA) -> list[dict[str, str]]:
    path = data / "pheme" / "germanwings-crash.csv"
    if not path.exists():
        print(f"note: {path} absent; using built-in texts", file=sys.stderr)
        return [
            {
                "text": f"Built-in benchmark text {i} #Tag @user https://example.com/{i}",
                "user.handle": f"user{i}",
                "user.followers_count": str(10 * i),
            }
            for i in range(50)
        ]
    with path.open(encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if isinstance(r.get("text"), str)]


def entities(text: str) -> dict[str, list[dict[str, object]]]:
    out: dict[str, list[dict[str, object]]] = {}
    tags = [
        {"start": m.start(), "end": m.end(), "tag": m.group(1)} for m in _HASHTAG.finditer(text)
    ]
    mentions = [
        {
            "start": m.start(),
            "end": m.end(),
            "username": m.group(1),
            "id": str(abs(hash(m.group(1))) % 10**9),
        }
        for m in _MENTION.finditer(text)
    ]
    urls = [
        {
            "start": m.start(),
            "end": m.end(),
            "url": m.group(0),
            "expanded_url": f"https://www.example-news.com/story/{m.start()}",
            "display_url": "example-news.com/story/…",
        }
        for m in _URL.finditer(text)
    ]
    if tags:
        out["hashtags"] = tags
    if mentions:
        out["mentions"] = mentions
    if urls:
        out["urls"] = urls
    return out


def make_stream(n: int, out: Path, seed: int = 7) -> Path:
    rng = random.Random(seed)
    tweets = real_tweets()
    start = datetime(2015, 3, 24, 9, 0, tzinfo=UTC)
    opener = gzip.open if out.suffix == ".gz" else open
    with opener(out, "wb") as f:
        for i in range(n):
            src = tweets[i % len(tweets)]
            t = start + timedelta(milliseconds=i * 250)
            tid = str(((int(t.timestamp() * 1000) - 1288834974657) << 22) + i % 4096)
            author_id = str(1000 + rng.randrange(50_000))
            followers = int(float(src.get("user.followers_count") or 0))
            text = src["text"]
            tweet: dict[str, object] = {
                "id": tid,
                "text": text,
                "created_at": t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z",
                "author_id": author_id,
                "conversation_id": tid,
                "lang": "en",
                "possibly_sensitive": False,
                "source": "Twitter for iPhone",
                "reply_settings": "everyone",
                "edit_history_tweet_ids": [tid],
                "public_metrics": {
                    "retweet_count": rng.randrange(5),
                    "reply_count": rng.randrange(3),
                    "like_count": rng.randrange(20),
                    "quote_count": 0,
                    "bookmark_count": 0,
                    "impression_count": rng.randrange(2000),
                },
                "entities": entities(text),
                "author": {
                    "id": author_id,
                    "username": src.get("user.handle") or f"u{author_id}",
                    "name": src.get("user.name") or "",
                    "created_at": "2011-05-01T10:00:00.000Z",
                    "description": "Views my own. Reading, writing, travelling.",
                    "verified": False,
                    "protected": False,
                    "location": "Europe",
                    "profile_image_url": "https://pbs.twimg.com/profile_images/1/x_normal.jpg",
                    "public_metrics": {
                        "followers_count": followers,
                        "following_count": 300,
                        "tweet_count": 4000,
                        "listed_count": 3,
                        "like_count": 90,
                    },
                },
                "__twarc": {
                    "url": "https://api.twitter.com/2/tweets/search/all?query=germanwings",
                    "version": "2.14.0",
                    "retrieved_at": "2015-03-25T00:00:00+00:00",
                },
            }
            if i % 3 == 1:  # a third reply to an earlier post, as in a real thread
                parent = str(int(tid) - 4096)
                tweet["referenced_tweets"] = [{"type": "replied_to", "id": parent}]
                tweet["in_reply_to_user_id"] = "1001"
                tweet["conversation_id"] = parent
            f.write(orjson.dumps(tweet) + b"\n")
    return out


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    path = make_stream(n, Path(sys.argv[2] if len(sys.argv) > 2 else "bench-twarc2.jsonl"))
    print(f"wrote {n:,} posts to {path}")
