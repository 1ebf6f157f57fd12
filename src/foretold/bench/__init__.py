"""The detection benchmark: streams with known truth, detectors, scores, one table.

::

    suite.py ──> Case (records, tracking, Expectation, realism figures)
                  │      simulated scenarios (simulate/) and real streams (real.py)
                  ▼
    runner.py ── Pipeline([tracking, *detector stages]) per case and detector
                  │      detectors.py: market baselines (baselines.py) and foretold.detect
                  ▼
    scoring.py ─ lead times, misses, false alarms per level
                  ▼
    report.py ── the text table, JSON, docs/benchmark.md

``foretold benchmark`` (:mod:`foretold.cli.benchmark`) is the command on top.
"""
