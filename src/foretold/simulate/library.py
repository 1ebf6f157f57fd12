"""The scenario library: real firestorms reconstructed from CASES.md, and controls.

Each scenario is a TOML file shipped in ``foretold/simulate/scenarios/`` (the format:
:mod:`foretold.simulate.scenario_toml`, ``docs/simulate.md``); a user's own drill is
a file of the same shape (``foretold simulate --scenario my-drill.toml``). With a
``numpy`` generator (``foretold simulate NAME --random``) a scenario's volumes,
timings and branching ratios are drawn around the canonical ones, so a benchmark can
run many plausible variants of each story.

>>> sorted(SCENARIOS)[:3]
['askbg', 'askjpm', 'askjpm_prelaunch']
>>> sc = scenario("askjpm")
>>> sc.campaign.hashtags, sc.at(sc.tipping_h or 0).isoformat()
(('#AskJPM',), '2013-11-13T21:00:00+00:00')
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from foretold.errors import ConfigError
from foretold.simulate.scenario import Scenario, Wave, hours
from foretold.simulate.scenario_toml import load

Builder = Callable[[], Scenario]
#: Where the library's scenario files live.
LIBRARY = Path(__file__).with_name("scenarios")

SCENARIOS: dict[str, Builder] = {
    p.stem: functools.partial(load, p) for p in sorted(LIBRARY.glob("*.toml"))
}


def names() -> list[str]:
    """The scenario names, sorted."""
    return sorted(SCENARIOS)


def scenario(name: str, rng: np.random.Generator | None = None) -> Scenario:
    """The scenario ``name``; with ``rng``, its parameters drawn around the canonical ones."""
    try:
        build = SCENARIOS[name]
    except KeyError:
        raise ConfigError(
            f"simulate: unknown scenario {name!r}; expected one of: {', '.join(names())}"
        ) from None
    sc = build()
    return sc if rng is None else randomise(sc, rng)


def randomise(sc: Scenario, rng: np.random.Generator) -> Scenario:
    """``sc`` with volumes (x0.5-2), wave timings (+-20 %) and branching (+-0.08) redrawn.

    >>> a = randomise(scenario("benign_qa"), np.random.default_rng(1))
    >>> a.waves[0].posts != scenario("benign_qa").waves[0].posts
    True
    """
    volume = float(np.exp(rng.normal(0.0, 0.35)))
    waves = []
    for w in sc.waves:
        stretch = float(rng.uniform(0.8, 1.2))
        rise = max(w.peak - w.start, 0.0) * stretch
        waves.append(
            replace(
                w,
                posts=max(1, int(w.posts * volume * float(np.exp(rng.normal(0.0, 0.15))))),
                peak=w.start + rise,
                doubling_min=w.doubling_min * float(rng.uniform(0.7, 1.4)),
                half_life_h=w.half_life_h * float(rng.uniform(0.7, 1.4)),
                branching=float(np.clip(w.branching + rng.normal(0.0, 0.04), 0.05, 0.97)),
            )
        )
    return replace(
        sc, waves=tuple(waves), rhythm=float(np.clip(rng.normal(sc.rhythm, 0.1), 0, 0.9))
    )


__all__ = ["LIBRARY", "SCENARIOS", "Wave", "hours", "names", "randomise", "scenario"]
