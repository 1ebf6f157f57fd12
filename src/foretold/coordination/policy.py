"""How coordination bends the level policy: a coordinated surge is still a surge, but a
small coordinated group is not "the public".

The Detect stage asks only when it would allow ``crisis`` (the storm is happening:
hostile, fast and spreading). Take the coordinated near-copies out of the last 15
minutes' hostile posts: if fewer than ``public_min_hostile`` remain, the storm is a
swarm's, and the highest level is ``warning`` (prepare; the alert names the swarm).
Otherwise nothing changes: people have joined, and a crisis is a crisis.

::

    hostile posts, 15 min     120            120
    of them swarm near-copies 115             40
    the rest (the public)       5 < 8          80
    highest level             warning        crisis

>>> from foretold.coordination.state import Summary
>>> def seen(hostile, swarm):
...     return Summary(15, hostile, hostile, swarm, swarm, (), (), (), frozenset({"a"}), 0)
>>> cfg = CoordinationConfig()
>>> ceiling(seen(120, 115), 3, cfg), ceiling(seen(120, 40), 3, cfg), ceiling(seen(120, 115), 2, cfg)
(2, 3, 2)
"""

from __future__ import annotations

from foretold.coordination.config import CoordinationConfig
from foretold.coordination.state import Summary

#: The levels' ranks as the level policy counts them (1 watch, 2 warning, 3 crisis).
WARNING, CRISIS = 2, 3


def ceiling(summary: Summary, allowed: int, config: CoordinationConfig) -> int:
    """The highest level allowed, given what ``summary`` (the last 15 minutes) says."""
    if allowed < CRISIS:
        return allowed
    public = summary.hostile - summary.coordinated_hostile
    if summary.coordinated_hostile and public < config.public_min_hostile:
        return WARNING
    return allowed
