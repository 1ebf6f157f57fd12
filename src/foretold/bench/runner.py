"""Run detectors over a suite's cases through the real pipeline and score them.

For each case and detector: a fresh in-memory :class:`~foretold.store.Store`, the
real :class:`~foretold.pipeline.Pipeline` with ``[tracking, *detector stages]``
over the case's records (read back by the real readers), then the stored alerts
scored against the case's expectation. A detector that needs text is "not
applicable" on a volume-only stream; one that cannot be prepared is "not
available" everywhere, with its reason.

>>> from datetime import UTC, datetime, timedelta
>>> from foretold.bench.case import Case
>>> from foretold.bench.scoring import Expectation
>>> from foretold.post import Author, Post
>>> t0 = datetime(2020, 1, 1, tzinfo=UTC)
>>> posts = [Post(platform="x", id=str(i), text="", author=Author(id=""),
...               created_at=t0 + timedelta(minutes=i)) for i in range(3)]
>>> exp = Expectation("tiny", "quiet", t0, t0 + timedelta(hours=1), None, None, None, "none")
>>> case = Case("tiny", "test", exp, (), lambda: [list(posts)], has_text=False, collected="c")
>>> result = run([case], ["market_volume_12h", "market_negative_vader"])
>>> [(r.detector, r.status, r.alerts) for r in result.runs]
[('market_volume_12h', 'ok', 0), ('market_negative_vader', 'not applicable: no text', 0)]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from foretold.bench.case import Case, finite
from foretold.bench.detectors import Build, Unavailable, detector
from foretold.bench.scoring import StreamScore, score
from foretold.clock import Clock, SystemClock
from foretold.pipeline import Pipeline
from foretold.post import format_time
from foretold.store import Store


@dataclass
class DetectorRun:
    """One detector on one case: ``ok``, ``not applicable: ...`` or ``not available: ...``."""

    detector: str
    case: str
    status: str
    score: StreamScore | None = None
    alerts: int = 0
    posts: int = 0
    seconds: float = 0.0


@dataclass
class CaseInfo:
    """What the report shows about a case (everything but its records)."""

    name: str
    source: str
    kind: str
    expected: str
    phases: dict[str, str | None]
    has_text: bool
    figures: dict[str, float | None]
    reference: dict[str, str]
    hourly: list[int]
    negative_source: str
    note: str


@dataclass
class Result:
    """A benchmark: its cases, every detector run, and what could not run."""

    detectors: list[str]
    cases: list[CaseInfo] = field(default_factory=list)
    runs: list[DetectorRun] = field(default_factory=list)
    unavailable: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def info(case: Case) -> CaseInfo:
    """The report's view of ``case``."""
    e = case.expectation

    def iso(t: Any) -> str | None:
        return None if t is None else format_time(t)

    return CaseInfo(
        name=case.name, source=case.source, kind=e.kind, expected=e.expected,
        phases={"start": iso(e.start), "onset": iso(e.onset), "tipping_point": iso(e.tipping),
                "press_pickup": iso(e.press), "end": iso(e.end)},
        has_text=case.has_text, figures=finite(case.figures), reference=case.reference,
        hourly=case.hourly, negative_source=case.negative_source, note=case.note,
    )  # fmt: skip


def run_case(
    case: Case, build: Build, clock: Clock, workdir: Path | None = None
) -> tuple[list[dict[str, Any]], int]:
    """The stored alerts of one detector over ``case``, and the posts stored.

    The store is in memory, or a file in ``workdir`` (removed afterwards; it keeps
    a long stream's raw posts out of memory).
    """
    path = ":memory:" if workdir is None else str(workdir / "bench-run.db")
    try:
        with Store(path) as store:
            stages = [case.tracking(), *build(case.campaigns, clock)]
            pipe = Pipeline(store, stages, clock=clock, separate_writer=False)
            result = pipe.run(case.records())
            return store.alerts(), result.stored
    finally:
        if workdir is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(path + suffix).unlink(missing_ok=True)


def run(
    cases: Iterable[Case],
    detectors: Sequence[str],
    clock: Clock | None = None,
    on_run: Callable[[DetectorRun], None] | None = None,
    workdir: str | Path | None = None,
    labels_cache: str | Path | None = None,
) -> Result:
    """Every detector over every case (cases are consumed one at a time).

    ``workdir``: where each run's store file goes (default: stores in memory).
    ``labels_cache``: a folder where classifier labels are kept by text
    (:mod:`foretold.bench.labelcache`), so a rerun classifies only new texts.
    """
    clock = clock or SystemClock()
    started = clock.monotonic()
    out = Result(detectors=list(detectors))
    work = Path(workdir) if workdir is not None else None
    builds: dict[str, Build] = {}
    cache = Path(labels_cache) if labels_cache is not None else None
    for name in detectors:
        try:
            builds[name] = detector(name).prepare(cache)
        except Unavailable as e:
            out.unavailable[name] = str(e)
    for case in cases:
        out.cases.append(info(case))
        for name in detectors:
            r = _one(case, name, builds, out.unavailable, clock, work)
            out.runs.append(r)
            if on_run is not None:
                on_run(r)
    out.seconds = round(clock.monotonic() - started, 1)
    return out


def _one(
    case: Case,
    name: str,
    builds: dict[str, Build],
    unavailable: dict[str, str],
    clock: Clock,
    workdir: Path | None,
) -> DetectorRun:
    if name in unavailable:
        return DetectorRun(name, case.name, f"not available: {unavailable[name]}")
    if detector(name).needs_text and not case.has_text:
        return DetectorRun(name, case.name, "not applicable: no text")
    t0 = clock.monotonic()
    try:
        alerts, stored = run_case(case, builds[name], clock, workdir)
    except Exception as e:  # a detector bug is reported in the table, the suite goes on
        return DetectorRun(name, case.name, f"failed: {type(e).__name__}: {e}")
    return DetectorRun(
        detector=name,
        case=case.name,
        status="ok",
        score=score(case.expectation, alerts),
        alerts=len(alerts),
        posts=stored,
        seconds=round(clock.monotonic() - t0, 2),
    )
