"""What keeping a post's pictures costs the fast path: one twarc2 line decoded and turned
into its store row, with and without its two media objects.

Usage (from the repository root)::

    python bench/media_parse_bench.py [--n 40000]

Prints microseconds per post (best of five runs of ``--n`` posts) for the recorded
media line of ``tests/fixtures/x_v2/media_flattened.jsonl`` (a photo and a video,
inlined by ``twarc2 flatten``) and for the same line with ``attachments`` removed, and
the ratio of the two, measured in the same process.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from foretold.formats.x_v2_decoder import decode_tweet
from foretold.store import post_row

ROOT = Path(__file__).resolve().parents[1]


def per_post_us(line: bytes, n: int) -> float:
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(n):
            post = decode_tweet(line)
            assert post is not None
            post_row(post)
        best = min(best, time.perf_counter() - t)
    return best / n * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--n", type=int, default=40000)
    args = ap.parse_args()
    line = (ROOT / "tests" / "fixtures" / "x_v2" / "media_flattened.jsonl").read_bytes().strip()
    obj = json.loads(line)
    obj.pop("attachments")
    plain = json.dumps(obj).encode()
    without, with_media = per_post_us(plain, args.n), per_post_us(line, args.n)
    print(
        f"decode + store row: {without:.1f} us/post without media, {with_media:.1f} us/post "
        f"with a photo and a video ({with_media / without:.2f}x)"
    )


if __name__ == "__main__":
    main()
