"""One campaign's watch: its windows, baselines, detectors, risk, level and phase.

:class:`CampaignDetector` takes the campaign's posts in stream order. When a post
opens a new minute, every minute before it is closed and evaluated once: the
detectors step, the risk is combined, the level policy decides whether to alert,
the phase tracker labels the moment, and window metrics are written at each
window's own cadence. Quiet hours are skipped in one go once every window is empty.
All state is plain Python and pickles (see :meth:`foretold.detect.Detect.snapshot`).
Every threshold is a field of :class:`~foretold.detect.config.DetectConfig`.

A calm day (two friendly posts a minute, an angry one every three minutes), then
angry questions doubling every 10 minutes: a watch, then a warning within minutes.
Crisis also needs the storm to spread (amplifiers, a cascade or the press), so it
does not come here::

    minute    0 .. 1439 | 1440  1441  1442  1443  1444  1445 ...
    angry     1 per 3   |   2     2     2     2     3     3  ...
    alert               |                        watch warning

>>> from datetime import UTC, datetime, timedelta
>>> from foretold.campaigns import Campaign
>>> from foretold.post import Author, Post
>>> det = CampaignDetector(Campaign.from_track(["#AskJPM"]), DetectConfig())
>>> calm = {"sentiment": "positive", "emotion": "joy", "flags": [],
...         "scores": {"negative": 0.1, "positive": 0.7, "anger": 0.1, "joy": 0.6}}
>>> angry = {"sentiment": "negative", "emotion": "anger", "flags": ["question"],
...          "scores": {"negative": 0.8, "offensive": 0.5, "anger": 0.8, "positive": 0.05}}
>>> t0, out, ids = datetime(2013, 11, 12, tzinfo=UTC), Output(), iter(range(10**6))
>>> def minute(m, calm_posts, angry_posts):
...     for labels in [calm] * calm_posts + [angry] * angry_posts:
...         n = next(ids)
...         post = Post(platform="x", id=str(n), text="?", hashtags=("askjpm",),
...                     author=Author(id=str(n), handle=f"u{n}", followers=500),
...                     created_at=t0 + timedelta(minutes=m, seconds=n % 60))
...         det.observe(post, labels, out, lambda: t0)
>>> for m in range(24 * 60):
...     minute(m, 2, 1 if m % 3 == 0 else 0)
>>> for m in range(24 * 60, 25 * 60):
...     minute(m, 2, round(2 * 2 ** ((m - 24 * 60) / 10)))
>>> [(a.level, a.at.strftime("%H:%M")) for a in out.alerts]
[('watch', '00:04'), ('warning', '00:05')]
>>> out.alerts[1].summary.split(", ")  # doctest: +NORMALIZE_WHITESPACE
['A hijack is forming: hostile posts are 36% of #askjpm in the last 15 min (baseline 15%)',
 '17 of them', '4x the usual.']
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from foretold.alerts import Alert, LevelPolicy
from foretold.campaigns import Campaign
from foretold.coordination import ceiling as coordination_ceiling
from foretold.detect import explain
from foretold.detect.baseline import MeanBaseline, RateBaseline, ShareBaseline
from foretold.detect.bocpd import Bocpd
from foretold.detect.config import DetectConfig
from foretold.detect.cusum import MeanCusum
from foretold.detect.ewma import EwmaChart
from foretold.detect.kleinberg import KleinbergBurst
from foretold.detect.minutes import MinuteDetector, Output
from foretold.detect.phases import PhaseTracker, Reading
from foretold.detect.risk import Evidence, clamp, hijack_risk
from foretold.signals import (
    ADDRESSED,
    HOSTILE,
    HOSTILITY,
    HOSTILITY_SQ,
    LABELLED,
    NEWS,
    CampaignSignals,
    WindowSignals,
)


class CampaignDetector(MinuteDetector):
    """The per-campaign state; ``observe`` each post, read alerts from the ``Output``."""

    def __init__(self, campaign: Campaign, config: DetectConfig) -> None:
        c = self.config = config
        self.campaign = campaign
        self.name = explain.display_name(campaign)
        self.signals = CampaignSignals(
            campaign, c.step_seconds, c.windows, c.amplifier_min, c.amplifier_factor
        )
        self.rate = RateBaseline(c.prior_rate, c.prior_rate_steps, c.rate_half_life)
        self.hostile = ShareBaseline(c.prior_hostile, c.prior_hostile_n, c.hostile_half_life)
        self.mood = MeanBaseline(c.prior_hostility, c.prior_hostility_sd, c.prior_hostile_n,
                                 c.hostile_half_life)  # fmt: skip
        self.cusum = MeanCusum(c.cusum_shift, c.cusum_threshold)
        self.burst = KleinbergBurst(c.burst_scale, c.burst_gamma)
        self.chart = EwmaChart(c.ewma_fast, c.ewma_slow, c.ewma_threshold)
        self.change = Bocpd(c.bocpd_hazard, c.bocpd_max_run)
        self.policy = LevelPolicy(c.levels, c.exit_margin, c.hold_steps, c.all_clear_steps)
        self.phase = PhaseTracker()
        self.risk = 0.0
        self.accel = 0.0
        self.evidence = Evidence()
        self._peak_hostile = 0.0
        # hostile posts a step over the last hours; always learning (even in a storm)
        self.recent = RateBaseline(0.0, 1.0, c.recent_half_life)
        self._step_us = c.step_seconds * 1_000_000
        self._longest = max(c.windows)

    def _quiet(self, start: int, gap: int) -> None:
        self.rate.update(0.0, gap)
        self.recent.update(0.0, gap)
        self.chart.skip(gap)

    def _evaluate(self, end: int, out: Output, now: Callable[[], datetime]) -> None:
        c, sig = self.config, self.signals
        s1 = sig.windows.sums(1)
        k1, n1, a1 = s1[HOSTILE], s1[LABELLED], s1[ADDRESSED]
        p0, rate = self.hostile.share, self.rate.rate
        self.cusum.update(s1[HOSTILITY], n1, self.mood.mean, self.mood.sd, end)
        burst = self.burst.update(k1, n1, p0)
        velocity = self.chart.update(math.log1p(a1))
        if end % c.bocpd_every == 0:
            s5 = sig.sum(c.bocpd_every, HOSTILE)
            self.change.update(s5, prior_rate=rate * p0 * c.bocpd_every)
        if self.cusum.statistic == 0.0 and not self.policy.in_episode:
            # nothing hostile beyond the baseline: risk is 0 whatever else moves (fast path)
            self._calm(end, k1, n1, a1, s1, out)
            self.recent.update(k1)
            return
        w15, w60 = sig.read(15), sig.read(60)
        expected = rate * 15 * p0
        surge = (w15.hostile + 1.0) / (expected + 1.0)
        share15 = w15.hostile_share if w15.labelled >= c.min_labelled else None
        share60 = w60.hostile_share if w60.labelled >= c.min_labelled else None
        hostile_now = share15 is not None and share15 >= p0 + c.hostile_margin
        # supporting terms count in proportion to how many hostile posts there are
        mass = clamp(w15.hostile / c.full_hostile)
        support = mass if hostile_now else 0.0
        self.evidence = ev = Evidence(
            content=clamp(self.cusum.statistic / self.cusum.threshold),
            surge=clamp(math.log2(surge) / c.surge_doublings) * mass
            if w15.hostile >= c.min_hostile
            else 0.0,
            velocity=clamp((velocity - c.velocity_from) / c.velocity_span) * support,
            burst=float(burst) * support,
            change_point=self.change.recent * support if self.change.rising else 0.0,
            amplifiers=clamp(w60.hostile_amplifiers / c.full_amplifiers),
            cascade=_cascade(w60.branching, w60.posts, share60, p0, c) * support,
            hostile_questions=clamp(((w15.hostile_question_share or 0.0) - p0) / c.share_span)
            * support
            if w15.questions >= c.min_questions
            else 0.0,
            reach=clamp(((w15.reach_hostility or 0.0) - p0) / c.share_span) * support,
            newcomers=clamp(((w15.newcomer_share or 0.0) - c.newcomer_from) / c.share_span)
            * support,
            press=clamp(sig.sum(60, NEWS) / c.full_press) * (1.0 if hostile_now else c.press_calm),
        )
        self.risk = risk = round(hijack_risk(ev), 4)
        floor = c.accel_floor
        self.accel = accel = (w15.hostile / 15.0 + floor) / (self.recent.rate + floor)
        happening = storm_now(ev, accel, share15, p0, c)
        ceiling = _ceiling(w60, happening, c)
        if ceiling == 3:  # a small coordinated group is not the public (coordination/policy.py)
            ceiling = coordination_ceiling(self.coordination.summary(15), ceiling,
                                           self.coordination.config)  # fmt: skip
        level = self.policy.update(risk, end, ceiling)
        self.recent.update(k1)
        self._learn(k1, n1, a1, s1)
        if self.policy.in_episode:
            self._peak_hostile = max(self._peak_hostile, float(w15.hostile))
        end_us = end * self._step_us
        reading = Reading(
            self.policy.level,
            burst=bool(burst),
            press=w60.news > 0,
            falling=w15.hostile < c.falling * self._peak_hostile,
        )
        changed = self.phase.update(reading, end)
        if changed is not None:
            out.phases.append((changed[1] * self._step_us - self._step_us, changed[0]))
        if level is not None:
            if level == "all_clear":
                self._peak_hostile = 0.0
                back = self.phase.all_clear(end)
                if back is not None:
                    out.phases.append((end_us, back[0]))
            out.alerts.append(self._alert(level, w15, w60, surge, expected, now()))
        self._metrics(end, out)

    def _learn(self, k1: float, n1: float, a1: float, s1: list[float]) -> None:
        if self.policy.level == "none":
            # learn the normal; slowly while a change is suspected, so it is not absorbed
            c = self.config
            learn = 1.0 if self.cusum.statistic < self.cusum.threshold / 4 else c.suspect_learning
            self.rate.update(a1)
            self.hostile.update(k1, n1, weight=learn)
            self.mood.update(s1[HOSTILITY], s1[HOSTILITY_SQ], n1, weight=learn)

    def _calm(
        self, end: int, k1: float, n1: float, a1: float, s1: list[float], out: Output
    ) -> None:
        self.evidence = Evidence()
        self.risk = 0.0
        self.policy.update(0.0, end)
        self._learn(k1, n1, a1, s1)
        self._metrics(end, out)

    def _alert(
        self,
        level: str,
        w15: Any,
        w60: Any,
        surge: float,
        expected: float,
        raised_at: datetime,
    ) -> Alert:
        ev, seen = self.evidence, self._seen()
        amplifiers = explain.people(seen.amplifiers, 3)
        onset = self.cusum.onset
        since = explain.when((onset - 1) * self._step_us) if onset is not None else None
        base = self.hostile.share
        signals = ev.signals() if level != "all_clear" else []
        text = explain.summary(
            level,
            self.name,
            w15,
            w60,
            base,
            surge if ev.surge > 0 else None,
            amplifiers if level in ("warning", "crisis") else [],
            seen.news if level in ("warning", "crisis") else [],
            since,
        )
        metrics: dict[str, float | int | None] = {
            "risk": self.risk,
            "hostile_share_15m": w15.hostile_share,
            "hostile_share_60m": w60.hostile_share,
            "baseline_hostile_share": round(base, 4),
            "hostile_posts_15m": w15.hostile,
            "expected_hostile_posts_15m": round(expected, 2),
            "posts_15m": w15.posts,
            "baseline_posts_per_min": round(self.rate.rate, 4),
            "hostile_question_share_15m": w15.hostile_question_share,
            "reach_hostility_15m": w15.reach_hostility,
            "newcomer_share_15m": w15.newcomer_share,
            "branching_60m": w60.branching,
            "amplifiers_60m": w60.amplifiers,
            "news_posts_60m": w60.news,
            "hostility_15m": w15.hostility,
            "baseline_hostility": round(self.mood.mean, 4),
            "cusum": round(self.cusum.statistic, 3),
            "ewma_score": round(self.chart.score, 3),
            "change_point": round(self.change.recent, 4),
        }
        return self._finish_alert(level, raised_at, signals, text, seen, metrics)


def _ceiling(w60: WindowSignals, happening: bool, c: DetectConfig) -> int:
    """The highest level that may be entered now: crisis only while the storm is
    happening; watch while mockery outweighs hostility over the hour (#WaitroseReasons)."""
    mocking, hostile = w60.mocking_share, w60.hostile_share
    if (
        mocking is not None
        and hostile is not None
        and w60.labelled >= c.mockery_min_labelled
        and mocking > hostile
    ):
        return 1
    return 3 if happening else 2


def storm_now(ev: Evidence, accel: float, share: float | None, p0: float, c: DetectConfig) -> bool:
    """Is the storm happening now: hostility, velocity and spread in the same 15 minutes?"""
    spread = max(ev.amplifiers, ev.cascade, ev.press)
    return (
        accel >= c.crisis_accel
        and share is not None
        and share >= p0 + c.crisis_share
        and spread >= c.crisis_spread
    )


def _cascade(
    branching: float | None, posts: int, share: float | None, p0: float, c: DetectConfig
) -> float:
    """A near-critical repost cascade of hostile talk (branching estimate above 0.6)."""
    if branching is None or posts < c.cascade_min_posts or share is None:
        return 0.0
    if share < p0 + c.cascade_share:
        return 0.0
    return clamp((branching - c.cascade_from) / c.share_span)
