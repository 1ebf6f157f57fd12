"""Benchmark suites: which scenarios, which seeds, which real streams.

=========== =========================================================================
suite       streams
=========== =========================================================================
default     every library scenario (canonical parameters) and the real streams
simulated   every library scenario
variants    every library scenario, its parameters drawn from each seed (``--random``)
real        PHEME Germanwings, JetBlue's month (2016) and the CrisisLexT26 curves
quick       four small scenarios (askbg, waitrose, benign_qa, spam_burst), no real data
=========== =========================================================================

Seeds are ``1..K`` (``--seeds K``), or ``F..K`` with ``--first-seed F``. A simulated
case is written as twarc2 lines to a work folder, with its truth file beside it,
exactly as ``foretold simulate`` does, and read back by the real readers for every
detector; the file is removed when the case is done. Texts come from the labelled
tweets under ``data``, so simulated suites need ``../shared/data``; real streams are
left out, with a note, when their files are absent.

>>> [name for name, _ in SUITES["quick"].scenarios]
['askbg', 'waitrose', 'benign_qa', 'spam_burst']
>>> suite("nope")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
foretold.errors.ConfigError: benchmark: unknown suite 'nope'; expected one of: default, quick, ...
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from foretold.bench.case import FIGURES, Case, per_hour, post_figures
from foretold.bench.real import crisislex_cases, jetblue_case, pheme_case
from foretold.bench.scoring import Expectation
from foretold.campaigns import Campaign
from foretold.errors import ConfigError
from foretold.ingest import IngestStats, Quarantine, in_time_order, read_batches
from foretold.post import Post, format_time, parse_time
from foretold.simulate.library import names, scenario
from foretold.simulate.realism import REFERENCE, stats
from foretold.simulate.stream import Stream, simulate
from foretold.simulate.text import TextPools
from foretold.simulate.truth import write_truth
from foretold.simulate.twarc import write_jsonl
from foretold.streamtime import UNORDERED


@dataclass(frozen=True)
class Suite:
    """Scenarios (name, randomised?) and whether the real streams join."""

    name: str
    scenarios: tuple[tuple[str, bool], ...]
    real: bool
    description: str


SUITES: dict[str, Suite] = {
    "default": Suite("default", tuple((n, False) for n in names()), True,
                     "every library scenario and the real streams"),
    "simulated": Suite("simulated", tuple((n, False) for n in names()), False,
                       "every library scenario"),
    "variants": Suite("variants", tuple((n, True) for n in names()), False,
                      "every library scenario, parameters drawn from the seed"),
    "real": Suite("real", (), True, "PHEME Germanwings, JetBlue's month and the CrisisLexT26 curves"),
    "quick": Suite("quick", (("askbg", False), ("waitrose", False), ("benign_qa", False),
                             ("spam_burst", False)), False, "four small scenarios"),
}  # fmt: skip


def suite(name: str) -> Suite:
    """The suite called ``name``."""
    try:
        return SUITES[name]
    except KeyError:
        raise ConfigError(
            f"benchmark: unknown suite {name!r}; expected one of: {', '.join(sorted(SUITES))}"
        ) from None


def cases(
    s: Suite,
    seeds: int,
    data: str | Path,
    workdir: str | Path,
    vader: bool = True,
    first: int = 1,
    skipped: list[str] | None = None,
) -> Iterator[Case]:
    """The suite's cases, one at a time (simulated files are written as they come);
    seeds ``first..seeds``. With ``skipped``, a scenario that cannot be simulated (its
    drawn parameters make a cascade grow past ``max_posts``) is left out with its reason
    there and the suite goes on; without it, the error stops the suite."""
    if s.scenarios:
        pools = TextPools.load(data)
        for seed in range(first, seeds + 1):
            for name, randomised in s.scenarios:
                try:
                    yield from simulated_case(name, seed, randomised, pools, Path(workdir))
                except ConfigError as e:
                    if skipped is None:
                        raise
                    label = f"{name}{'~' if randomised else '#'}{seed}"
                    skipped.append(f"{label}: not simulated, left out of every table: {e}")
    if s.real:
        pheme = pheme_case(data, vader=vader)
        if pheme is not None:
            yield pheme
        jetblue = jetblue_case(data)
        if jetblue is not None:
            yield jetblue
        yield from crisislex_cases(data)


def missing_real(s: Suite, data: str | Path) -> list[str]:
    """Notes for the real streams a suite wanted but the data folder lacks."""
    if not s.real:
        return []
    root = Path(data)
    notes = []
    if not (root / "pheme" / "germanwings-crash.csv").is_file():
        notes.append(f"PHEME Germanwings: {root / 'pheme'} absent, left out")
    if not (root / "brands" / "jetblue-2016" / "jetblue_tweets.csv").is_file():
        notes.append(f"JetBlue 2016: {root / 'brands' / 'jetblue-2016'} absent, left out")
    if not (root / "crisislex" / "CrisisLexT26").is_dir():
        notes.append(f"CrisisLexT26: {root / 'crisislex'} absent, left out")
    return notes


def simulated_case(
    name: str, seed: int, randomised: bool, pools: TextPools, workdir: Path
) -> Iterator[Case]:
    """Simulate ``name`` with ``seed``, write it and its truth, yield the case, clean up."""
    rng = np.random.default_rng([seed, 1]) if randomised else None
    stream = simulate(scenario(name, rng), seed)
    label = f"{name}{'~' if randomised else '#'}{seed}"
    path = workdir / f"{name}-{seed}{'-random' if randomised else ''}.jsonl"
    truth_file = path.with_suffix(".truth.json")
    with path.open("wb") as f:
        write_jsonl(stream, pools, f)
    truth = write_truth(stream, truth_file)
    c = truth["campaign"]
    campaign = Campaign(
        name=c["name"], hashtags=tuple(c["hashtags"]), handles=tuple(c["handles"]),
        keywords=tuple(c["keywords"]), owner=c["owner"] or "",
        launched_at=parse_time(c["launched_at"]) if c["launched_at"] else None,
    )  # fmt: skip
    figures = stats(stream)
    case = Case(
        name=label,
        source="simulated",
        expectation=Expectation.from_truth(truth, label),
        campaigns=(campaign,),
        records=lambda: read_batches([str(path)], IngestStats(), Quarantine()),
        figures={k: figures[k] for k, _ in FIGURES},
        reference={**REFERENCE["_all"], **REFERENCE.get(name, {})},
        hourly=hourly(stream),
        negative_source="truth classes, from the tipping point",
        note=f"{truth['title']}; expected {truth['expected_level']}",
    )
    del stream
    try:
        yield case
    finally:
        for p in (path, truth_file):
            with contextlib.suppress(FileNotFoundError):
                p.unlink()


def hourly(stream: Stream) -> list[int]:
    """Posts per hour of a simulated stream, over its whole span."""
    hours = max(int(np.ceil(stream.scenario.hours)), 1)
    counts = np.bincount((stream.t // 3600).astype(np.int64), minlength=hours)[:hours]
    return [int(x) for x in counts]


#: The levels a truth file may expect.
_EXPECTED = ("none", "watch", "warning", "crisis")


def _excused_time(obj: dict[str, object], key: str) -> datetime:
    """``obj[key]`` as an aware UTC time, or a clear error naming the key."""
    try:
        return parse_time(str(obj[key]))
    except (KeyError, ValueError, TypeError) as e:
        raise ConfigError(f'truth: "excused" needs "{key}" as an ISO-8601 time') from e


def user_expectation(truth: dict[str, object], name: str, start: str, end: str) -> Expectation:
    """A user's truth JSON as an :class:`Expectation` (see ``foretold benchmark --help``).

    >>> e = user_expectation({"kind": "hijack", "expected": "crisis",
    ...                       "tipping_point": "2013-11-13T21:00:00Z"}, "mine",
    ...                      "2013-11-13T00:00:00Z", "2013-11-14T00:00:00Z")
    >>> e.kind, e.expected, e.onset.isoformat(), e.press
    ('hijack', 'crisis', '2013-11-13T21:00:00+00:00', None)
    >>> quiet = user_expectation({"kind": "ordinary", "expected": "none", "excused": {
    ...     "from": "2016-10-03T00:00:00Z", "to": "2016-10-08T00:00:00Z", "up_to": "warning"}},
    ...     "jetblue", "2016-09-26T00:00:00Z", "2016-10-26T00:00:00Z")
    >>> [x if isinstance(x, str) else x.date().isoformat() for x in quiet.excused]
    ['2016-10-03', '2016-10-08', 'warning']
    >>> user_expectation({"expected": "loud"}, "x", start="", end="")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    foretold.errors.ConfigError: truth: "expected" must be one of none, watch, warning, crisis; ...
    """
    expected = str(truth.get("expected", "none"))
    if expected not in _EXPECTED:
        raise ConfigError(
            f'truth: "expected" must be one of {", ".join(_EXPECTED)}; got {expected!r}'
        )

    def at(key: str) -> datetime | None:
        value = truth.get(key)
        if value is None:
            return None
        try:
            return parse_time(str(value))
        except (ValueError, TypeError) as e:
            raise ConfigError(f'truth: "{key}" is not a time: {value!r}') from e

    tipping = at("tipping_point")
    if expected != "none" and tipping is None and at("onset") is None:
        raise ConfigError('truth: a stream that expects an alert needs "onset" or "tipping_point"')
    excused = None
    if (ex := truth.get("excused")) is not None:  # a known disruption: alerts up to a level
        if not isinstance(ex, dict) or str(ex.get("up_to", "")) not in _EXPECTED[1:]:
            raise ConfigError(
                'truth: "excused" is {"from": TIME, "to": TIME, "up_to": "watch|warning|crisis"}'
            )
        excused = (_excused_time(ex, "from"), _excused_time(ex, "to"), str(ex["up_to"]))
    return Expectation(
        stream=name, kind=str(truth.get("kind", "user")), start=parse_time(start),
        end=parse_time(end), onset=at("onset") or tipping, tipping=tipping,
        press=at("press_pickup"), expected=expected, excused=excused,
    )  # fmt: skip


def user_case(
    stream: str,
    truth_path: str,
    campaign: Campaign | None,
    reading: dict[str, Any] | None = None,
) -> Case:
    """A user's stream (any format ``replay`` reads, read with ``reading``: the keyword
    arguments of :func:`~foretold.ingest.read_batches` for its format and CSV columns) and
    its truth file, as one case.

    The campaign is ``campaign`` (from ``--track``), else the truth file's
    ``campaign`` (``hashtags``, ``handles``, ``keywords``, ``owner``) as a simulator
    truth file writes it.
    """
    try:
        truth = json.loads(Path(truth_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ConfigError(f"cannot read the truth file {truth_path}: {e}") from None
    if not isinstance(truth, dict):
        raise ConfigError(f"truth file {truth_path}: expected a JSON object")
    if "expected_level" in truth and "expected" not in truth:  # a simulator truth file
        ph = truth.get("phases") or {}
        truth = {"kind": truth.get("kind"), "expected": truth["expected_level"],
                 "onset": ph.get("first_weak_signal"), "tipping_point": ph.get("tipping_point"),
                 "press_pickup": ph.get("press_pickup"), "campaign": truth.get("campaign")}  # fmt: skip
    if campaign is None:
        c = truth.get("campaign")
        if not isinstance(c, dict):
            raise ConfigError('benchmark --stream: give --track, or a "campaign" in the truth file')
        campaign = Campaign(
            name=str(c.get("name") or "campaign"), hashtags=tuple(c.get("hashtags") or ()),
            handles=tuple(c.get("handles") or ()), keywords=tuple(c.get("keywords") or ()),
            owner=str(c.get("owner") or ""),
        )  # fmt: skip
    batches = list(  # sorted below
        read_batches(
            [stream], IngestStats(), Quarantine(), stream_time=UNORDERED, **(reading or {})
        )
    )
    posts = sorted(
        (p for b in batches for p in b if isinstance(p, Post)), key=lambda p: p.created_at
    )
    if not posts:
        raise ConfigError(f"benchmark --stream: no posts in {stream}")
    times = [p.created_at for p in posts]
    name = Path(stream).name
    exp = user_expectation(truth, name, format_time(min(times)), format_time(max(times)))
    return Case(
        name=name, source="user", expectation=exp, campaigns=(campaign,),
        # read once; in time order, as replay plays an archive (a search export is newest
        # first)
        records=lambda: in_time_order(batches),
        note=f"{len(times):,} posts; expected {exp.expected}",
        figures=post_figures(posts, exp.onset, None),
        hourly=per_hour(posts),
    )  # fmt: skip
