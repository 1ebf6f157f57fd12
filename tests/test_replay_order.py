"""`replay` plays an archive in time order (a twarc2 search is newest first; PHEME's CSV
goes thread by thread): the alerts of a file written backwards are those of the file in
time order, and ``--file-order`` plays it as written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from foretold.cli import main

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(
    not (ROOT.parent / "shared" / "data").is_dir(),
    reason="the simulator's text pools (../shared/data) are not here",
)


def _alerts(tmp: Path, name: str, lines: list[bytes], *extra: str) -> list[dict[str, Any]]:
    feed = tmp / f"{name}.jsonl"
    feed.write_bytes(b"".join(lines))
    out = tmp / f"{name}.alerts.jsonl"
    r = CliRunner().invoke(main, [
        "replay", str(feed), "--store", str(tmp / f"{name}.db"), "--alerts", str(out),
        "--track", "#SuperBowl", "--track", "#DunkInTheDark", "--track", "@CookieCo",
        "--no-progress", *extra,
    ])  # fmt: skip
    assert r.exit_code == 0, r.output
    return [
        {k: v for k, v in json.loads(a).items() if k != "raised_at"}
        for a in out.read_bytes().splitlines()
    ]


def test_an_archive_written_backwards_raises_the_alerts_of_one_in_time_order(
    tmp_path: Path,
) -> None:
    stream = tmp_path / "vp.jsonl"
    subprocess.run(
        [str(Path(sys.executable).parent / "foretold"), "simulate", "viral_positive",
         "--seed", "1", "--out", str(stream)],
        check=True, capture_output=True, cwd=ROOT,
    )  # fmt: skip
    lines = stream.read_bytes().splitlines(keepends=True)
    in_order = _alerts(tmp_path, "ordered", lines)
    assert in_order  # the stream raises alerts, so a disorder would show
    assert _alerts(tmp_path, "backwards", lines[::-1]) == in_order
    assert _alerts(tmp_path, "as-written", lines[::-1], "--file-order") != in_order
