"""Hijack risk: has the talk turned hostile, and is it escalating?

``risk = content * (base + (1 - base) * escalation)``, in [0, 1]:

- ``content`` (is the campaign's conversation hostile beyond its baseline?) is the
  share-rise CUSUM as a fraction of its threshold;
- ``escalation`` is a noisy-OR of evidence that a hostile turn is becoming a storm:
  hostile volume against the learned rate, the EWMA volume chart, a Kleinberg burst
  of hostile posts, a BOCPD change in the hostile rate, hostile amplifiers entering,
  the repost cascade's branching ratio, hostile questions, reach-weighted hostility,
  newcomers and press links.

Volume alone never raises risk (``content`` is 0 for a good-news spike), and a
hostile turn with no momentum stays at ``watch``.

>>> parts = Evidence(content=1.0, surge=1.0, amplifiers=0.5)
>>> round(hijack_risk(parts), 3)
0.937
>>> round(hijack_risk(Evidence(content=1.0)), 3)
0.4
"""

from __future__ import annotations

from dataclasses import dataclass, fields

#: How much each escalation term can add (noisy-OR weights).
WEIGHTS: dict[str, float] = {
    "surge": 0.85,
    "velocity": 0.35,
    "burst": 0.3,
    "change_point": 0.3,
    "amplifiers": 0.6,
    "cascade": 0.3,
    "hostile_questions": 0.25,
    "reach": 0.25,
    "newcomers": 0.15,
    "press": 0.5,
}
BASE = 0.4

#: Alert signal names for each term, as PRODUCT.md alerts list them.
SIGNAL_NAMES: dict[str, str] = {
    "content": "hostile_share",
    "surge": "velocity",
    "velocity": "velocity",
    "burst": "hostile_burst",
    "change_point": "change_point",
    "amplifiers": "amplifier_entry",
    "cascade": "cascade",
    "hostile_questions": "hostile_questions",
    "reach": "reach_hostility",
    "newcomers": "newcomers",
    "press": "press_pickup",
}


@dataclass(frozen=True)
class Evidence:
    """Each term in [0, 1]; 0 when its signal is absent or unknown."""

    content: float = 0.0
    surge: float = 0.0
    velocity: float = 0.0
    burst: float = 0.0
    change_point: float = 0.0
    amplifiers: float = 0.0
    cascade: float = 0.0
    hostile_questions: float = 0.0
    reach: float = 0.0
    newcomers: float = 0.0
    press: float = 0.0

    def escalation(self) -> float:
        """The noisy-OR of the escalation terms."""
        keep = 1.0
        for name, w in WEIGHTS.items():
            keep *= 1.0 - w * getattr(self, name)
        return 1.0 - keep

    def signals(self, at_least: float = 0.25) -> list[str]:
        """Names of the signals behind the risk, strongest first (stable order on ties)."""
        terms = [(f.name, getattr(self, f.name)) for f in fields(self)]
        weighted = [
            (v * WEIGHTS.get(n, 1.0), i, SIGNAL_NAMES[n])
            for i, (n, v) in enumerate(terms)
            if v >= at_least
        ]
        out: list[str] = []
        for _, _, name in sorted(weighted, key=lambda x: (-x[0], x[1])):
            if name not in out:
                out.append(name)
        return out


def hijack_risk(e: Evidence) -> float:
    """The combined risk in [0, 1]."""
    return e.content * (BASE + (1.0 - BASE) * e.escalation())


def clamp(x: float) -> float:
    """``x`` limited to [0, 1].

    >>> clamp(1.7), clamp(-2.0)
    (1.0, 0.0)
    """
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x
