"""How fast is ``foretold simulate``? Writes about a million posts and prints posts/s.

    .venv/bin/python bench/simulate_bench.py [--scale 31] [--data ../shared/data] [--out FILE]

The target (issue 4): a stream of 1 million posts written in under a minute.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from foretold.simulate.library import scenario
from foretold.simulate.stream import simulate
from foretold.simulate.text import TextPools
from foretold.simulate.truth import write_truth
from foretold.simulate.twarc import write_jsonl


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--scenario", default="askjpm")
    p.add_argument("--scale", type=float, default=31.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data", default=os.environ.get("FORETOLD_DATA", "../shared/data"))
    p.add_argument("--out", default="")
    args = p.parse_args()
    pools = TextPools.load(args.data)
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp()) / "bench.jsonl"
    t0 = time.perf_counter()
    stream = simulate(scenario(args.scenario), args.seed, scale=args.scale)
    t1 = time.perf_counter()
    with out.open("wb") as f:
        n = write_jsonl(stream, pools, f)
    t2 = time.perf_counter()
    write_truth(stream, out.with_suffix(".truth.json"))
    t3 = time.perf_counter()
    size = out.stat().st_size
    print(f"scenario {args.scenario} x{args.scale:g}, seed {args.seed}: {n:,} posts")
    print(f"  simulate  {t1 - t0:6.2f} s")
    print(f"  write     {t2 - t1:6.2f} s  ({size / 1e9:.2f} GB)")
    print(f"  truth     {t3 - t2:6.2f} s")
    print(f"  total     {t3 - t0:6.2f} s  -> {n / (t3 - t0):,.0f} posts/s")
    if not args.out:
        out.unlink()
        out.with_suffix(".truth.json").unlink()


if __name__ == "__main__":
    main()
