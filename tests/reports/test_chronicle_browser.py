"""The chronicle in a real headless browser: it renders offline, with no script errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from foretold.reports.chronicle import write_chronicle
from foretold.store import Store

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "out" / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def _browser_or_skip() -> object:
    missing = None
    if not CHROMIUM.exists():
        missing = f"no Debian chromium at {CHROMIUM} (apt-get install chromium)"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            missing = "playwright for Python is not installed (pip install playwright)"
        else:
            return sync_playwright
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {missing}")
    pytest.skip(missing or "")


def test_chronicle_renders_offline_and_escapes_posts(
    askjpm_store: tuple[Path, Path], tmp_path: Path
) -> None:
    sync_playwright = _browser_or_skip()
    db, _ = askjpm_store
    copy = tmp_path / "copy.db"
    copy.write_bytes(db.read_bytes())
    evil = "<script>window.__pwned = 1</script> #AskJPM"
    with Store(copy) as store:
        store.db.execute(
            "UPDATE posts SET text = ? WHERE seq = (SELECT seq FROM posts"
            " WHERE author_handle = 'jpmorgan' ORDER BY created_at LIMIT 1)", (evil,),
        )  # fmt: skip
        write_chronicle(store, "askjpm", tmp_path / "chronicle.html")
    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:  # type: ignore[operator]
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 1400})
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto((tmp_path / "chronicle.html").as_uri())
        assert page.evaluate("window.__pwned === undefined")
        assert page.locator("text=<script>window.__pwned = 1</script>").count() >= 1
        assert page.locator("svg.chart").count() >= 6
        assert page.locator("h2", has_text="Grievances").count() == 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "askjpm-chronicle.png"), full_page=False)
        browser.close()
    assert [u for u in requests if not u.startswith("file://")] == []
    assert errors == []
