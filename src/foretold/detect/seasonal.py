"""What is normal for this brand at this minute: level x hour-of-day x day-of-week.

A minute count's expectation is ``level * hour[h] * day[d]`` (a multiplicative
seasonal model). All three are learned online with exponential forgetting, from a
weak prior (a flat profile and ``prior_rate``): a brand-new hashtag starts at the
prior and its own minutes take over, the level within hours and each hour-of-day
factor after a few days of that hour. The caller does not call :meth:`update` while
an episode is open, so an attack is not learned as the new normal.

Overdispersion: minute counts of social streams vary more than Poisson counts (posts
come in bursts). The quasi-Poisson dispersion ``phi`` (variance ``phi * mu``) is the
Pearson estimate from the same residuals, forgetting as the level does, with a
Poisson prior worth ``prior_steps`` steps (as the level's): ``phi = (sum (x - mu)**2 +
P * level) / (sum mu + P * level)``, at least 1. (A negative-binomial size, ``1/r =
E[(x - mu)**2 - mu] / E[mu**2]``, was measured first: at a tenth of a post a minute
one burst drives it to ~0 and the statistic goes blind; ``phi`` scales with ``mu``
and stays stable.)

::

    hour of day   00  03  06  09  12  15  18  21
    profile      .4  .2  .5 1.3 1.5 1.4 1.3  .9     (x level = expected posts a minute)

>>> b = SeasonalRate(prior_rate=1.0, half_life=1440.0, hour_half_life_days=3.0)
>>> for minute in range(7 * 1440):  # a week: 4 a minute from 12:00 to 18:00, 1 otherwise
...     b.update(4.0 if 720 <= minute % 1440 < 1080 else 1.0, minute)
>>> round(b.expected(7 * 1440 + 800), 1), round(b.expected(7 * 1440 + 100), 1)
(3.8, 1.0)
"""

from __future__ import annotations

STEPS_PER_HOUR = 60
HOURS_PER_DAY = 24
STEPS_PER_DAY = STEPS_PER_HOUR * HOURS_PER_DAY


def keep_for(half_life: float) -> float:
    """The per-step weight kept for a half-life in steps.

    >>> keep_for(1.0)
    0.5
    """
    return float(0.5 ** (1.0 / half_life))


class SeasonalRate:
    """An expected count per step, ``level * hour[h] * day[d]``, learned online.

    ``update(x, step)`` learns one step (a minute since the epoch: step 0 is a
    Thursday 00:00 UTC); ``expected(step)`` is the expectation; ``size`` the
    quasi-Poisson ``dispersion`` (1 when no overdispersion is seen).
    ``prior_steps`` is the weight of the prior level in steps.
    """

    def __init__(
        self,
        prior_rate: float = 0.2,
        prior_steps: float = 360.0,
        half_life: float = 1440.0,
        hour_half_life_days: float = 7.0,
        day_half_life_weeks: float = 4.0,
        floor: float = 0.01,
    ) -> None:
        self.prior_rate = prior_rate
        self.prior_steps = prior_steps
        self.floor = floor
        self._keep = keep_for(half_life)
        # an hour's factor learns from its own 60 steps a day; a day's from 1,440 a week
        self._hour_keep = keep_for(hour_half_life_days * STEPS_PER_HOUR)
        self._day_keep = keep_for(day_half_life_weeks * STEPS_PER_DAY)
        self._count = 0.0  # forgetting sum of deseasonalised counts
        self._steps = 0.0  # forgetting number of steps
        self.hour = [1.0] * HOURS_PER_DAY
        self.day = [1.0] * 7
        self._hour_seen = [0.0] * HOURS_PER_DAY  # evidence per factor, for its prior
        self._day_seen = [0.0] * 7
        self._dev = 0.0  # forgetting sums for the dispersion
        self._mu = 0.0

    @property
    def level(self) -> float:
        """The deseasonalised count per step."""
        a = self.prior_rate * self.prior_steps + self._count
        return a / (self.prior_steps + self._steps)

    def factor(self, step: int) -> float:
        """The seasonal factor of ``step``: its hour's times its day's."""
        h = (step // STEPS_PER_HOUR) % HOURS_PER_DAY
        d = (step // STEPS_PER_DAY) % 7
        return self.hour[h] * self.day[d]

    def expected(self, step: int) -> float:
        """The expected count at ``step``."""
        return max(self.level * self.factor(step), self.floor * self.level, 1e-6)

    @property
    def warm(self) -> bool:
        """Whether the level rests on at least its prior's weight of data."""
        return self._steps >= self.prior_steps

    @property
    def dispersion(self) -> float:
        """The quasi-Poisson dispersion from the residuals seen so far, with a Poisson
        prior (``phi`` = 1) worth ``prior_steps`` steps at the current level, as the level
        has its own prior: ``(dev + P * level) / (sum of mu + P * level)``. A brand-new
        hashtag's first hours (one post in a quiet minute) do not read as a bursty
        stream; after a day the prior weighs a few percent.

        >>> b = SeasonalRate(prior_rate=0.5, prior_steps=60.0)
        >>> b.dispersion  # no residuals yet: the prior's Poisson
        1.0
        >>> b._dev, b._mu = 90.0, 30.0  # residuals of phi 3 over 60 steps at 0.5 a step
        >>> round(b.dispersion, 2)  # (90 + 30) / (30 + 30)
        2.0
        """
        prior = self.prior_steps * self.level
        if self._mu + prior <= 0.0:
            return 1.0
        return max(1.0, (self._dev + prior) / (self._mu + prior))

    def update(self, x: float, step: int, weight: float = 1.0, steps: int = 1) -> None:
        """Learn one step's count ``x`` (``weight`` < 1 learns more slowly); with
        ``steps`` > 1, that many steps of the same hour that together saw ``x``."""
        mu = self.expected(step)
        f = self.factor(step)
        k1 = self._keep if weight >= 1.0 else 1.0 - (1.0 - self._keep) * weight
        keep = k1**steps
        self._count = self._count * keep + x / max(f, self.floor)
        self._steps = self._steps * keep + (1.0 - keep) / (1.0 - k1)
        each = x / steps
        level = self.level
        if level <= 0.0 or not self.warm:
            return
        self._dev = self._dev * keep + weight * steps * (each - mu) ** 2
        self._mu = self._mu * keep + weight * steps * mu
        h = (step // STEPS_PER_HOUR) % HOURS_PER_DAY
        d = (step // STEPS_PER_DAY) % 7
        # the dispersion and the profile learn once the level rests on its prior's worth
        # of data (warm), a day's factor once it rests on a whole day: before that, the
        # level itself is still moving and its error would be learned as noise or season
        day_w = weight * steps if self._steps >= STEPS_PER_DAY / 2 else 0.0
        self._learn_factor(self.hour, self._hour_seen, h, each / (level * self.day[d]),
                           self._hour_keep, weight * steps, STEPS_PER_HOUR)  # fmt: skip
        self._learn_factor(self.day, self._day_seen, d, each / (level * self.hour[h]),
                           self._day_keep, day_w, STEPS_PER_DAY)  # fmt: skip

    @staticmethod
    def _learn_factor(
        factors: list[float],
        seen: list[float],
        i: int,
        ratio: float,
        keep: float,
        w: float,
        prior: float,
    ) -> None:
        # a running mean whose flat prior weighs ``prior`` steps (an hour of data for an
        # hour's factor, a day for a day's), settling to forgetting; factors are
        # renormalised to mean 1 so that the level keeps the scale
        seen[i] = seen[i] * keep + w
        rate = min(max(w / (seen[i] + prior), (1.0 - keep) * w), 1.0)
        factors[i] += rate * (min(ratio, 50.0) - factors[i])
        mean = sum(factors) / len(factors)
        if mean > 0.0:
            for j in range(len(factors)):
                factors[j] /= mean

    def skip(self, start: int, steps: int) -> None:
        """Learn ``steps`` empty steps from ``start`` (a quiet gap), an hour at a time."""
        step, end = start, start + steps
        while step < end:
            nxt = min(end, (step // STEPS_PER_HOUR + 1) * STEPS_PER_HOUR)
            self.update(0.0, step, steps=nxt - step)
            step = nxt
