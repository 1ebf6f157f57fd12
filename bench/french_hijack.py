"""A hijack in French: the #AskJPM storm with every hostile post written in French.

The simulator's grammar writes English only, so the French stream is made from the
simulated one: ``foretold simulate askjpm --seed N``, then the text of every attack post
in the hijackers' own words (originals, replies, quotes; ``attack_post_ids`` of the truth
file) is replaced by a real French tweet labelled negative in the UMSAB French *train*
split (dealt in a seeded order, so each is used about equally often), with the post's
campaign hashtags and @mentions kept; a repost carries its parent's new text. Everyday
posts stay English. The stream is then replayed twice through Track, Classify and
Detect, with the wall clock fixed:

- ``routed``: the shipped classifier (English to the fast tier, French to the
  multilingual tier);
- ``english only``: the fast tier alone, as before the multilingual tier (French posts
  are read as neutral).

It prints the first alert of each level for both, beside the truth file's tipping point.

    .venv/bin/python bench/french_hijack.py [--seed 1] [--data ../shared/data] [--keep DIR]

``--keep DIR`` leaves ``askjpm-fr.jsonl`` there, for ``foretold replay`` (README).
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from foretold.campaigns import Campaign, Track
from foretold.clock import ManualClock
from foretold.detect import build_stage
from foretold.ingest import IngestStats, Quarantine, read_batches
from foretold.post import Post, parse_time
from foretold.records import Batch
from foretold.understand.stage import Classifier, Classify

ROOT = Path(__file__).resolve().parent.parent
WALL = datetime(2026, 1, 1, tzinfo=UTC)
_TOKENS = re.compile(r"[#@]\w+")


def french_negatives(root: Path) -> list[str]:
    """UMSAB French train tweets labelled negative, ``@user`` placeholders dropped."""
    from foretold.understand.multilingual_train import load_umsab

    split = load_umsab("fr", "train", root)
    texts = [t for t, y in zip(split.texts, split.labels, strict=True) if y == 0]
    return [re.sub(r"@user\b\s*", "", t).strip() for t in texts]


def frenchify(src: Path, truth: dict[str, Any], dst: Path, pool: list[str], seed: int) -> int:
    """Write ``dst``: ``src`` with its attack posts' own words in French; how many changed."""
    attack = set(truth["attack_post_ids"])
    rng = random.Random(seed)
    deck: list[str] = []
    new_text: dict[str, str] = {}
    changed = 0
    with src.open("rb") as fin, dst.open("wb") as fout:
        for line in fin:
            post = orjson.loads(line)
            pid, text = post["id"], post["text"]
            refs = {r["type"]: r["id"] for r in post.get("referenced_tweets", [])}
            if pid in attack:
                if "retweeted" in refs:
                    parent = new_text.get(refs["retweeted"])
                    if parent is not None:
                        head = text.split(":", 1)[0]
                        post["text"] = f"{head}: {parent}"
                else:
                    if not deck:
                        deck = pool[:]
                        rng.shuffle(deck)
                    kept = " ".join(dict.fromkeys(_TOKENS.findall(text)))
                    post["text"] = f"{deck.pop()} {kept}".strip()
                    post["lang"] = "fr"
                    new_text[pid] = post["text"]
                    changed += 1
            fout.write(orjson.dumps(post) + b"\n")
    return changed


def replay(path: Path, campaign: Campaign, classifier: Classifier) -> list[dict[str, Any]]:
    """The alerts of a replay through Track, Classify and Detect."""
    stages = (Track([campaign]), Classify(classifier), build_stage([campaign], ManualClock(WALL)))
    alerts: list[dict[str, Any]] = []
    for records in read_batches([str(path)], IngestStats(), Quarantine()):
        batch = Batch(posts=[r for r in records if isinstance(r, Post)])
        for stage in stages:
            stage.process(batch)
        alerts.extend(batch.alerts)
    return alerts


def first_of_each(alerts: list[dict[str, Any]]) -> dict[str, str]:
    """The stream time of the first alert of each level."""
    out: dict[str, str] = {}
    for a in alerts:
        level = str(a.get("level"))
        out.setdefault(level, str(a.get("at") or a.get("window_end") or a.get("time")))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", default="../shared/data", type=Path)
    parser.add_argument("--keep", default=None, type=Path)
    args = parser.parse_args()

    from foretold.understand import load_classifier
    from foretold.understand.fast import FastClassifier

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        english = folder / "askjpm.jsonl"
        subprocess.run(
            [str(Path(sys.executable).parent / "foretold"), "simulate", "askjpm",
             "--seed", str(args.seed), "--data", str(args.data.resolve()), "--out", str(english)],
            check=True, capture_output=True, cwd=ROOT,
        )  # fmt: skip
        truth = orjson.loads((folder / "askjpm.truth.json").read_bytes())
        french = folder / "askjpm-fr.jsonl"
        changed = frenchify(english, truth, french, french_negatives(args.data), args.seed)
        c = truth["campaign"]
        campaign = Campaign(
            name=c["name"],
            hashtags=tuple(c["hashtags"]),
            handles=tuple(c["handles"]),
            keywords=tuple(c["keywords"]),
            owner=c["owner"],
            launched_at=parse_time(c["launched_at"]),
        )
        tipping = truth["phases"]["tipping_point"]
        print(f"askjpm seed {args.seed}: {changed:,} attack posts rewritten in French "
              f"(UMSAB French train, negative); tipping point {tipping}")  # fmt: skip
        for name, classifier in (
            ("routed", load_classifier("fast")),
            ("english only", FastClassifier()),
        ):
            alerts = replay(french, campaign, classifier)
            firsts = ", ".join(f"{k} {v}" for k, v in first_of_each(alerts).items()) or "none"
            print(f"{name:>12}: {len(alerts)} alerts; first of each level: {firsts}")


if __name__ == "__main__":
    main()
