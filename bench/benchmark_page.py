"""Compose ``docs/benchmark.md`` from several ``foretold benchmark --json`` files.

    .venv/bin/python bench/benchmark_page.py docs/benchmark.md \\
        "Report seeds 4-8 (never tuned on)=out/bench-4-8-fast.json+out/bench-4-accurate.json" \\
        "Real streams=out/bench-real.json" \\
        "Tuning seeds 1-3=out/bench-1-3-fast.json"

Each argument after the output is ``TITLE=FILE[+FILE...][|NOTE]``: the files' runs are merged
(cases by name, detectors in order; a detector run per seed in its own process, as the
slow accurate tier is, joins the seeds it finished) and rendered with
:func:`foretold.bench.report.markdown` under ``## TITLE``, its headings one level down.
The commands that made each file are in its JSON (``suite``, ``first_seed``, ``seeds``).
``TITLE=@PAGE.md[|NOTE]`` includes a Markdown page instead (its own title left out, its
headings one level down): the simulator's realism table, ``docs/realism.md``, so that the
streams' realism stands beside the scores made on them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import orjson

from foretold.bench.report import markdown
from foretold.bench.runner import CaseInfo, DetectorRun, Result
from foretold.bench.scoring import LevelScore, StreamScore


def load(paths: list[str]) -> tuple[Result, list[dict[str, Any]]]:
    """The merged result of ``paths`` and each file's meta (suite, seeds)."""
    result = Result(detectors=[])
    metas = []
    seen: set[str] = set()
    for path in paths:
        blob = orjson.loads(Path(path).read_bytes())
        metas.append({k: blob.get(k) for k in ("suite", "first_seed", "seeds", "seconds")})
        for d in blob["detectors"]:
            if d["name"] not in result.detectors:
                result.detectors.append(d["name"])
            if d["status"] != "ok":
                result.unavailable[d["name"]] = d["status"].removeprefix("not available: ")
        for c in blob["cases"]:
            if c["name"] not in seen:
                seen.add(c["name"])
                result.cases.append(CaseInfo(**c))
        for r in blob["runs"]:
            s = r.pop("score")
            score = None
            if s is not None:
                score = StreamScore(s["stream"], s["kind"], [LevelScore(**x) for x in s["levels"]])
            result.runs.append(DetectorRun(**r, score=score))
        result.notes += [n for n in blob["notes"] if n not in result.notes]
        result.seconds += blob["seconds"]
    return result, metas


def command(meta: dict[str, Any]) -> str:
    """The ``foretold benchmark`` command line of one file."""
    cmd = f"foretold benchmark --suite {meta['suite']}"
    if (meta.get("first_seed") or 1) != 1:
        cmd += f" --first-seed {meta['first_seed']}"
    if meta.get("seeds", 1) != 1:
        cmd += f" --seeds {meta['seeds']}"
    return cmd


def section(title: str, paths: list[str], note: str = "") -> str:
    """One ``## TITLE`` section: the merged files' page, headings demoted; ``note`` first."""
    result, metas = load(paths)
    first = min(m.get("first_seed") or 1 for m in metas)
    seeds = max(m.get("seeds") or 1 for m in metas)
    cmds = "; ".join(f"{command(m)} --detector ..." for m in metas)
    page = markdown(result, str(metas[0]["suite"]), seeds, cmds, first)
    lines = page.splitlines()[1:]  # the page's own title goes; the section names it
    out = [f"## {title}", *([] if not note else ["", note])]
    out += ["#" + line if line.startswith("#") else line for line in lines]
    return "\n".join(out).rstrip() + "\n"


def included(title: str, path: str, note: str) -> str:
    """The page at ``path`` as a section: its first heading dropped, the rest one level down."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    out = [f"## {title}", ""] + ([note, ""] if note else [])
    out += ["#" + line if line.startswith("#") else line for line in lines]
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str]) -> None:
    out, specs = argv[0], argv[1:]
    parts = [
        "# Detection benchmark",
        "",
        "Composed by `bench/benchmark_page.py` from `foretold benchmark --json` files (the "
        "commands are named in each section); do not edit by hand. `docs/early-warning.md` "
        "says how the detectors were tuned (seeds 1-3 and the real streams only).",
        "",
    ]
    for spec in specs:
        title, _, rest = spec.partition("=")
        files, _, note = rest.partition("|")
        if files.startswith("@"):
            parts.append(included(title, files[1:], note))
        else:
            parts.append(section(title, files.split("+"), note))
    Path(out).write_text("\n".join(parts), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
