"""The detection benchmark for ``make bench``: the suite, the baselines, foretold's detector.

    .venv/bin/python bench/detection_bench.py [--suite default] [--seeds 1] \\
        --json out/benchmark.json --markdown docs/benchmark.md

The same as ``foretold benchmark`` (every option passes through); it prints the
side-by-side table and regenerates ``docs/benchmark.md``. About 2-3 minutes on two
cores for the default suite.
"""

from __future__ import annotations

from foretold.cli.benchmark import benchmark_cmd

if __name__ == "__main__":
    benchmark_cmd(prog_name="foretold benchmark")
