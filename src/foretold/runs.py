"""One run, in the library: the stages a configuration asks for.

``replay``, ``watch``, the benchmark and the Kafka workers all run the same stages in
the same order; this module is the one place that decides which::

    campaigns? ──no──> (no Track, no Detect)
        │yes
        ▼
      Track ──> Classify (unless classify=False) ──> Detect (unless detect=False)

>>> from datetime import UTC, datetime
>>> from foretold.campaigns import Campaign
>>> from foretold.clock import ManualClock
>>> clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
>>> [s.name for s in build_stages([Campaign.from_track(["#AskJPM"])], clock, classify=False,
...                               detect=False)]
['track']
>>> [s.name for s in build_stages([], clock, classify=False)]
[]
"""

from __future__ import annotations

from collections.abc import Sequence

from foretold.campaigns import Campaign, Track
from foretold.clock import Clock
from foretold.errors import ConfigError
from foretold.records import Stage

__all__ = ["build_stages"]


def build_stages(
    campaigns: Sequence[Campaign],
    clock: Clock,
    *,
    classify: bool = True,
    tier: str = "fast",
    detect: bool = True,
) -> list[Stage]:
    """Track, then Classify, then Detect: each only when asked for and meaningful.

    No campaigns: no tracking and no detection. Detection needs labels, so
    ``detect=True`` with ``classify=False`` and campaigns is a :class:`ConfigError`.
    """
    stages: list[Stage] = [Track(campaigns)] if campaigns else []
    if classify:
        from foretold.understand import load_classifier
        from foretold.understand.stage import Classify

        stages.append(Classify(load_classifier(tier)))
    if detect and campaigns:
        if not classify:
            raise ConfigError("--detect needs labels: drop --no-classify or add --no-detect")
        from foretold.detect import build_stage

        stages.append(build_stage(campaigns, clock))
    return stages
