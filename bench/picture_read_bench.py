"""What reading pictures adds to a post's text labels: the image-reading step's time per batch.

Usage (from the repository root)::

    python bench/picture_read_bench.py [--batches 60] [--posts 10] [--memes 120]

A stream of ``--batches`` batches of ``--posts`` posts, every other post with a meme
(``--memes`` distinct drawn memes, each OCR'd once, its later copies remembered),
goes through Classify (the fast tier) and the image-reading step, in both modes:

- live (the watch: pictures already in the fetch cache are read in the background,
  their labels follow in a later batch; a batch every ``--pace-ms``): the step's time
  per batch is what a post's text labels wait for OCR. Target: p99 <= 50 ms.
- archive (replay --media-dir: the batch's pictures read and joined before Detect):
  the same step's time per batch, the price of a deterministic replay.

Each stage's time per batch is measured in the same run (the first two batches, which
load the models, left out), printed next to Classify's, then the live pool is drained.
Timings are wall-clock on this shared machine; compare the ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from foretold.media.locate import FolderMedia
from foretold.media.testset import MEME_BOTTOM, MEME_TOP, meme_image
from foretold.media.understand import ReadPictures
from foretold.post import Author, Media, Post
from foretold.records import Batch
from foretold.understand import load_classifier
from foretold.understand.stage import Classify


def stream(batches: int, size: int, memes: int) -> list[list[Post]]:
    t0 = datetime(2014, 4, 22, 18, tzinfo=UTC)
    out: list[list[Post]] = []
    n = 0
    for _ in range(batches):
        posts = []
        for _ in range(size):
            media = (Media("photo", None, None, f"m{(n // 2) % memes}"),) if n % 2 else ()
            posts.append(Post(
                platform="x", id=str(n), text=f"Here is my #myNYPD photo number {n}, lovely",
                created_at=t0 + timedelta(seconds=n), author=Author(id=str(n % 997)),
                hashtags=("mynypd",), media=media,
            ))  # fmt: skip
            n += 1
        out.append(posts)
    return out


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def run(
    batches: list[list[Post]], folder: Path, live: bool, pace_s: float
) -> dict[str, list[float]]:
    classifier = load_classifier("fast")
    classify = Classify(classifier)
    read = ReadPictures(classifier, live=live)
    media = FolderMedia(folder)
    times: dict[str, list[float]] = {"classify": [], "read_pictures": []}
    relabelled = 0
    for k, posts in enumerate(batches):
        batch = Batch(posts=list(posts), media=media)
        for name, stage in (("classify", classify), ("read_pictures", read)):
            t0 = time.perf_counter()
            stage.process(batch)
            if k >= 2:
                times[name].append((time.perf_counter() - t0) * 1000)
        relabelled += sum(1 for _p, _i, _t, j in batch.labels if b'"sources"' in j)
        if live:
            time.sleep(pace_s)  # live posts arrive over time; the pool reads meanwhile
    t0 = time.perf_counter()
    last = Batch(posts=[], media=media)
    read.finish(last)
    read.close()
    drain = time.perf_counter() - t0
    relabelled += sum(1 for _p, _i, _t, j in last.labels if b'"sources"' in j)
    print(f"  read {read.read_count} pictures; {relabelled} label rows with sources in the"
          f" batches; pool drained {drain:.1f} s after the last batch")  # fmt: skip
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batches", type=int, default=150)
    ap.add_argument("--pace-ms", type=float, default=50.0)
    ap.add_argument("--posts", type=int, default=10)
    ap.add_argument("--memes", type=int, default=120)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i in range(a.memes):
            img = meme_image(MEME_TOP[i % len(MEME_TOP)], MEME_BOTTOM[i // len(MEME_TOP) % len(MEME_BOTTOM)],
                             seed=i, width=320)  # fmt: skip
            img.save(folder / f"m{i}.jpg", "JPEG", quality=80)
        batches = stream(a.batches, a.posts, a.memes)
        for live in (True, False):
            print(f"{'live' if live else 'archive'}: {a.batches} batches of {a.posts} posts,"
                  f" every other with a meme")  # fmt: skip
            t = run(batches, folder, live, a.pace_ms / 1000)
            c, r = t["classify"], t["read_pictures"]
            print(f"  classify      p50 {statistics.median(c):7.2f} ms  p99 {pct(c, 0.99):7.2f} ms")
            print(f"  read_pictures p50 {statistics.median(r):7.2f} ms  p99 {pct(r, 0.99):7.2f} ms"
                  f"  ({pct(r, 0.99) / pct(c, 0.99):.2f}x classify's p99)")  # fmt: skip


if __name__ == "__main__":
    main()
