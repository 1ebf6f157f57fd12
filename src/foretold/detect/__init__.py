"""Early warning: detectors on campaign signals, the hijack risk, phases, the Detect stage.

::

    posts ─> signals (windows 1/5/15/60 min) ─> CUSUM, EWMA, BOCPD, Kleinberg
                                             ─> hijack risk ─> levels ─> alerts
                                                           └──> phases, window metrics

>>> from datetime import datetime, timezone
>>> from foretold.clock import ManualClock
>>> from foretold.campaigns import Campaign
>>> stage = build_stage([Campaign.from_track(["#AskJPM"])], ManualClock(datetime(2026, 1, 1)))
>>> stage.name
'detect'
"""

from __future__ import annotations

from collections.abc import Sequence

from foretold.campaigns import Campaign
from foretold.clock import Clock
from foretold.detect.config import DetectConfig
from foretold.detect.stage import Detect

__all__ = ["Detect", "DetectConfig", "build_stage"]


def build_stage(
    campaigns: Sequence[Campaign], clock: Clock, config: DetectConfig | None = None
) -> Detect:
    """The ``Detect`` stage for ``campaigns``; put it after ``Track`` and ``Classify``."""
    return Detect(campaigns, clock, config)
