"""Golden alerts: the #AskJPM replay and two benign controls raise exactly these alerts.

Regenerate with ``.venv/bin/python bench/make_golden.py`` when detection (or the
shipped fast classifier) changes on purpose, and review the diff like code.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _make_golden() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_golden", ROOT / "bench" / "make_golden.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _ready() -> str | None:
    if not (ROOT.parent / "shared" / "data").is_dir():
        return "the simulator's text pools (../shared/data) are not here"
    if not (ROOT / "src" / "foretold" / "understand" / "models" / "fast.npz").exists():
        return "the fast classifier model is not built"
    return None


@pytest.mark.skipif(_ready() is not None, reason=str(_ready()))
@pytest.mark.parametrize(("name", "seed"), [("askjpm", 1), ("benign_qa", 1), ("viral_positive", 1)])
def test_replay_raises_the_golden_alerts(name: str, seed: int) -> None:
    mg = _make_golden()
    expected = mg.golden_path(name, seed).read_bytes()
    assert mg.replay_alerts(name, seed) == expected
