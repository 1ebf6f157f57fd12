"""How close the chronicle's phases land to the simulator's truth, over scenarios and seeds.

    .venv/bin/python bench/chronicle_bench.py [--seeds 1 2 3] [--scenario askjpm ...]

For every firestorm scenario of the library and every seed: simulate the stream, replay
it through the real pipeline (tracking, fast labels, early warning) into a fresh store,
derive the story as ``foretold chronicle`` does, and compare each phase with the truth
file. Prints one row per run (signed error in minutes, ``-`` where the chronicle has no
such phase) and, per phase, how many runs landed within 15 minutes. The derivations
were written against #AskJPM seed 1; the other scenarios and seeds are the held-out
check. Several minutes on two cores.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner

from foretold.cli import main
from foretold.reports.story import build_story
from foretold.store import Store

FIRESTORMS = ("askjpm", "askbg", "mcdstories", "mynypd", "qantasluxury", "waitrose", "slow_burn")
PHASES = (
    "first_weak_signal",
    "tipping_point",
    "peak",
    "press_pickup",
    "brand_response",
    "end",
)
WITHIN_MIN = 15


def run_one(name: str, seed: int, data: str, work: Path) -> dict[str, float | None]:
    """Signed error in minutes of each phase the truth has (None: not derived)."""
    jsonl = work / f"{name}-{seed}.jsonl"
    cli = CliRunner()
    r = cli.invoke(
        main, ["simulate", name, "--seed", str(seed), "--out", str(jsonl), "--data", data]
    )
    if r.exit_code != 0:
        raise SystemExit(r.output)
    truth = json.loads((work / f"{name}-{seed}.truth.json").read_text())
    c = truth["campaign"]
    track = [*c["hashtags"], *c["handles"]]
    db = work / f"{name}-{seed}.db"
    args = ["replay", str(jsonl), "--store", str(db), "--no-progress"]
    for term in track:
        args += ["--track", term]
    r = cli.invoke(main, args)
    if r.exit_code != 0:
        raise SystemExit(r.output)
    campaign = track[0].lstrip("#@").lower()
    with Store(db, readonly=True) as store:
        story = build_story(store, campaign)
    out: dict[str, float | None] = {}
    for phase in PHASES:
        want = truth["phases"].get(phase)
        if want is None:
            continue
        got = story.phase(phase)
        at = datetime.fromisoformat(want.replace("Z", "+00:00"))
        out[phase] = None if got is None else (got.at - at).total_seconds() / 60
    return out


def main_(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--scenario", nargs="+", default=list(FIRESTORMS))
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    a = ap.parse_args(argv)
    hits: dict[str, list[int]] = {p: [0, 0] for p in PHASES}
    print(f"{'scenario':14s} seed " + " ".join(f"{p[:14]:>14s}" for p in PHASES) + "   seconds")
    with tempfile.TemporaryDirectory() as tmp:
        for name in a.scenario:
            for seed in a.seeds:
                start = time.perf_counter()
                errors = run_one(name, seed, a.data, Path(tmp))
                cells = []
                for p in PHASES:
                    if p not in errors:
                        cells.append(f"{'(none)':>14s}")
                        continue
                    e = errors[p]
                    hits[p][1] += 1
                    if e is not None and abs(e) <= WITHIN_MIN:
                        hits[p][0] += 1
                    cells.append(f"{'-' if e is None else f'{e:+.0f} min':>14s}")
                seconds = time.perf_counter() - start
                print(f"{name:14s} {seed:4d} " + " ".join(cells) + f"   {seconds:7.1f}")
                sys.stdout.flush()
    print(f"\nwithin {WITHIN_MIN} min of the truth:")
    for p in PHASES:
        got, n = hits[p]
        print(f"  {p:18s} {got}/{n}")


if __name__ == "__main__":
    main_()
