"""The detection settings: one frozen record that builds every campaign's logic.

Defaults are the measured ones (``docs/early-warning.md``); change them in one place.
``policy`` picks the level policy: ``surprise`` (:mod:`foretold.detect.levels`: the
brand's normal, CUSUM surprise with thresholds from one false-alarm rate, the
forecast) or ``risk`` (:mod:`foretold.detect.campaign`: the composite hijack risk of
the first releases, kept for comparison). The surprise thresholds are not set one by
one: each is ``log(arl_days * 1440)`` (:func:`foretold.detect.surprise.threshold`),
the CUSUM threshold whose false alarms come at most once per ``arl_days`` days.

>>> DetectConfig().levels
(0.35, 0.6, 0.8)
>>> c = DetectConfig()
>>> round(c.threshold, 2), c.surge_ratios, c.share_shifts
(10.67, (2.0, 4.0, 8.0), (0.15, 0.3))
"""

from __future__ import annotations

from dataclasses import dataclass

from foretold.detect.surprise import threshold

#: The level policies by name (``DetectConfig.policy``).
POLICIES = ("surprise", "risk")


@dataclass(frozen=True)
class DetectConfig:
    """Windows, baselines, detectors, risk and alert-level parameters.

    Times are in steps of ``step_seconds`` (one minute by default).
    """

    policy: str = "surprise"
    step_seconds: int = 60
    windows: tuple[int, ...] = (1, 5, 15, 60)
    # == the surprise policy (detect/levels.py); docs/early-warning.md gives each reason ==
    # -- what is normal for this brand (a brand-new hashtag starts from the prior) --
    prior_steps: float = 60.0  # the prior weighs an hour of data: a new brand learns fast
    level_half_life: float = 1440.0  # the brand's level forgets in a day
    hour_half_life_days: float = 7.0  # each hour-of-day factor: a week of that hour
    day_half_life_weeks: float = 4.0  # each day-of-week factor: four of that weekday
    share_half_life: float = 10080.0  # the chronic hostile share: a week
    # -- surprise: CUSUMs, thresholds from one false-alarm rate --
    arl_days: float = 30.0  # at most one false alarm a month per statistic, on its model
    surge_ratios: tuple[float, ...] = (2.0, 4.0, 8.0)  # hostile posts a minute: rises to detect
    share_shifts: tuple[float, ...] = (0.15, 0.3)  # true hostile share: rises to detect
    min_excess: float = 1.0  # and at least one more hostile voice a minute (60 an hour)
    voice_minutes: int = 15  # an author's labelled posts count as one voice per 15 minutes
    # -- crisis: the storm is happening now, and big (with crisis_accel below) --
    # hostile voices (posts and their reposts) in 15 minutes that the classifier's error
    # rates cannot explain: the low end of their 90 % interval (LevelDetector.true_voices);
    # and those voices at least min(share_shifts) of the labelled ones (true_share)
    crisis_min_hostile: int = 30
    # -- forecast --
    fit_steps: int = 30  # the growth fit reads the last 30 minutes
    horizon_steps: int = 60  # and projects the next hour
    forecast_method: str = "loglinear"  # or "hawkes" (detect/forecast.py METHODS; measured)
    # == the risk policy (detect/campaign.py) ==
    # baselines: a brand-new hashtag starts at prior_rate posts a step, prior_hostile hostile
    prior_rate: float = 0.2
    prior_rate_steps: float = 360.0
    rate_half_life: float = 1440.0
    prior_hostile: float = 0.3
    prior_hostility: float = 0.5
    prior_hostility_sd: float = 0.1
    prior_hostile_n: float = 40.0
    hostile_half_life: float = 10080.0
    suspect_learning: float = 0.05  # learning weight while a change is suspected
    # detectors
    cusum_shift: float = 0.5  # standard deviations of one post's hostility
    cusum_threshold: float = 10.0
    burst_scale: float = 1.8
    burst_gamma: float = 6.0
    ewma_fast: float = 0.3
    ewma_slow: float = 0.005
    ewma_threshold: float = 4.0
    bocpd_every: int = 5
    bocpd_hazard: float = 1 / 288
    bocpd_max_run: int = 48
    # amplifiers
    amplifier_min: int = 20_000
    amplifier_factor: float = 30.0
    # risk -> levels: entry thresholds for watch, warning, crisis
    levels: tuple[float, float, float] = (0.35, 0.6, 0.8)
    min_hostile: int = 8  # hostile posts in 15 min before volume can count
    full_hostile: int = 40  # hostile posts in 15 min for volume evidence to count in full
    exit_margin: float = 0.1  # hysteresis: leave a level only below its threshold minus this
    hold_steps: int = 60  # minimum time at a level before stepping down
    all_clear_steps: int = 180  # calm needed after an episode before all_clear
    # crisis only while the storm is happening now, in the last 15 minutes (both policies):
    crisis_accel: float = 2.0  # hostile posts a minute against the last hours' rate
    recent_half_life: float = 180.0  # of that rate, which learns even in a storm
    crisis_share: float = 0.1  # hostile share above the baseline share
    crisis_spread: float = 0.25  # amplifiers entering, the cascade or press (strongest)
    # the escalation terms of the risk (detect/risk.py), each in [0, 1]:
    min_labelled: int = 10  # labelled posts before a window's share is read
    hostile_margin: float = 0.05  # "hostile now": the 15-min share this far above baseline
    surge_doublings: float = 5.0  # the surge term is full at 2**5 = 32x the expected hostiles
    velocity_from: float = 2.0  # the EWMA score where the velocity term starts
    velocity_span: float = 4.0  # and the score above that where it is full
    full_amplifiers: float = 3.0  # hostile amplifier entries in the hour for a full term
    share_span: float = 0.3  # questions/reach/newcomers: full this far above their start
    min_questions: int = 5  # questions in 15 min before the hostile-question term counts
    newcomer_from: float = 0.6  # newcomer share where the newcomers term starts
    full_press: float = 2.0  # press posts in the hour for a full press term
    press_calm: float = 0.5  # the press term's weight while the talk is not hostile now
    cascade_min_posts: int = 30  # posts in the hour before the cascade is read
    cascade_share: float = 0.1  # the hour's hostile share above baseline for a cascade
    cascade_from: float = 0.6  # branching estimate where the cascade term starts
    accel_floor: float = 0.2  # hostile posts a minute added to both sides of accel (both)
    mockery_min_labelled: int = 20  # labelled posts in the hour before mockery caps at watch
    falling: float = 0.5  # "decay": 15-min hostile posts below this share of the peak
    evidence_posts: int = 5
    evidence_links: int = 5

    @property
    def threshold(self) -> float:
        """The CUSUM threshold every surprise statistic uses."""
        return threshold(self.arl_days * 86_400 / self.step_seconds)
