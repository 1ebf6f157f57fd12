"""Which OCR engine reads a storm's pictures: CER per set, pictures per second, memory.

Usage (from the repository root)::

    python bench/ocr_bench.py [--count 12] [--seed 0] [--engines rapidocr,tesseract]

Draws the test set of :mod:`foretold.media.testset` (``--count`` pictures in each of
the sets meme, compressed, screenshot, sign; the same pixels for a seed), then runs
each engine in its own process: every picture read by 2 worker threads (2 cores; one
onnxruntime thread or one tesseract process each), the character error rate per set
(mean over its pictures; case and spacing ignored), pictures per second over the
whole set, and the process's peak resident memory (its own and its children's, for
tesseract's processes). Prints a Markdown table. The first picture is read once
before timing (models load).
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from foretold.media.ocr import cer, load_ocr
from foretold.media.testset import SETS, make_set


def _bytes(image: object, fmt: str) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt)  # type: ignore[attr-defined]
    return buf.getvalue()


def one(engine_name: str, count: int, seed: int) -> dict[str, object]:
    items = [(s, i) for s in SETS for i in make_set(s, count, seed=seed)]
    data = [_bytes(i.image, "PNG") for _s, i in items]
    engines = [load_ocr(engine_name), load_ocr(engine_name)]
    engines[0].read(data[0])
    engines[1].read(data[0])
    t0 = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        reads = list(pool.map(lambda k: engines[k % 2].read(data[k]), range(len(data))))
    wall = time.perf_counter() - t0
    per_set: dict[str, list[float]] = {s: [] for s in SETS}
    worst: dict[str, tuple[float, str, str]] = {}
    for (s, item), read in zip(items, reads, strict=True):
        c = cer(item.text, read)
        per_set[s].append(c)
        if c > worst.get(s, (-1.0, "", ""))[0]:
            worst[s] = (c, item.text, read)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "engine": engine_name,
        "cer": {s: round(statistics.fmean(v), 3) for s, v in per_set.items()},
        "images_per_s": round(len(data) / wall, 2),
        "peak_mb": round(max(own, kids) / 1024),
        "worst": {s: list(w) for s, w in worst.items()},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=12)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--engines", default="rapidocr,tesseract")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(one(a.one, a.count, a.seed)))
        return
    rows = []
    for name in a.engines.split(","):
        cmd = [sys.executable, __file__, "--one", name, "--count", str(a.count)]
        out = subprocess.run([*cmd, "--seed", str(a.seed)], capture_output=True, text=True)
        if out.returncode != 0:
            print(f"{name}: failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        rows.append(json.loads(out.stdout))
    print(f"{a.count} pictures per set, seed {a.seed}, 2 worker threads\n")
    print(
        "| engine | CER meme | CER compressed | CER screenshot | CER sign | pictures/s | peak MB |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        c = r["cer"]
        print(
            f"| {r['engine']} | {c['meme']:.3f} | {c['compressed']:.3f} | {c['screenshot']:.3f}"
            f" | {c['sign']:.3f} | {r['images_per_s']} | {r['peak_mb']} |"
        )
    for r in rows:
        for s, (c, truth, read) in r["worst"].items():
            print(f"worst {r['engine']} {s}: {c:.3f} {truth!r} read {read!r}")


if __name__ == "__main__":
    main()
