"""Regenerate docs/examples/: the #AskJPM chronicle (seed 1), its screenshot and the prechecks.

Run from the repository root: ``.venv/bin/python bench/make_examples.py``. It needs the
real labelled tweets (``../shared/data`` or ``FORETOLD_DATA``); the screenshot needs
Debian chromium at /usr/bin/chromium and playwright for Python (skipped otherwise).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

from foretold.cli.reports import precheck_cmd
from foretold.reports.chronicle import write_chronicle
from foretold.store import Store

EXAMPLES = Path("docs/examples")
FORETOLD = [str(Path(sys.executable).with_name("foretold"))]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def run(*args: str, out: Path | None = None) -> None:
    """Run a foretold command, optionally capturing stdout into ``out``."""
    res = subprocess.run([*FORETOLD, *args], check=True, capture_output=out is not None, text=True)
    if out is not None:
        out.write_text(res.stdout, encoding="utf-8")


def main() -> None:
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        run("simulate", "askjpm", "--seed", "1", "--out", str(d / "askjpm.jsonl"))
        run("replay", str(d / "askjpm.jsonl"), "--store", str(d / "askjpm.db"),
            "--track", "#AskJPM", "--track", "@jpmorgan")  # fmt: skip
        t = time.perf_counter()
        html = EXAMPLES / "askjpm-chronicle.html"
        with Store(d / "askjpm.db", readonly=True) as store:
            write_chronicle(store, "askjpm", html)
        print(f"chronicle written in {time.perf_counter() - t:.2f} s -> {html}")
        truth = json.loads((d / "askjpm.truth.json").read_text())["phases"]
        print("truth phases:", truth)
        for name, brand, tag in (("askjpm", "JP Morgan", "#AskJPM"),
                                 ("benign_qa", "City Library", "#AskCityLibrary")):  # fmt: skip
            archive = d / f"{name}_prelaunch.jsonl"
            run("simulate", f"{name}_prelaunch", "--seed", "1", "--out", str(archive))
            res = CliRunner().invoke(
                precheck_cmd, ["--brand", brand, "--hashtag", tag, "--archive", str(archive)]
            )
            (EXAMPLES / f"precheck-{name}.txt").write_text(res.output, encoding="utf-8")
    screenshot(html, EXAMPLES / "askjpm-chronicle.png")


def screenshot(html: Path, png: Path) -> None:
    """A screenshot of ``html`` in headless Debian chromium, when it is there."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("playwright missing: no screenshot")
        return
    if not Path("/usr/bin/chromium").exists():
        print("/usr/bin/chromium missing: no screenshot")
        return
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 1600})
        page.goto(html.resolve().as_uri())
        page.screenshot(path=str(png), full_page=False)
        browser.close()
    print(f"screenshot -> {png}")


if __name__ == "__main__":
    main()
