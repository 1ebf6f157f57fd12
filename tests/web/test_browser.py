"""The dashboard in a real headless browser (Debian's chromium driven by Playwright).

Skipped with a reason when /usr/bin/chromium or Playwright is missing, except under CI
(``CI`` set), where a missing browser fails. Screenshots go to out/test-artifacts/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from foretold.store import Store
from tests.web.conftest import Running, make_alert, make_post, window, write

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[2] / "out" / "test-artifacts"
TIMEOUT_MS = 15_000


def _unavailable() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright; no browser download needed)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _unavailable()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, dashboard: Running) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.goto(dashboard.url + "/")
    pg.wait_for_selector("body[data-updates]")
    pg.evaluate("window.__sameDocument = true")
    yield pg
    context.close()
    assert errors == []


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_page_loads_with_campaign_charts_and_marker(page: Any) -> None:
    assert page.text_content("#campaign-title") == "askjpm"
    assert page.locator("#campaign-list li").count() == 1
    assert page.locator("#chart-risk canvas").count() >= 1
    assert page.locator("#chart-mix canvas").count() >= 1
    assert page.locator(".alert-marker").count() == 1
    assert page.locator("#latest li").count() == 3
    assert page.text_content("#conn") in ("live", "connecting…")
    _shot(page, "dashboard-loaded")


def test_replayed_post_appears_without_reload(page: Any, store_path: str) -> None:
    with Store(store_path) as store:
        write(store, [make_post(20, "Just replayed: where is my refund? #askjpm", minutes=41)])
    page.wait_for_selector("#latest li:has-text('Just replayed: where is my refund?')")
    assert page.evaluate("window.__sameDocument") is True
    _shot(page, "dashboard-new-post")


def test_alert_marker_appears_live(page: Any, store_path: str) -> None:
    with Store(store_path) as store:
        write(
            store, [make_post(21, "This is a disaster #askjpm", minutes=45)],
            alerts=[make_alert("crisis", 45, post_id="1021")],
            metrics=[window(45, 80, 0.92, "crisis")],
        )  # fmt: skip
    page.wait_for_selector(".alert-marker[data-level='crisis']")
    assert page.locator(".alert-marker").count() == 2
    page.wait_for_selector("#alerts li[data-level='crisis']")
    assert page.text_content("#campaign-level") == "crisis"
    assert page.evaluate("window.__sameDocument") is True
    _shot(page, "dashboard-alert-marker")


def test_markup_in_posts_is_shown_as_text_and_never_runs(page: Any, store_path: str) -> None:
    script = "<script>window.__pwned = 'script'</script>"
    img = "<img src=x onerror=\"window.__pwned = 'img'\">"
    alert = make_alert("warning", 50, post_id="1031")
    alert["summary"] = f"warning {img}"
    alert["evidence"]["authors"] = [script]
    with Store(store_path) as store:
        write(
            store,
            [make_post(30, script, minutes=50, likes=900), make_post(31, img, minutes=50)],
            alerts=[alert],
        )
    page.wait_for_selector("#alerts li[data-level='warning']")
    page.wait_for_function("document.getElementById('latest').textContent.includes(\"onerror=\")")
    latest = page.text_content("#latest")
    assert script in latest and img in latest
    assert script in page.text_content("#top-posts")
    assert img in page.text_content("#alerts")
    page.wait_for_timeout(300)  # give an injected handler the chance to fire
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#latest img, #top-posts img, #alerts img, #alerts script").count() == 0
    # a javascript: link in evidence stays text, never a link
    assert page.locator("#alerts a[href^='javascript']").count() == 0
    _shot(page, "dashboard-hostile-markup")
