"""Realistic synthetic campaign streams: hijacks, benign virality, unrelated bad news.

``simulate`` turns a :class:`Scenario` and a seed into a :class:`Stream` (columns);
``write_jsonl`` writes it as twarc2-flattened X API v2 tweets and ``truth`` says what
really happened (phase boundaries and which posts were the attack).

>>> from foretold.simulate import scenario, simulate, truth
>>> t = truth(simulate(scenario("askjpm"), seed=1))
>>> t["kind"], t["phases"]["tipping_point"]
('hijack', '2013-11-13T21:00:00.000Z')
"""

from __future__ import annotations

from foretold.simulate.library import SCENARIOS, names, randomise, scenario
from foretold.simulate.scenario import CLASSES, Campaign, Entrant, Mix, Scenario, Scripted, Wave
from foretold.simulate.stream import Stream, simulate
from foretold.simulate.text import TextPools
from foretold.simulate.truth import truth, write_truth
from foretold.simulate.twarc import write_jsonl

__all__ = [
    "CLASSES",
    "SCENARIOS",
    "Campaign",
    "Entrant",
    "Mix",
    "Scenario",
    "Scripted",
    "Stream",
    "TextPools",
    "Wave",
    "names",
    "randomise",
    "scenario",
    "simulate",
    "truth",
    "write_jsonl",
    "write_truth",
]
