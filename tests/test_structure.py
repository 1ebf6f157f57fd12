"""The package's structure, as docs/ARCHITECTURE.md describes it, checked on the source.

- No module imports another module's ``_private`` name (a public seam instead:
  ``sources/http.py``, ``store.split_list``, ``formats.x_v2.unescape``).
- ``Record`` is defined once, in ``records.py``; the stages do not import the runner.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "foretold"


def _modules() -> list[tuple[str, ast.Module]]:
    return [(str(p.relative_to(SRC)), ast.parse(p.read_text(), str(p))) for p in SRC.rglob("*.py")]


def test_no_private_name_is_imported_across_modules() -> None:
    bad = []
    for name, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("foretold"):
                bad += [f"{name}: {node.module}.{a.name}" for a in node.names
                        if a.name.startswith("_") and not a.name.endswith("__")]  # fmt: skip
    assert bad == []


def test_record_is_defined_once_and_stages_do_not_import_the_runner() -> None:
    defined = []
    for name, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "Record" for t in node.targets
            ):
                defined.append(name)
            if name in ("detect/stage.py", "understand/stage.py", "campaigns.py") and isinstance(
                node, ast.ImportFrom
            ):
                assert node.module != "foretold.pipeline", name
    assert defined == ["records.py"]
