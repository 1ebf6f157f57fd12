"""Posts/s of the multilingual tier, of language identification and of routing.

Samples (real tweets): the UMSAB test texts of French, German and Spanish (2,610 distinct
posts, the tier's own languages) and the first 3,000 labelled CrisisLexT26 tweets
(English, with retweets, as a crisis stream comes). Each figure is the median of three
runs in this process; the routing cost is a ratio against the English tier alone in the
same run. A benchmark prints numbers; it never fails on a slow day.

    .venv/bin/python bench/multilingual_bench.py [--data ../shared/data]

The encoder's fine-tuned layers are timed against the package's own in the same process
(the same shapes: their ratio should be 1). The multilingual tier runs numpy matrix
products: with one BLAS thread and with two (on a shared two-core machine two OpenBLAS
threads can spin against each other; the tier uses one by default).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


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
    """Posts per wall-clock second (median of ``runs``)."""
    return rates(fn, texts, runs)[0]


def rates(
    fn: Callable[[Sequence[str]], object], texts: Sequence[str], runs: int = 3
) -> tuple[float, float]:
    """Posts per wall-clock second and per CPU second of this process (medians). On a
    machine shared with other work the CPU figure is the steadier one."""
    fn(texts[:50])  # warm: load models, first allocation
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn(texts)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return len(texts) / statistics.median(wall), len(texts) / statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data", type=Path)
    parser.add_argument(
        "--english", action="store_true", help="also: English test scores, fast alone vs routed"
    )
    args = parser.parse_args()

    from foretold.understand import load_classifier
    from foretold.understand.data import load_split
    from foretold.understand.fast import FastClassifier
    from foretold.understand.langid import identify
    from foretold.understand.multilingual import MultilingualClassifier
    from foretold.understand.multilingual_train import UMSAB_LANGUAGES, load_umsab
    from foretold.understand.routing import Router

    umsab: list[str] = []
    langs: list[str] = []
    for lang in UMSAB_LANGUAGES:
        texts = load_umsab(lang, "test", args.data).texts
        umsab += texts
        langs += [lang] * len(texts)
    english = load_split("sentiment", "test", args.data).texts[:3000]
    mixed = crisis(args.data)
    print(f"samples: {len(umsab):,} UMSAB test tweets (fr, de, es); {len(english):,} TweetEval "
          f"sentiment test tweets (English); {len(mixed):,} CrisisLexT26 tweets")  # fmt: skip
    for threads in (1, 2):
        tier = MultilingualClassifier(threads=threads)
        wall, cpu = rates(lambda t, tier=tier: tier.classify(t, langs[: len(t)]), umsab)
        print(f"multilingual tier, {threads} BLAS thread(s): {wall:,.0f} posts/s "
              f"({cpu:,.0f} per CPU second)")  # fmt: skip
    # the fine-tuned layers against the package's own, the same texts in this process
    from foretold.understand.multilingual import MultilingualEncoder

    packaged, tuned = MultilingualEncoder(layers=None), MultilingualEncoder()
    if tuned.layers is not None:
        per = [rates(e.embed, umsab)[1] for e in (packaged, tuned, packaged, tuned)]
        base, ours = (per[0] + per[2]) / 2, (per[1] + per[3]) / 2
        print(f"encoder alone, per CPU second: packaged {base:,.0f} posts, fine-tuned layers "
              f"{ours:,.0f} ({ours / base:.2f}x)")  # fmt: skip
    wall, cpu = rates(identify, umsab)
    print(f"language ID (py3langid, UMSAB): {wall:,.0f} posts/s ({cpu:,.0f} per CPU second)")
    fast, routed = FastClassifier(), load_classifier("fast")
    alone, through = rate(fast.classify, english), rate(routed.classify, english)
    print(f"English tweets: fast tier {alone:,.0f} posts/s; routed {through:,.0f} posts/s "
          f"({through / alone:.2f}x)")  # fmt: skip
    assert isinstance(routed, Router)
    mix = Counter(routed.languages_of(mixed))
    top = ", ".join(f"{k} {v}" for k, v in mix.most_common(6))
    alone, through = rate(fast.classify, mixed), rate(routed.classify, mixed)
    print(f"CrisisLexT26 ({top}): fast tier {alone:,.0f} posts/s; routed {through:,.0f} posts/s")
    wall, cpu = rates(routed.classify, umsab)
    print(f"UMSAB through routing (language ID + tier): {wall:,.0f} posts/s "
          f"({cpu:,.0f} per CPU second)")  # fmt: skip
    if args.english:
        english_scores(args.data, fast, routed)


def english_scores(root: Path, fast: Any, routed: Any) -> None:
    """Each English test split scored by the fast tier alone and through routing."""
    from foretold.understand.data import TASKS, load_split
    from foretold.understand.evaluate import predict, score_predicted

    for task in TASKS:
        split = load_split(task, "test", root)
        alone, through = fast.classify(split.texts), routed.classify(split.texts)
        a = 100 * score_predicted(task, split.labels, predict(task, alone))
        b = 100 * score_predicted(task, split.labels, predict(task, through))
        away = sum(x.lang not in ("en", "und") for x in through)
        unread = sum("unsupported" in x.flags for x in through)
        print(f"English {task} test: fast {a:.1f}, routed {b:.1f}; {away} of {len(split.texts):,} "
              f"posts identified as another language, {unread} of them uncovered")  # fmt: skip


if __name__ == "__main__":
    main()
