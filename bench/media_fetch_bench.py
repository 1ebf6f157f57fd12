"""What fetching pictures adds to a post's text labels, on a picture storm from a slow server.

Usage (from the repository root)::

    python bench/media_fetch_bench.py [--batches 100] [--posts 20] [--delay-ms 100]

A local HTTP server answers every picture after ``--delay-ms`` (a slow CDN). A stream
of ``--batches`` batches of ``--posts`` posts, each with one picture (one in five a
repost of an earlier meme, so the same address again), runs through the watch's
stages: the picture fetch (``[media] fetch = true``, 4 workers), Track and Classify
(the fast tier). Each stage's time per batch is measured in the same run (the first
two batches, which load the models, left out of the percentiles), so the line
to read is the fetch stage's p99 per batch next to the Classify stage's: what a
post's text labels wait for the picture fetch. Then the pool is drained and its
counts printed (fetched, found in the cache, skipped when the queue was full).
Timings are wall-clock on this machine; compare the ratio, not the milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from foretold.clock import SystemClock
from foretold.media.cache import MediaCache
from foretold.media.fetch import FetchConfig, Fetcher
from foretold.post import Author, Media, Post
from foretold.records import Batch
from foretold.runs import build_stages, run_config

PICTURE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 160  # about 40 KB


def server(delay_s: float) -> ThreadingHTTPServer:
    class Slow(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            time.sleep(delay_s)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(PICTURE)))
            self.end_headers()
            self.wfile.write(PICTURE)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def stream(port: int, batches: int, size: int) -> list[list[Post]]:
    t0 = datetime(2014, 4, 22, 18, tzinfo=UTC)
    out: list[list[Post]] = []
    n = 0
    for _ in range(batches):
        posts = []
        for _ in range(size):
            picture = n // 5 if n % 5 == 4 else n  # one in five: an earlier meme again
            posts.append(Post(
                platform="x", id=str(n), text=f"Here is my #myNYPD photo number {n}, lovely",
                created_at=t0 + timedelta(seconds=n), author=Author(id=str(n % 997)),
                hashtags=("mynypd",),
                media=(Media("photo", f"http://127.0.0.1:{port}/m/{picture}.png", None, None),),
            ))  # fmt: skip
            n += 1
        out.append(posts)
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--batches", type=int, default=100)
    ap.add_argument("--posts", type=int, default=20)
    ap.add_argument("--delay-ms", type=float, default=100)
    args = ap.parse_args()

    httpd = server(args.delay_ms / 1000)
    port = httpd.server_address[1]
    config = FetchConfig(fetch=True, allow_private=True, workers=4, queue=2000)
    fetcher = Fetcher(config, MediaCache(Path(tempfile.mkdtemp()), 512 << 20))
    stages = [fetcher, *build_stages(run_config(None, ("#myNYPD",)), SystemClock(),
                                     classify=True, tier="fast", detect=False)]  # fmt: skip
    times: dict[str, list[float]] = {s.name: [] for s in stages}
    started = time.perf_counter()
    for posts in stream(port, args.batches, args.posts):
        batch = Batch(posts=posts)
        for stage in stages:
            t = time.perf_counter()
            stage.process(batch)
            times[stage.name].append(time.perf_counter() - t)
    text_done = time.perf_counter() - started
    fetcher.wait_idle(600)
    drained = time.perf_counter() - started
    fetcher.close()
    httpd.shutdown()

    print(f"{args.batches} batches of {args.posts} posts, one picture each, server delay "
          f"{args.delay_ms:.0f} ms, 4 workers")  # fmt: skip
    warm = {name: ts[2:] or ts for name, ts in times.items()}  # the first two load the models
    for name, ts in warm.items():
        ms = [1000 * x for x in ts]
        print(f"  {name:<12} per batch: p50 {statistics.median(ms):8.3f} ms   "
              f"p99 {pct(ms, 0.99):8.3f} ms   max {max(ms):8.3f} ms")  # fmt: skip
    fetch, classify = warm[fetcher.name], warm.get("classify") or [float("nan")]
    print(f"  the fetch stage's p99 is {pct(fetch, 0.99) / pct(classify, 0.99):.4f} of Classify's "
          f"(what text labels wait for pictures: {1000 * pct(fetch, 0.99):.3f} ms per batch)")  # fmt: skip
    s = fetcher.stats
    print(f"  text of every batch labelled after {text_done:.2f} s; pictures drained after "
          f"{drained:.2f} s: fetched {s.fetched}, from the cache {s.cached}, skipped (queue "
          f"full) {s.dropped}, refused {dict(s.refused)}")  # fmt: skip


if __name__ == "__main__":
    main()
