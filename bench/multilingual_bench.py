"""Posts/s of the multilingual tier, of language identification and of routing.

Samples (real tweets): the UMSAB test texts of French, German and Spanish (2,610 distinct
posts, the tier's own languages) and the first 3,000 labelled CrisisLexT26 tweets
(English, with retweets, as a crisis stream comes). Each figure is the median of three
runs in this process; the routing cost is a ratio against the English tier alone in the
same run. A benchmark prints numbers; it never fails on a slow day.

    .venv/bin/python bench/multilingual_bench.py [--data ../shared/data]

The multilingual tier runs numpy matrix products: with one BLAS thread and with two (on
a shared two-core machine two OpenBLAS threads can spin against each other; the tier
uses one by default).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def crisis(root: Path, n: int = 3_000) -> list[str]:
    texts: list[str] = []
    for path in sorted((root / "crisislex" / "CrisisLexT26").glob("*/*-tweets_labeled.csv")):
        with path.open(encoding="utf-8", errors="replace", newline="") as f:
            reader = csv.reader(f)
            next(reader, None)
            texts.extend(row[1] for row in reader if len(row) > 1)
        if len(texts) >= n:
            break
    return texts[:n]


def rate(fn: Callable[[Sequence[str]], object], texts: Sequence[str], runs: int = 3) -> float:
    fn(texts[:50])  # warm: load models, first allocation
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(texts)
        times.append(time.perf_counter() - start)
    return len(texts) / statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data", type=Path)
    parser.add_argument(
        "--english", action="store_true", help="also: English test scores, fast alone vs routed"
    )
    args = parser.parse_args()

    from foretold.understand import load_classifier
    from foretold.understand.fast import FastClassifier
    from foretold.understand.langid import identify
    from foretold.understand.multilingual import MultilingualClassifier
    from foretold.understand.multilingual_train import UMSAB_LANGUAGES, load_umsab

    umsab: list[str] = []
    langs: list[str] = []
    for lang in UMSAB_LANGUAGES:
        texts = load_umsab(lang, "test", args.data).texts
        umsab += texts
        langs += [lang] * len(texts)
    english = crisis(args.data)
    print(f"samples: {len(umsab):,} UMSAB test tweets (fr, de, es); {len(english):,} CrisisLexT26")
    for threads in (1, 2):
        tier = MultilingualClassifier(threads=threads)
        value = rate(lambda t, tier=tier: tier.classify(t, langs[: len(t)]), umsab)
        print(f"multilingual tier, {threads} BLAS thread(s): {value:,.0f} posts/s")
    print(f"language ID (py3langid, UMSAB): {rate(identify, umsab):,.0f} posts/s")
    fast, routed = FastClassifier(), load_classifier("fast")
    alone, through = rate(fast.classify, english), rate(routed.classify, english)
    print(f"English stream: fast tier {alone:,.0f} posts/s; routed {through:,.0f} posts/s "
          f"({through / alone:.2f}x)")  # fmt: skip
    print(
        f"UMSAB through routing (language ID + tier): {rate(routed.classify, umsab):,.0f} posts/s"
    )


if __name__ == "__main__":
    main()
