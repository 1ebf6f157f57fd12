"""The detectors a benchmark can run, by name: the market's baselines and foretold's own.

Each entry *prepares* once per benchmark (loading models) and then builds, per
stream, the stages that run after campaign tracking. ``foretold`` imports
:mod:`foretold.detect` and :mod:`foretold.understand` only when prepared; when they
cannot be imported or loaded it raises :class:`Unavailable` with the reason, and
the report says "not available: <reason>".

>>> from foretold.clock import SystemClock
>>> [d for d in REGISTRY]  # doctest: +NORMALIZE_WHITESPACE
['market_volume_12h', 'market_24h_7d', 'market_negative_vader', 'foretold',
 'foretold_accurate', 'foretold_risk']
>>> build = REGISTRY["market_volume_12h"].prepare(None)
>>> [s.name for s in build((), SystemClock())]
['market_volume_12h']
>>> detector("nope")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
foretold.errors.ConfigError: benchmark: unknown detector 'nope'; expected one of: market_volume_12h, ...
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from foretold.bench.baselines import DailySpike, NegativeShare, VolumeSpike, vader
from foretold.campaigns import Campaign
from foretold.clock import Clock
from foretold.errors import ConfigError
from foretold.records import Stage

Build = Callable[[Sequence[Campaign], Clock], list[Stage]]
#: How a detector prepares: with the folder of a label cache (:mod:`.labelcache`) or None.
Prepare = Callable[[Path | None], Build]


class Unavailable(Exception):
    """A detector that cannot run here; the message says why."""


@dataclass(frozen=True)
class Detector:
    """A named detector: which levels it emits, whether it reads text, how it is built."""

    name: str
    description: str
    levels: tuple[str, ...]
    needs_text: bool
    prepare: Prepare


def _volume_12h(cache: Path | None) -> Build:
    return lambda campaigns, clock: [VolumeSpike(clock)]


def _daily_7d(cache: Path | None) -> Build:
    return lambda campaigns, clock: [DailySpike(clock)]


def _negative_vader(cache: Path | None) -> Build:
    try:
        vader()
    except ConfigError as e:
        raise Unavailable(str(e)) from e
    return lambda campaigns, clock: [NegativeShare(clock)]


def _foretold(tier: str = "fast", policy: str | None = None) -> Prepare:
    """foretold's detector with the ``tier`` classifier and a level ``policy`` (None: the
    default of :class:`~foretold.detect.DetectConfig`); its labels read from the label
    cache in ``cache`` when one is given."""

    def prepare(cache: Path | None) -> Build:
        try:
            detect = importlib.import_module("foretold.detect")
            build_stage = detect.build_stage
            config = detect.DetectConfig() if policy is None else detect.DetectConfig(policy=policy)
            understand = importlib.import_module("foretold.understand")
            classifier = understand.load_classifier(tier)
        except Exception as e:  # anything that stops it loading is the reason it is unavailable
            raise Unavailable(f"{type(e).__name__}: {e}") from e
        from foretold.understand.stage import Classify

        if cache is not None:
            from foretold.bench.labelcache import LabelCache

            classifier = LabelCache(classifier, cache)

        def build(campaigns: Sequence[Campaign], clock: Clock) -> list[Stage]:
            stage: Stage = build_stage(list(campaigns), clock, config)
            return [Classify(classifier), stage]

        return build

    return prepare


REGISTRY: dict[str, Detector] = {
    d.name: d
    for d in (
        Detector("market_volume_12h",
                 "last hour >= 3x the previous 12 h, and >= 3x the same hour a day and a week "
                 "before; every 15 min; 6 h cool-down", ("warning",), False, _volume_12h),
        Detector("market_24h_7d",
                 "24-hour volume > mean + 3 sd of the 24-hour volumes of the 7 days before; "
                 "hourly; 24 h cool-down", ("warning",), False, _daily_7d),
        Detector("market_negative_vader",
                 "VADER-negative share of the last 30 min >= 40% (20 posts or more); "
                 "6 h cool-down", ("warning",), True, _negative_vader),
        Detector("foretold", "foretold.detect (default policy) with the fast classifier",
                 ("watch", "warning", "crisis", "all_clear"), True, _foretold("fast")),
        Detector("foretold_accurate", "foretold.detect (default policy) with the accurate "
                 "classifier", ("watch", "warning", "crisis", "all_clear"), True,
                 _foretold("accurate")),
        Detector("foretold_risk", "foretold.detect's older risk policy (composite hijack risk) "
                 "with the fast classifier", ("watch", "warning", "crisis", "all_clear"), True,
                 _foretold("fast", "risk")),
    )
}  # fmt: skip


def detector(name: str) -> Detector:
    """The registered detector called ``name``."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ConfigError(
            f"benchmark: unknown detector {name!r}; expected one of: {', '.join(REGISTRY)}"
        ) from None
