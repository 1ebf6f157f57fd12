"""What really happened in a simulated stream: the ``FILE.truth.json`` beside ``FILE.jsonl``.

The shape is stable (``"version": 1``) and documented here::

    {"version": 1,
     "scenario": "askjpm", "seed": 7, "title": "...",
     "kind": "hijack" | "mockery" | "backlash" | "benign" | "viral" | "unrelated" | "spam" | "quiet",
     "expected_level": "crisis" | "warning" | "watch" | "none",
     "params": {...the Scenario, as data...},
     "campaign": {"name", "hashtags", "handles", "keywords", "owner", "launched_at"},
     "phases": {"launch", "first_weak_signal", "tipping_point", "peak",
                "press_pickup", "brand_response", "end"},     # ISO-8601 UTC or null
     "accounts": [{"id", "username", "followers", "role", "first_post"}],
     "counts": {"posts", "original", "reply", "repost", "quote", "attack", "bots",
                "brand", "authors", "classes": {...}},
     "attack_post_ids": ["...", ...]}                          # ascending (= time order)

Phases: ``launch`` is the campaign's launch; ``first_weak_signal`` the scenario's
declared first sign of trouble (else its first attack post); ``tipping_point`` the
declared moment the stream turns; ``peak`` the start of the busiest 15 minutes (of
attack posts when there is an attack, of all posts otherwise; null for a quiet
stream); ``press_pickup`` the first post of a ``press`` or ``outlet`` account;
``brand_response`` the brand's first post with the ``response`` role; ``end`` the end
of the stream. ``attack_post_ids`` lists every post that is part of the attack:
the attackers' posts, their reposts, replies and quotes, and the replies hijacked
from the brand's own threads.

>>> from foretold.simulate.library import scenario
>>> from foretold.simulate.stream import simulate
>>> t = truth(simulate(scenario("benign_qa"), seed=3))
>>> t["phases"]["first_weak_signal"], t["counts"]["attack"], t["phases"]["peak"][:13]
(None, 0, '2021-03-03T17')
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from foretold.simulate.scenario import CLASSES
from foretold.simulate.stream import FROM_SCRIPT, KIND_NAMES, Stream
from foretold.simulate.twarc import user_id

TRUTH_VERSION = 1
_PRESS_ROLES = ("press", "outlet")


def iso(t: datetime | None) -> str | None:
    """``2013-11-13T21:00:00.000Z`` or None."""
    if t is None:
        return None
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def truth(stream: Stream) -> dict[str, Any]:
    """The truth object for ``stream`` (see the module docstring for its shape)."""
    sc, s, pop = stream.scenario, stream, stream.population
    c = sc.campaign

    def at(seconds: float | None) -> str | None:
        return None if seconds is None else iso(sc.start + timedelta(seconds=float(seconds)))

    attack = s.attack
    weak: float | None = sc.weak_signal_h * 3600.0 if sc.weak_signal_h is not None else None
    if weak is None and attack.any():
        weak = float(s.t[attack][0])
    special = np.zeros(len(pop), dtype=np.bool_)
    special[: len(pop.roles)] = True
    firsts: dict[int, float] = {}
    for i in np.flatnonzero(special[s.author]).tolist():
        firsts.setdefault(int(s.author[i]), float(s.t[i]))
    press = [t for a, t in firsts.items() if pop.roles[a] in _PRESS_ROLES]
    response = [
        float(s.t[i])
        for i in np.flatnonzero(s.origin == FROM_SCRIPT).tolist()
        # scripted texts come first in Stream.texts, in Scenario.scripted order
        if sc.scripted[int(s.script[i])].role == "response"
    ]
    cls_counts = np.bincount(s.cls.astype(np.int64), minlength=len(CLASSES) + 1)
    kind_counts = np.bincount(s.kind.astype(np.int64), minlength=4)
    return {
        "version": TRUTH_VERSION,
        "scenario": sc.name,
        "seed": s.seed,
        "title": sc.title,
        "kind": sc.kind,
        "expected_level": sc.expected_level,
        "params": _params(stream),
        "campaign": {
            "name": c.name,
            "hashtags": list(c.hashtags),
            "handles": list(c.handles),
            "keywords": list(c.keywords),
            "owner": c.owner,
            "launched_at": iso(c.launched_at),
        },
        "phases": {
            "launch": iso(c.launched_at),
            "first_weak_signal": at(weak),
            "tipping_point": at(sc.tipping_h * 3600.0 if sc.tipping_h is not None else None),
            "peak": at(peak_time(stream)),
            "press_pickup": at(min(press) if press else None),
            "brand_response": at(min(response) if response else None),
            "end": iso(sc.start + timedelta(hours=sc.hours)),
        },
        "accounts": [
            {
                "id": user_id(a),
                "username": pop.usernames[a],
                "followers": int(pop.followers[a]),
                "role": pop.roles[a],
                "first_post": at(firsts.get(a)),
            }
            for a in range(len(pop.roles))
        ],
        "counts": {
            "posts": len(s),
            **{name: int(kind_counts[k]) for k, name in enumerate(KIND_NAMES)},
            "attack": int(attack.sum()),
            "bots": int(pop.bot[s.author].sum()),
            "brand": int((s.author == 0).sum()),
            "authors": len(np.unique(s.author)),
            "classes": {
                name: int(cls_counts[k]) for k, name in enumerate((*CLASSES, "brand_or_quoted"))
            },
        },
        "attack_post_ids": [str(x) for x in s.ids[attack].tolist()],
    }


def peak_time(stream: Stream, window_min: int = 15) -> float | None:
    """Seconds from the start to the busiest ``window_min`` minutes (see the module doc)."""
    s, sc = stream, stream.scenario
    if sc.kind == "quiet" or len(s) == 0:
        return None
    t = s.t[s.attack] if s.attack.any() else s.t
    minutes = int(np.ceil(sc.hours * 60))
    per_min = np.bincount(np.minimum((t // 60).astype(np.int64), minutes - 1), minlength=minutes)
    window = np.convolve(per_min, np.ones(window_min), mode="valid")
    return float(np.argmax(window) * 60)


def write_truth(stream: Stream, path: str | Path) -> dict[str, Any]:
    """Write :func:`truth` to ``path`` (pretty for the small parts); returns it."""
    obj = truth(stream)
    Path(path).write_bytes(orjson.dumps(obj, option=orjson.OPT_APPEND_NEWLINE))
    return obj


def truth_path(out: str | Path) -> Path:
    """``FILE.truth.json`` for ``FILE.jsonl`` (or ``FILE.json.gz``... any suffix).

    >>> truth_path("runs/askjpm-1.jsonl").as_posix()
    'runs/askjpm-1.truth.json'
    """
    p = Path(out)
    name = p.name.split(".")[0] or p.name
    return p.with_name(f"{name}.truth.json")


def _params(stream: Stream) -> dict[str, Any]:
    data = orjson.loads(
        orjson.dumps(dataclasses.asdict(stream.scenario), option=orjson.OPT_NON_STR_KEYS)
    )
    assert isinstance(data, dict)
    return data
