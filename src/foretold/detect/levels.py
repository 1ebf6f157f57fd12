"""The surprise level policy: the brand's normal, surprise statistics, the forecast, levels.

:class:`LevelDetector` takes the campaign's posts in stream order (``DetectConfig.policy
= "surprise"``, the default; the older risk policy is :mod:`foretold.detect.campaign`).
When a post opens a new minute, every minute before it is closed and evaluated once.
The count it watches is the minute's *hostile voices*: hostile posts addressed to the
campaign in their authors' own words, and reposts of them.

- ``surge``: a quasi-Poisson CUSUM bank (:mod:`.surprise`) on hostile voices against
  what is normal for this brand at this hour and weekday (:mod:`.seasonal`: level x
  hour x weekday, its overdispersion ``phi``): are there more of them than usual?
- ``turn``: a binomial CUSUM bank on the minute's hostile posts among its labelled
  ones, against the brand's chronic hostile share, read while the last 15 minutes are
  still above that share (has the talk turned hostile?);
- ``storm``: at least ``crisis_min_hostile`` hostile voices in 15 minutes, and at least
  ``min(share_shifts)`` of the labelled voices, that the classifier's error rates cannot
  explain, ``crisis_accel`` times the rate of the last hours, a hostile amplifier or the
  press in the hour, and significant growth (:mod:`.forecast`).

Each CUSUM threshold is ``log(ARL)`` for one false alarm a month (plus ``log k`` for a
bank of ``k``). The level is read from which hold::

    surge                 -> watch
    surge and turn        -> warning
    surge and forming     -> warning  (no turn yet: the share above the usual at 90 %,
                                       true hostile voices beyond the normal, growing)
    surge and storm       -> crisis   (warning while a coordinated swarm is most of it;
                                       watch while mockery outweighs hostility)

Episodes as :class:`foretold.alerts.LevelPolicy` keeps them: each level once, then
``all_clear``; no level in the all_clear's minute. The brand's normal is learned while
the level is ``none`` or ``watch`` (slowly while the turn is a quarter of the way up),
never in a warning or a crisis. All state is plain Python and pickles.

A calm day (an angry post every three minutes), then angry questions doubling every 5
minutes; a big account joins at minute 10 of the storm::

    minute   0 .. 1439 | 1440 ... 1444   1445    ... 1450           ...
    angry    1 per 3   |   2  ...   3      4     ...   8 + @bignews ...
    alert              |            watch  warning     crisis

>>> from datetime import UTC, datetime, timedelta
>>> from foretold.campaigns import Campaign
>>> from foretold.post import Author, Post
>>> det = LevelDetector(Campaign.from_track(["#AskJPM"]), DetectConfig(policy="surprise"))
>>> calm = {"sentiment": "positive", "emotion": "joy", "flags": []}
>>> angry = {"sentiment": "negative", "emotion": "anger", "flags": ["question"]}
>>> t0, out, n = datetime(2013, 11, 12, tzinfo=UTC), Output(), 0
>>> def minute(m, calm_posts, angry_posts):
...     global n
...     for labels in [calm] * calm_posts + [angry] * angry_posts:
...         n += 1
...         post = Post(platform="x", id=str(n), text="?", hashtags=("askjpm",),
...                     author=Author(id=str(n), handle=f"u{n}", followers=500),
...                     created_at=t0 + timedelta(minutes=m, seconds=n % 60))
...         det.observe(post, labels, out, lambda: t0)
>>> for m in range(24 * 60):  # a calm day: 2 posts a minute, 1 in 6 hostile
...     minute(m, 5 if m % 3 == 0 else 1, 1 if m % 3 == 0 else 0)
>>> big = Post(platform="x", id="big", text="?", hashtags=("askjpm",),
...            author=Author(id="big", handle="bignews", followers=2_000_000),
...            created_at=t0 + timedelta(days=1, minutes=10))
>>> for m in range(24 * 60, 24 * 60 + 40):  # then hostile posts double every 5 minutes
...     minute(m, 2, round(2 * 2 ** ((m - 24 * 60) / 5)))
...     if m == 24 * 60 + 10:
...         det.observe(big, angry, out, lambda: t0)
>>> [(a.level, a.at.strftime("%H:%M")) for a in out.alerts]
[('watch', '00:04'), ('warning', '00:05'), ('crisis', '00:10')]
>>> print(out.alerts[-1].summary)  # doctest: +NORMALIZE_WHITESPACE
Crisis: hostile posts are 62% of #askjpm in the last 15 min (baseline 13%), 50 of them,
8x the usual; @bignews (2M followers) joined; hostile posts and reposts are doubling every
4.2 min; at this pace ~2,300 in the next hour (90%: 3-1,900,000).
>>> out.alerts[-1].to_dict()["evidence"]["forecast"]["hostile_posts"]["doubling_min"]
4.2
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from foretold.alerts import Alert, LevelPolicy
from foretold.campaigns import Campaign
from foretold.coordination import ceiling as coordination_ceiling
from foretold.detect import explain
from foretold.detect.baseline import RateBaseline, ShareBaseline
from foretold.detect.composition import Estimate, Rate, adjusted, wilson
from foretold.detect.config import DetectConfig
from foretold.detect.forecast import Forecast, fit
from foretold.detect.minutes import MinuteDetector, Output
from foretold.detect.phases import PhaseTracker, Reading
from foretold.detect.seasonal import SeasonalRate
from foretold.detect.surprise import Bank, CountCusum, ShareCusum
from foretold.signals import (
    ADDRESSED,
    HOSTILE,
    HOSTILE_AMPLIFIERS,
    HOSTILE_IMPRESSIONS,
    HOSTILE_IRONIC,
    HOSTILE_REPEATS,
    HOSTILE_REPOSTS,
    LABELLED,
    MOCKING,
    NEWS,
    REPEATS,
    CampaignSignals,
    WindowSignals,
)

#: The level names by rank, as :class:`~foretold.alerts.LevelPolicy` numbers them.
_LEVELS = ("none", "watch", "warning", "crisis")


@dataclass(frozen=True)
class Rates:
    """The classifier's error rates for the two counts: hostile (its anger decision,
    which every hostile post but the offensive ones needs) and mocking (irony)."""

    hostile: Rate
    mocking: Rate
    tier: str


@dataclass
class _Rate:
    tpr: float
    fpr: float


def _voiced(s: list[float]) -> tuple[float, float]:
    """A window's hostile and labelled posts, each author once per ``voice_minutes``
    (the repeats :class:`~foretold.signals.CampaignSignals` marks left out)."""
    return s[HOSTILE] - s[HOSTILE_REPEATS], s[LABELLED] - s[REPEATS]


#: Used until the labels' tier is known: the fast tier's shipped rates (models/rates.json).
DEFAULT_RATES = Rates(_Rate(0.825, 0.1495), _Rate(0.3023, 0.278), "fast")


class LevelDetector(MinuteDetector):
    """The per-campaign state; ``observe`` each post, read alerts from the ``Output``."""

    # the episode's recent 15-minute hostile voices and its earlier peak (set in
    # __init__; the class defaults serve detectors pickled before them)
    _episode: deque[tuple[int, float]] | None = None
    _episode_peak: float = 0.0
    # this minute's forecasts, by what they project (:meth:`forecast`); emptied whenever
    # the fitted minutes change
    _fits: dict[int, Forecast | None] | None = None

    def __init__(
        self, campaign: Campaign, config: DetectConfig, rates: Rates | None = None
    ) -> None:
        c = self.config = config
        self.campaign = campaign
        self.name = explain.display_name(campaign)
        self.signals = CampaignSignals(
            campaign,
            c.step_seconds,
            c.windows,
            c.amplifier_min,
            c.amplifier_factor,
            repeat_minutes=c.voice_minutes,
        )

        def seasonal(prior: float) -> SeasonalRate:
            return SeasonalRate(prior, c.prior_steps, c.level_half_life,
                                c.hour_half_life_days, c.day_half_life_weeks)  # fmt: skip

        self.normal = seasonal(c.prior_rate * c.prior_hostile)  # hostile posts a minute
        self.volume = seasonal(c.prior_rate)  # addressed posts a minute
        self.share = ShareBaseline(c.prior_hostile, c.prior_steps / 9.0, c.share_half_life)
        h = c.threshold
        self.turn = Bank([ShareCusum(d, h) for d in c.share_shifts], h)
        self.surge = Bank([CountCusum(r, h, excess=c.min_excess) for r in c.surge_ratios], h)
        self.policy = LevelPolicy((1.0, 2.0, 3.0), 0.0, c.hold_steps, c.all_clear_steps)
        self.phase = PhaseTracker()
        self.rates = DEFAULT_RATES
        self.set_rates(rates or DEFAULT_RATES)
        self.risk = 0.0
        self.expected_15 = 0.0  # hostile posts the brand's normal expects in 15 minutes
        # hostile posts a minute over the last hours; always learning (even in a storm)
        self.lately = RateBaseline(0.0, 1.0, c.recent_half_life)
        self._recent: deque[tuple[float, float]] = deque(maxlen=c.fit_steps)
        self._peak_hostile = 0.0
        # the episode's 15-minute hostile voices of the last hold_steps minutes, and the
        # largest before them: what a crisis must escalate beyond (:meth:`escalating`)
        self._episode = deque()
        self._episode_peak = 0.0
        self._cleared_us = -1  # last post time at the latest all_clear
        self._step_us = c.step_seconds * 1_000_000

    def set_rates(self, rates: Rates) -> None:
        """Use a classifier tier's error rates: the share statistic looks for the observed
        rise a true rise of ``share_shift`` makes, ``(tpr - fpr) * share_shift``."""
        self.rates = rates
        gap = max(rates.hostile.tpr - rates.hostile.fpr, 0.05)
        for m, d in zip(self.turn.members, self.config.share_shifts, strict=True):
            if isinstance(m, ShareCusum):
                m.shift = gap * d

    def _quiet(self, start: int, gap: int) -> None:
        """``gap`` empty minutes from ``start`` (a quiet night), learned in one go."""
        mu, phi = self.normal.expected(start), self.normal.dispersion
        self.surge.skip(mu, gap, phi)
        self.lately.update(0.0, gap)
        self._recent.extend([(0.0, 0.0)] * min(gap, self.config.fit_steps))
        self._fits = {}
        if self.policy.level == "none":
            self.normal.skip(start, gap)
            self.volume.skip(start, gap)

    def _evaluate(self, end: int, out: Output, now: Callable[[], datetime]) -> None:
        c, sig = self.config, self.signals
        step = end - 1  # the minute that just closed
        s1 = sig.windows.sums(1)
        (k1, n1), a1 = _voiced(s1), s1[ADDRESSED]
        x = k1 + s1[HOSTILE_REPOSTS]  # hostile voices: own words, and reposts of them
        mu = self.normal.expected(step)
        phi = self.normal.dispersion
        if self.normal.warm:  # no surprise until the brand's normal rests on its own data
            self.turn.update_share(k1, n1, self.share.share, step)
            self.surge.update_count(x, mu, phi, step)
        self._recent.append((x, s1[HOSTILE_IMPRESSIONS]))
        self._fits = {}
        surge = self.surge.alarm
        # the turn counts while the last 15 minutes are still more hostile than usual: a
        # CUSUM capped high decays slowly at night, and must not vouch for a later burst
        turn = self.turn.alarm and self._hostile_now()
        # without a turn in the mix, a warning may still say a hijack is forming
        forming = surge and not turn and self.forming(step)
        target = 2 if surge and (turn or forming) else 1 if surge else 0
        if surge and self._storm_now(x):
            # a small coordinated group is not the public (coordination/policy.py)
            target = coordination_ceiling(self.coordination.summary(15), 3,
                                          self.coordination.config)  # fmt: skip
        self.lately.update(x)
        self.risk = round((self.turn.progress + self.surge.progress) / 2, 4)
        level = self.policy.update(float(target), end, self._ceiling())
        self._remember_episode(end)
        if self.policy.level in ("none", "watch"):
            # more hostile posts in a usual mix (the day's rhythm, a busy week) is learned;
            # a turn in the mix is not, while it is suspected
            weight = c.suspect_learning if self.turn.progress >= 0.25 else 1.0
            self.normal.update(x, step, weight)
            self.volume.update(a1, step, weight)
            self.share.update(k1, n1, weight=weight)
        if not self.policy.in_episode and level is None:
            self._metrics(end, out)
            return
        self.expected_15 = self.normal_voices(step, 15)
        w15 = sig.read(15)
        if self.policy.in_episode:
            self._peak_hostile = max(self._peak_hostile, float(w15.hostile))
        reading = Reading(
            self.policy.level,
            burst=surge and turn,
            press=sig.sum(60, NEWS) > 0,
            falling=w15.hostile < 0.5 * self._peak_hostile,
        )
        changed = self.phase.update(reading, end)
        if changed is not None:
            out.phases.append((changed[1] * self._step_us - self._step_us, changed[0]))
        if level is not None:
            if level == "all_clear":
                self._peak_hostile = 0.0
                self._cleared_us = sig.last_us
                back = self.phase.all_clear(end)
                if back is not None:
                    out.phases.append((end * self._step_us, back[0]))
            out.alerts.append(self._alert(level, w15, sig.read(60), now()))
        self._metrics(end, out)

    def _hostile_now(self) -> bool:
        """Is the last 15 minutes' hostile share above the usual one, at 90 %? (The
        Wilson interval's lower end above the baseline share: both observed shares,
        so the classifier's error rates cancel.)"""
        return wilson(*_voiced(self.signals.windows.sums(15)))[0] > self.share.share

    def forming(self, step: int) -> bool:
        """Is a hijack forming, the mix not yet turned? A warning without the turn needs,
        in the last 15 minutes (to ``step``):

        - the hostile share above the usual one at 90 % (the turn's own check,
          :meth:`_hostile_now`: the same classifier on both sides, its errors cancel);
        - hostile voices that the classifier's error cannot explain (:meth:`true_voices`,
          the low end of their 90 % interval) beyond all the hostile voices the brand's
          normal expects by at least ``min_excess`` a minute (the surge's own smallest
          rise): a burst of four angry posts on a quiet night is not a hijack;
        - growing: the forecast's growth rate above 0 at 90 % (the crisis gate's test).

        The turn statistic looks for a sustained true rise of 15 points in the share,
        which a hijack of a brand whose chronic share is already high, read through a
        fast classifier, makes late or never; with it alone, the warning came with the
        crisis. No new constant."""
        if not self._hostile_now():
            return False
        if self.true_voices(15) - self.normal_voices(step, 15) < 15 * self.config.min_excess:
            return False
        fc = self.forecast(0)
        return fc is not None and fc.growing

    def normal_voices(self, step: int, minutes: int) -> float:
        """The hostile voices the brand's normal expects in the ``minutes`` to ``step``."""
        return sum(self.normal.expected(step - i) for i in range(minutes))

    def voices(self, minutes: int) -> float:
        """Hostile voices in the last ``minutes``: hostile posts in their authors' own
        words (each author once per ``voice_minutes``) and reposts of them."""
        s = self.signals.windows.sums(minutes)
        return _voiced(s)[0] + s[HOSTILE_REPOSTS]

    def true_voices(self, minutes: int) -> float:
        """The hostile voices that the classifier's measured error rates cannot explain:
        :meth:`voices` times the share of the hostile labels that are true, at the low
        end of its 90 % interval, the one alerts report (adjusted classify-and-count,
        :mod:`.composition`).
        A praise storm's hostile labels are mostly the classifier's false positives
        (18 % flagged where its false-positive rate is 15 %): few true voices."""
        s = self.signals.windows.sums(minutes)
        k, n = _voiced(s)
        if k <= 0:
            return 0.0
        est = adjusted(round(k), round(n), self.rates.hostile)
        return (k + s[HOSTILE_REPOSTS]) * min(1.0, est.low / k)

    def true_share(self, minutes: int) -> float:
        """The share of the last ``minutes``' labelled voices that are truly hostile, at
        the low end of its 90 % interval (adjusted classify-and-count, as
        :meth:`true_voices`). A praise storm big enough to pass the crisis floor on its
        labels' noise alone (1,238 labelled posts in 15 minutes, 18 % flagged hostile where
        the fast tier's false-positive rate is 15 %: 34 "true" voices) is a few percent
        hostile; a hijack is a quarter or more."""
        k, n = _voiced(self.signals.windows.sums(minutes))
        if n <= 0:
            return 0.0
        return adjusted(round(k), round(n), self.rates.hostile).low / round(n)

    def spreading(self) -> bool:
        """Beyond the brand's own audience: a hostile amplifier or the press in the hour."""
        s60 = self.signals.windows.sums(60)
        return s60[HOSTILE_AMPLIFIERS] > 0 or s60[NEWS] > 0

    def _storm_now(self, x: float) -> bool:
        """Crisis: with the surge, the storm is happening now, and big: at least
        ``crisis_min_hostile`` hostile voices in 15 minutes that the classifier's error
        cannot explain (:meth:`true_voices`), at least the smallest turn the share
        statistic looks for (``min(share_shifts)``, 15 %) of the labelled voices truly
        hostile (:meth:`true_share`), ``crisis_accel`` times the
        rate of the last hours (a slow build raises its own reference), spreading beyond
        the brand's audience, beyond the episode's earlier bursts (:meth:`escalating`), and
        growing (the forecast's growth rate above 0 at 90 %)."""
        c = self.config
        if self.true_voices(15) < c.crisis_min_hostile:
            return False
        if self.true_share(15) < min(c.share_shifts):
            return False
        x15 = self.voices(15)
        floor = c.accel_floor
        if (x15 / 15 + floor) / (self.lately.rate + floor) < c.crisis_accel:
            return False
        if not self.spreading():
            return False
        if not self.escalating():
            return False
        fc = self.forecast(0)
        return fc is not None and fc.growing

    def _remember_episode(self, end: int) -> None:
        """Keep the episode's 15-minute hostile voices: those of its last ``hold_steps``
        minutes, and the largest before them; forget them when the episode ends."""
        if self._episode is None:
            self._episode = deque()
        if not self.policy.in_episode:
            self._episode.clear()
            self._episode_peak = 0.0
            return
        self._episode.append((end, self.voices(15)))
        while self._episode and self._episode[0][0] <= end - self.config.hold_steps:
            self._episode_peak = max(self._episode_peak, self._episode.popleft()[1])

    def escalating(self) -> bool:
        """Is the last 15 minutes' hostile voice count ``crisis_accel`` times the largest
        15-minute count of the same episode before its last ``hold_steps`` minutes? A
        backlash that has simmered at warning for days has had its bursts; a crisis is one
        beyond them (no earlier burst: always)."""
        return self.voices(15) >= self.config.crisis_accel * self._episode_peak

    def _ceiling(self) -> int:
        """The highest level that may be entered now: none right after an all_clear
        until a new post arrives (no watch in the all_clear's minute); watch while
        mockery outweighs hostility over the hour and there is no real anger in it
        (#WaitroseReasons; :meth:`real_anger`)."""
        sig = self.signals
        if sig.last_us <= self._cleared_us:
            return 0
        s60 = sig.windows.sums(60)
        if s60[LABELLED] >= 20 and s60[MOCKING] > s60[HOSTILE] and not self.real_anger():
            return 1
        return 3

    def real_anger(self) -> bool:
        """Is there real anger in the hour's mockery? A hijack told in jokes
        (#QantasLuxury: a quarter of its posts hostile, more of them ironic) is an attack;
        a mockery storm (#WaitroseReasons: nearly all ironic) is not, even where the
        classifier reads its jokes as angry. Both must hold:

        - at least ``min(share_shifts)`` of the hour's labelled voices truly hostile
          (:meth:`true_share`, the crisis gate's test);
        - the hostile posts the classifier did not also flag ironic are more than its
          error makes where nobody is angry: the low end of their adjusted count's 90 %
          interval (as :meth:`true_voices`), over the hour's labelled posts, above 0.
          The anger left once every angry-read joke is set aside is real.
        """
        s60 = self.signals.windows.sums(60)
        plain = round(s60[HOSTILE] - s60[HOSTILE_IRONIC])
        if adjusted(plain, round(s60[LABELLED]), self.rates.hostile).low <= 0:
            return False
        return self.true_share(60) >= min(self.config.share_shifts)

    def forecast(self, what: int) -> Forecast | None:
        """Hostile posts (``what`` 0) or their impressions (1), fitted on the last
        minutes and projected; None before five minutes were seen. Fitted once a minute:
        the forming test, the crisis gate and the alert read the same fit."""
        if self._fits is None:
            self._fits = {}
        if what not in self._fits:
            c = self.config
            self._fits[what] = (
                None
                if len(self._recent) < 5
                else fit([x[what] for x in self._recent], c.horizon_steps, method=c.forecast_method)
            )
        return self._fits[what]

    def composition(self, w: WindowSignals) -> tuple[Estimate, Estimate]:
        """The window's estimated true hostile and mocking counts, with 90 % intervals."""
        mocking = round((w.mocking_share or 0.0) * w.labelled)
        return adjusted(w.hostile, w.labelled, self.rates.hostile), adjusted(
            mocking, w.labelled, self.rates.mocking
        )

    def _alert(self, level: str, w15: WindowSignals, w60: WindowSignals, raised: datetime) -> Alert:
        seen = self._seen()
        amplifiers = explain.people(seen.amplifiers, 3)
        onset = self.turn.onset if self.turn.onset is not None else self.surge.onset
        since = explain.when(onset * self._step_us) if onset is not None else None
        base = self.share.share
        voices = self.voices(15)
        ratio = (voices + 1.0) / (self.expected_15 + 1.0)  # against the normal of voices
        big = level in ("warning", "crisis")
        text = explain.summary(
            level, self.name, w15, w60, base, ratio if big or level == "watch" else None,
            amplifiers if big else [], seen.news if big else [], since, round(voices),
        )  # fmt: skip
        hostile, mocking = self.composition(w15)
        extra: dict[str, Any] = {
            "composition": {"hostile_15m": hostile.to_dict(), "mocking_15m": mocking.to_dict(),
                            "rates": self.rates.tier},
        }  # fmt: skip
        posts = self.forecast(0) if level != "all_clear" else None
        reach = self.forecast(1) if posts is not None else None
        if posts is not None and reach is not None:
            extra["forecast"] = {"hostile_posts": posts.to_dict(), "impressions": reach.to_dict()}
            if big:
                text = f"{text[:-1]}; {posts.words('hostile posts and reposts')}."
        signals = [
            name
            for name, on in (("hostile_share", self.turn.alarm), ("hostile_volume", self.surge.alarm),
                             ("hostile_growth", big and posts is not None and posts.growing),
                             ("amplifier_entry", bool(seen.amplifiers)),
                             ("press_pickup", seen.press))
            if on and level != "all_clear"
        ]  # fmt: skip
        metrics: dict[str, float | int | None] = {
            "risk": self.risk,
            "hostile_share_15m": w15.hostile_share,
            "hostile_share_60m": w60.hostile_share,
            "baseline_hostile_share": round(base, 4),
            "hostile_posts_15m": w15.hostile,
            "hostile_voices_15m": voices,  # hostile posts and reposts of them
            "expected_hostile_voices_15m": round(self.expected_15, 2),
            "true_hostile_voices_15m": round(self.true_voices(15), 1),  # the crisis gate's
            "posts_15m": w15.posts,
            "baseline_posts_per_min": round(self.volume.level, 4),
            "dispersion": round(self.normal.dispersion, 2),
            "turn_cusum": round(self.turn.statistic, 3),
            "surge_cusum": round(self.surge.statistic, 3),
            "threshold": round(self.turn.threshold, 3),
            "surge_ratio_estimate": round(self.surge.best.ratio_estimate, 2),  # type: ignore[union-attr]
            "amplifiers_60m": w60.amplifiers,
            "news_posts_60m": w60.news,
        }  # fmt: skip
        return self._finish_alert(level, raised, signals, text, seen, metrics, extra)
