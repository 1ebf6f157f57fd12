"""Phases of a campaign, labelled as the stream goes: for the dashboard and the chronicle.

``quiet -> weak_signals -> negative_turn -> escalation -> takeover -> press_pickup -> decay``

A phase is read from the alert level and a few signals each step; an episode only
moves forward (a storm does not go back to "escalation" because one minute was calm),
except that weak signals that fade return to ``quiet``, and ``decay`` returns to
``quiet`` at all-clear. A change is kept only after ``dwell_steps`` steps of the new
reading, so one noisy minute does not write a phase.

>>> ph = PhaseTracker(dwell_steps=2)
>>> readings = [Reading("none"), Reading("watch"), Reading("watch"), Reading("warning"),
...             Reading("warning"), Reading("crisis", press=True), Reading("crisis", press=True)]
>>> [ph.update(r, step) for step, r in enumerate(readings)]
[None, None, ('weak_signals', 1), None, ('escalation', 3), None, ('press_pickup', 5)]
"""

from __future__ import annotations

from dataclasses import dataclass

PHASES: tuple[str, ...] = (
    "quiet",
    "weak_signals",
    "negative_turn",
    "escalation",
    "takeover",
    "press_pickup",
    "decay",
)
_RANK = {p: i for i, p in enumerate(PHASES)}


@dataclass(frozen=True)
class Reading:
    """What one step says: the alert level, whether hostility is bursting, press seen,
    and whether hostile volume has fallen well below the episode's peak."""

    level: str
    burst: bool = False
    press: bool = False
    falling: bool = False


def phase_of(r: Reading, current: str) -> str:
    """The phase a reading points to, given the current one."""
    if r.level == "none":
        if current in ("weak_signals", "negative_turn"):
            return "quiet"
        return "decay" if _RANK[current] >= _RANK["escalation"] else current
    if _RANK[current] >= _RANK["takeover"] and (r.falling or r.level in ("watch", "warning")):
        return "decay" if r.falling or current == "decay" else current
    if r.press and r.level in ("warning", "crisis"):
        return "press_pickup"
    if r.level == "crisis":
        return "takeover"
    if r.level == "warning":
        return "escalation"
    return "negative_turn" if r.burst else "weak_signals"


class PhaseTracker:
    """The current phase and its changes; ``update`` returns ``(phase, start step)`` or None."""

    def __init__(self, dwell_steps: int = 10) -> None:
        self.dwell_steps = dwell_steps
        self.phase = "quiet"
        self._pending: tuple[str, int] | None = None

    def update(self, r: Reading, step: int) -> tuple[str, int] | None:
        """Feed one step; the new phase and the step it began, once it has lasted."""
        want = phase_of(r, self.phase)
        if want != self.phase and _RANK[want] < _RANK[self.phase] and want != "quiet":
            want = self.phase  # forward only within an episode
        if want == self.phase:
            self._pending = None
            return None
        if self._pending is None or self._pending[0] != want:
            self._pending = (want, step)
        name, start = self._pending
        if step - start + 1 >= self.dwell_steps:
            self.phase, self._pending = name, None
            return (name, start)
        return None

    def all_clear(self, step: int) -> tuple[str, int] | None:
        """The episode ended: back to quiet without waiting (None when already quiet)."""
        self._pending = None
        if self.phase == "quiet":
            return None
        self.phase = "quiet"
        return ("quiet", step)
