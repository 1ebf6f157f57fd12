"""What keeping ``campaign_minutes`` costs a bare ``Store.write_rows`` (issue 13).

    .venv/bin/python bench/store_write_bench.py                 # 60,000 posts, batches of 1,000
    .venv/bin/python bench/store_write_bench.py --posts 20000 --batch 200 --rounds 5

Writes the same posts (one campaign, a membership and labels each, as ``watch``
writes them; every tenth batch also relabels 100 posts of the batch before and adds a
second campaign's late memberships) into a fresh file store three ways, alternating,
``--rounds`` times, in this one process:

- **bare**: no per-minute counts at all (``minute_deltas`` stubbed out): the floor;
- **per batch** (schema 6, now): ``write_rows`` reads what the store held of the
  batch's posts and writes one upsert per campaign and minute;
- **triggers** (schema 5, before): the bare write with schema 5's three triggers,
  which upserted ``campaign_minutes`` once per membership and label row.

It prints the median seconds of each, microseconds a post, and each one's ratio to the
bare write, and checks that both ways kept the same counts as a recount.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from foretold import store as store_module
from foretold.post import Author, Counts, Post
from foretold.store import Store, post_row
from foretold.store_minutes import FILL_MINUTES, sql_minute, sql_terms

_ADD = (
    "ON CONFLICT (campaign, minute) DO UPDATE SET posts = posts + excluded.posts,"
    " newest = max(newest, excluded.newest), labelled = labelled + excluded.labelled,"
    " positive = positive + excluded.positive, neutral = neutral + excluded.neutral,"
    " negative = negative + excluded.negative, ironic = ironic + excluded.ironic,"
    " offensive = offensive + excluded.offensive"
)


def _terms(labels: str) -> str:
    return ", ".join(sql_terms(labels))


def _delta(new: str, old: str) -> str:
    return ", ".join(f"{a} - {b}" for a, b in zip(sql_terms(new), sql_terms(old), strict=True))


#: schema 5's triggers, as they were (store.py before schema 6)
TRIGGERS = f"""
CREATE TRIGGER campaign_minutes_join AFTER INSERT ON campaign_posts BEGIN
    INSERT INTO campaign_minutes SELECT NEW.campaign, {sql_minute("p.created_at")}, 1,
        p.created_at, {_terms("l.labels")}
        FROM posts p LEFT JOIN labels l ON l.platform = p.platform AND l.id = p.id
        WHERE p.platform = NEW.platform AND p.id = NEW.id {_ADD};
END;
CREATE TRIGGER campaign_minutes_label AFTER INSERT ON labels BEGIN
    INSERT INTO campaign_minutes SELECT c.campaign, {sql_minute("p.created_at")}, 0,
        p.created_at, {_terms("NEW.labels")}
        FROM campaign_names k CROSS JOIN campaign_posts c
        ON c.campaign = k.name AND c.platform = NEW.platform AND c.id = NEW.id
        CROSS JOIN posts p ON p.platform = NEW.platform AND p.id = NEW.id WHERE 1 {_ADD};
END;
CREATE TRIGGER campaign_minutes_relabel AFTER UPDATE OF labels ON labels BEGIN
    INSERT INTO campaign_minutes SELECT c.campaign, {sql_minute("p.created_at")}, 0,
        p.created_at, {_delta("NEW.labels", "OLD.labels")}
        FROM campaign_names k CROSS JOIN campaign_posts c
        ON c.campaign = k.name AND c.platform = NEW.platform AND c.id = NEW.id
        CROSS JOIN posts p ON p.platform = NEW.platform AND p.id = NEW.id WHERE 1 {_ADD};
END;
"""

SCORES = ("negative", "neutral", "positive", "irony", "offensive", "hate", "anger", "joy",
          "optimism", "sadness")  # fmt: skip
Batch = tuple[list[tuple[Any, ...]], list[tuple[str, str, str]], list[tuple[str, str, str, bytes]]]


def batches(posts: int, size: int, seed: int = 1) -> list[Batch]:
    """The posts as ``write_rows`` batches: dated 1 ms apart (1,000 posts/s)."""
    rng = random.Random(seed)
    t0 = datetime(2026, 12, 5, tzinfo=UTC)
    out: list[Batch] = []
    for b in range(posts // size):
        rows, members, labels = [], [], []
        for k in range(b * size, (b + 1) * size):
            author = rng.randrange(20_000)
            p = Post(platform="x", id=str(k), text=f"#AskJPM question {k} " + "x" * rng.randrange(120),
                     created_at=t0 + timedelta(milliseconds=k),
                     author=Author(id=str(author), handle=f"u{author}", followers=rng.randrange(10**5)),
                     counts=Counts(likes=rng.randrange(40)), lang="en",
                     raw=b'{"data": "' + b"r" * 1100 + b'"}')  # fmt: skip
            rows.append(post_row(p))
            members.append(("askjpm", "x", p.id))
            scores = {k: round(rng.random(), 4) for k in SCORES}  # as the fast tier writes
            labels.append(("x", p.id, "fast", orjson.dumps({
                "sentiment": rng.choice(("positive", "neutral", "negative")),
                "emotion": "anger", "scores": scores,
                "flags": ["ironic", "question"] if rng.random() < 0.1 else ["question"],
                "lang": "en"})))  # fmt: skip
        if b and b % 10 == 0:  # a deeper tier relabels the batch before; a campaign joins late
            earlier = range((b - 1) * size, (b - 1) * size + min(100, size))
            labels += [("x", str(k), "accurate", orjson.dumps({"sentiment": "negative"}))
                       for k in earlier]  # fmt: skip
            members += [("bank", "x", str(k)) for k in earlier]
        out.append((rows, members, labels))
    return out


def _write(path: Path, work: list[Batch], triggers: bool) -> float:
    store = Store(path)
    if triggers:
        store.db.executescript(TRIGGERS)
    start = time.perf_counter()
    for rows, members, labels in work:
        store.write_rows(rows, (), members, labels)
    took = time.perf_counter() - start
    kept = store.db.execute("SELECT * FROM campaign_minutes ORDER BY 1, 2").fetchall()
    store.db.execute("CREATE TEMP TABLE again AS SELECT * FROM campaign_minutes WHERE 0")
    store.db.execute(FILL_MINUTES.replace("INTO campaign_minutes", "INTO temp.again"))
    again = store.db.execute("SELECT * FROM temp.again ORDER BY 1, 2").fetchall()
    store.close()
    if kept and kept != again:
        raise SystemExit(f"{path.name}: campaign_minutes differs from a recount")
    return took


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--posts", type=int, default=60_000)
    ap.add_argument("--batch", type=int, default=1_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    work = batches(args.posts, args.batch)
    real = store_module.minute_deltas

    def bare(*_: object, **__: object) -> list[tuple[Any, ...]]:
        return []

    ways: dict[str, tuple[Callable[..., list[tuple[Any, ...]]], bool]] = {
        "bare": (bare, False), "per batch (now)": (real, False), "triggers (schema 5)": (bare, True),
    }  # fmt: skip
    took: dict[str, list[float]] = {name: [] for name in ways}
    with tempfile.TemporaryDirectory(prefix="foretold-write-") as tmp:
        for r in range(args.rounds):
            for i, (name, (deltas, triggers)) in enumerate(ways.items()):
                store_module.minute_deltas = deltas  # type: ignore[assignment]
                try:
                    took[name].append(_write(Path(tmp) / f"{r}-{i}.db", work, triggers))
                finally:
                    store_module.minute_deltas = real
    n = len(work) * args.batch
    base = statistics.median(took["bare"])
    print(f"\nwrite_rows of {n:,} posts in batches of {args.batch:,} (a membership and labels "
          f"each, relabels and late memberships every tenth batch), median of {args.rounds} "
          "alternating rounds, one process:\n")  # fmt: skip
    print("| write | seconds | us a post | vs bare |")
    print("|---|---:|---:|---:|")
    for name, times in took.items():
        m = statistics.median(times)
        print(f"| {name} | {m:.2f} | {1e6 * m / n:.1f} | {m / base:.2f}x |")
    now, before = (statistics.median(took[k]) for k in ("per batch (now)", "triggers (schema 5)"))
    print(f"\nper batch / triggers: {now / before:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
