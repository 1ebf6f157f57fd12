"""What reading pictures adds to a post's text labels: the time per batch, OCR on and off.

Usage (from the repository root)::

    python bench/picture_read_bench.py [--batches 300] [--posts 10] [--memes 120]

A stream of ``--batches`` batches of ``--posts`` posts of one campaign (#myNYPD),
every other post with a meme (``--memes`` distinct drawn memes, each OCR'd once, its
later copies remembered), goes through the stages of a run: Track, Classify (the fast
tier), the image-reading step and Detect. Three modes, in the same process:

- off: no pictures (``batch.media`` None: OCR off), the baseline;
- live (the watch: pictures already in the fetch cache are read in the background,
  their labels follow in a later batch and reach Detect as updates; a batch every
  ``--pace-ms``): a batch's text labels are out (stored, counted by Detect) when
  Detect is done, so the time from the batch's start to Detect's end is the text
  labels' latency, and its p99 over the off mode's is what OCR adds. Target: the
  added p99 <= 50 ms.
- archive (replay --media-dir: the batch's pictures read and joined before Detect):
  the same times, the price of a deterministic replay.

Each stage's time per batch is measured (the first two batches, which load the
models, left out). Timings are wall-clock on this shared machine; compare within a run.
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

from foretold.campaigns import Campaign, Track
from foretold.clock import SystemClock
from foretold.detect.stage import Detect
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


CAMPAIGN = Campaign.from_track(["#myNYPD"])
STAGES = ("track", "classify", "read_pictures", "detect")


def run(
    batches: list[list[Post]], folder: Path, mode: str, pace_s: float
) -> dict[str, list[float]]:
    classifier = load_classifier("fast")
    read = ReadPictures(classifier, live=mode == "live")
    stages = (Track([CAMPAIGN]), Classify(classifier), read, Detect([CAMPAIGN], SystemClock()))
    media = FolderMedia(folder) if mode != "off" else None
    times: dict[str, list[float]] = {name: [] for name in (*STAGES, "text_labels")}
    relabelled = updates = 0
    for k, posts in enumerate(batches):
        batch = Batch(posts=list(posts), media=media)
        start = t0 = time.perf_counter()
        for name, stage in zip(STAGES, stages, strict=True):
            stage.process(batch)
            t1 = time.perf_counter()
            if k >= 2:
                times[name].append((t1 - t0) * 1000)
            t0 = t1
        if k >= 2:
            times["text_labels"].append((t0 - start) * 1000)
        relabelled += sum(1 for _p, _i, _t, j in batch.labels if b'"sources"' in j)
        updates += len(batch.updates)
        if mode == "live":
            time.sleep(pace_s)  # live posts arrive over time; the pool reads meanwhile
    t0 = time.perf_counter()
    last = Batch(posts=[], media=media)
    read.finish(last)
    stages[3].finish(last)
    read.close()
    drain = time.perf_counter() - t0
    relabelled += sum(1 for _p, _i, _t, j in last.labels if b'"sources"' in j)
    updates += len(last.updates)
    print(f"  read {read.read_count} pictures; {relabelled} label rows with sources, {updates}"
          f" updates to Detect; pool drained {drain:.1f} s after the last batch")  # fmt: skip
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batches", type=int, default=300)
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
        p99: dict[str, float] = {}
        for mode in ("off", "live", "archive"):
            print(f"{mode}: {a.batches} batches of {a.posts} posts, every other with a meme")
            t = run(batches, folder, mode, a.pace_ms / 1000)
            for name in (*STAGES, "text_labels"):
                v = t[name]
                print(
                    f"  {name:<13} p50 {statistics.median(v):8.2f} ms  p99 {pct(v, 0.99):8.2f} ms"
                )
            p99[mode] = pct(t["text_labels"], 0.99)
        print(f"text labels' p99 added by OCR: live {p99['live'] - p99['off']:+.2f} ms"
              f" (target <= 50 ms), archive {p99['archive'] - p99['off']:+.2f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
