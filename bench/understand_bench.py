"""Posts/s of each understanding tier, and of VADER, on a fixed sample of real tweets.

The sample: the first 20,000 labelled tweets of CrisisLexT26 (26 real crises, 2012-2013),
in folder order, 10 times over for the fast tier. A benchmark prints numbers; it never fails
on a slow day.

    .venv/bin/python bench/understand_bench.py [--data ../shared/data] [--tiers fast,accurate,vader]

The fast tier is measured on one core (numpy single-threaded); the accurate tier with two
ONNX Runtime threads, on the first 3,000 posts of the sample as they come (retweets included:
the accurate tier embeds each distinct normalised text once per call) and on 3,000 distinct
texts. Each figure is the median of three runs.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import csv
import statistics
import time
from pathlib import Path


def sample(root: Path, n: int = 20_000) -> list[str]:
    texts: list[str] = []
    for path in sorted((root / "crisislex" / "CrisisLexT26").glob("*/*-tweets_labeled.csv")):
        with path.open(encoding="utf-8", errors="replace", newline="") as f:
            reader = csv.reader(f)
            next(reader, None)
            texts.extend(row[1] for row in reader if len(row) > 1)
        if len(texts) >= n:
            break
    return texts[:n]


def rate(fn: object, texts: list[str], repeat: int = 3) -> float:
    speeds = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(texts)  # type: ignore[operator]
        speeds.append(len(texts) / (time.perf_counter() - start))
    return statistics.median(speeds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("FORETOLD_DATA", "../shared/data"))
    parser.add_argument("--tiers", default="fast,accurate,vader")
    args = parser.parse_args()
    texts = sample(Path(args.data))
    mean_chars = sum(map(len, texts)) / len(texts)
    print(f"sample: {len(texts):,} CrisisLexT26 tweets, {mean_chars:.0f} characters on average")
    tiers = args.tiers.split(",")
    if "fast" in tiers:
        from foretold.understand import load_classifier

        clf = load_classifier("fast")
        clf.classify(texts[:2000])
        print(f"fast (1 core):      {rate(clf.classify, texts):>9,.0f} posts/s")
    if "accurate" in tiers:
        from foretold.understand import load_classifier
        from foretold.understand.features import normalize

        clf = load_classifier("accurate")
        clf.classify(texts[:200])
        print(f"accurate (2 cores): {rate(clf.classify, texts[:3000]):>9,.0f} posts/s")
        seen: dict[str, str] = {}
        for t, n in zip(texts, normalize(texts), strict=True):
            seen.setdefault(n, t)
        unique = list(seen.values())[:3000]
        print(f"  no duplicates:    {rate(clf.classify, unique):>9,.0f} posts/s")
    if "vader" in tiers:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        analyzer = SentimentIntensityAnalyzer()
        speed = rate(lambda ts: [analyzer.polarity_scores(t) for t in ts], texts[:5000], 1)
        print(f"VADER (1 core):     {speed:>9,.0f} posts/s")


if __name__ == "__main__":
    main()
