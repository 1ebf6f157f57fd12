"""The ``Detect`` stage: campaign posts in, alerts, window metrics and phases out.

It runs after ``Track`` (memberships) and ``Classify`` (labels) and appends to the
batch: PRODUCT.md alert dicts to ``alerts``, ``(campaign, window seconds, window end
us, JSON)`` to ``metrics`` and ``(campaign, start us, phase)`` to ``phases``. Window
logic runs on stream time; only ``raised_at`` reads the injected clock.

>>> from datetime import datetime, timezone
>>> from foretold.clock import ManualClock
>>> from foretold.campaigns import Campaign
>>> stage = Detect([Campaign.from_track(["#AskJPM"])], ManualClock(datetime(2026, 1, 1)))
>>> stage.name, sorted(stage.campaigns)
('detect', ['askjpm'])
"""

from __future__ import annotations

import importlib
import pickle
from collections.abc import Sequence
from functools import cache
from typing import Any

from foretold.campaigns import Campaign
from foretold.clock import Clock
from foretold.coordination.nearcopy import COMPILED as COMPILED_DIGEST
from foretold.detect.campaign import CampaignDetector
from foretold.detect.config import POLICIES, DetectConfig
from foretold.detect.forecast import METHODS
from foretold.detect.levels import DEFAULT_RATES, LevelDetector, Rates
from foretold.detect.minutes import Output
from foretold.errors import ConfigError
from foretold.post import Post
from foretold.records import Batch
from foretold.signals import FIELDS


class Detect:
    """Early warning for every campaign; state can be snapshot and restored."""

    name = "detect"

    def __init__(
        self, campaigns: Sequence[Campaign], clock: Clock, config: DetectConfig | None = None
    ) -> None:
        self.clock = clock
        self.config = c = config or DetectConfig()
        if c.policy not in POLICIES:
            raise ConfigError(
                f"detect: unknown policy {c.policy!r}; expected one of: {', '.join(POLICIES)}"
            )
        if c.forecast_method not in METHODS:
            raise ConfigError(
                f"detect: unknown forecast_method {c.forecast_method!r}; "
                f"expected one of: {', '.join(METHODS)}"
            )
        make = LevelDetector if c.policy == "surprise" else CampaignDetector
        self.campaigns: dict[str, Any] = {x.name: make(x, c) for x in campaigns}
        self.tier = ""

    def process(self, batch: Batch) -> None:
        """Feed the batch's campaign posts, in stream order, to their campaigns."""
        if batch.labels and batch.labels[0][2] != self.tier and self.config.policy == "surprise":
            self.tier = batch.labels[0][2]  # the classifier's error rates, for the counts
            rates = rates_of(self.tier)
            for det in self.campaigns.values():
                det.set_rates(rates)
        self._relabel(batch)
        if not batch.memberships:
            return
        member = batch.campaigns_of()
        outputs: dict[str, Output] = {}
        labels_of = batch.label_of
        detectors = self.campaigns
        # coordination digests each campaign's texts in one pass, where that pays (the
        # numpy digest; the compiled one digests each post as it comes, docs/coordination.md)
        if not COMPILED_DIGEST:
            per: dict[str, list[Post]] = {}
            for post in batch.posts:
                for name in member.get(post.key, ()):
                    per.setdefault(name, []).append(post)
            for name, posts in per.items():
                if name in detectors:
                    detectors[name].coordination.prepare(posts)
        now = self.clock.now
        for post in batch.posts:
            names = member.get(post.key)
            if not names:
                continue
            labels = labels_of.get(post.key)
            for name in names:
                det = detectors.get(name)
                if det is None:
                    continue
                out = outputs.get(name)
                if out is None:
                    out = outputs[name] = Output()
                det.observe(post, labels, out, now)
        self._emit(batch, outputs)

    def finish(self, batch: Batch) -> None:
        """The stream has ended: evaluate each campaign's last open minute into ``batch``."""
        self._relabel(batch)
        outputs: dict[str, Output] = {}
        for name, det in self.campaigns.items():
            det.finish(outputs.setdefault(name, Output()), self.clock.now)
        self._emit(batch, outputs)

    def _relabel(self, batch: Batch) -> None:
        """Posts of earlier batches labelled again (a picture read late in a watch,
        docs/media.md): each campaign moves the post's labelled counts to its open
        minute, so a hostile meme counts once, as a hostile post, when its update arrives."""
        for update in batch.updates:
            for name in update.campaigns:
                det = self.campaigns.get(name)
                if det is not None:
                    det.relabel(update.post, update.before, update.after)

    @staticmethod
    def _emit(batch: Batch, outputs: dict[str, Output]) -> None:
        for name, out in outputs.items():
            batch.alerts.extend(a.to_dict() for a in out.alerts)
            batch.metrics.extend((name, s, e, j) for s, e, j in out.metrics)
            batch.phases.extend((name, t, p) for t, p in out.phases)

    def snapshot(self) -> bytes:
        """Every campaign's state, to resume from with :meth:`restore`: the detectors, and
        each one's coordination state in its compact form (``docs/coordination.md``)."""
        coordination = {name: det.coordination.snapshot() for name, det in self.campaigns.items()}
        return pickle.dumps(
            {"campaigns": self.campaigns, "coordination": coordination, "fields": FIELDS},
            protocol=pickle.HIGHEST_PROTOCOL,
        )

    def restore(self, state: bytes) -> bool:
        """Resume from a :meth:`snapshot` (taken from a stage with the same campaigns).
        A snapshot whose windows count other fields (taken by an older foretold: before
        2026-12-06 they had no ``repeats``, before f3bc780 no ``hostile_ironic``) is not
        restored: the detectors start afresh and False is returned; the alerts it raised
        stay in the store."""
        restored: Any = pickle.loads(state)
        if not isinstance(restored, dict) or tuple(restored.get("fields", ())) != FIELDS:
            return False
        self.campaigns = restored["campaigns"]
        for name, co in restored["coordination"].items():
            self.campaigns[name].coordination.restore(co)
        return True


@cache
def rates_of(tier: str) -> Rates:
    """The shipped error rates of a classifier tier (:func:`foretold.understand.error_rates`);
    the fast tier's when the tier has none (a test's rule-based labels)."""
    try:
        rates = importlib.import_module("foretold.understand").error_rates(tier)
    except Exception:  # no rates for this tier: keep the documented default
        return DEFAULT_RATES
    return Rates(rates["anger"], rates["ironic"], tier)
