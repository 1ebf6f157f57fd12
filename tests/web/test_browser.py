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


def test_error_badge_clears_after_a_good_poll(
    browser: Any, dashboard: Running, store_path: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()  # its own page: the failed poll logs a console error on purpose
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(dashboard.url + "/")
    page.wait_for_selector("#conn.live:text-is('live')")
    page.route("**/api/campaigns", lambda route: route.fulfill(status=500, body="{}"))
    with Store(store_path) as store:
        write(store, [make_post(60, "first change #askjpm", minutes=60)])
    page.wait_for_selector("#conn.error:text('error')")
    page.unroute("**/api/campaigns")
    with Store(store_path) as store:
        write(store, [make_post(61, "second change #askjpm", minutes=61)])
    page.wait_for_selector("#latest li:has-text('second change')")
    page.wait_for_selector("#conn.live:text-is('live')")
    context.close()


def test_level_badge_shows_the_alert_state(page: Any, store_path: str) -> None:
    # the detector's window level says warning, the latest alert says crisis
    with Store(store_path) as store:
        write(
            store, [make_post(70, "meltdown #askjpm", minutes=70)],
            alerts=[make_alert("crisis", 70, post_id="1070")],
            metrics=[window(70, 90, 0.95, "warning")],
        )  # fmt: skip
    page.wait_for_selector("#alerts li[data-level='crisis']")
    assert page.text_content("#campaign-level") == "crisis"
    with Store(store_path) as store:
        write(store, [], alerts=[make_alert("all_clear", 90)])
    page.wait_for_selector("#alerts li[data-level='all_clear']")
    page.wait_for_selector("#campaign-level:text-is('none')")
    assert page.text_content("#campaign-list li[data-campaign='askjpm'] .level") == "none"


def test_alert_evidence_is_a_labelled_table(page: Any) -> None:
    row = page.locator("#alerts table.evidence tr[data-metric='risk']")
    assert row.locator("th").text_content() == "hijack risk"
    assert row.locator("td").text_content() == "0.70"
    assert page.locator("#alerts table.evidence th", has_text="people").count() == 1


def test_lines_break_across_gaps_in_time(page: Any, store_path: str) -> None:
    with Store(store_path) as store:  # six hours after the last window, one more
        write(store, [make_post(80, "back again #askjpm", minutes=400)],
              metrics=[window(400, 5, 0.1)])  # fmt: skip
    page.wait_for_selector("#latest li:has-text('back again')")
    data = page.evaluate("window.__foretold.charts.risk.data")
    t, risk = data[0], data[1]
    assert len(t) == 10 and risk[8] is None  # 8 windows, a break, the new one
    assert t[8] == t[7] + 300 and t[9] - t[7] == 365 * 60


def test_phone_layout_has_no_sideways_scroll(browser: Any, dashboard: Running) -> None:
    context = browser.new_context(viewport={"width": 400, "height": 800}, is_mobile=True)
    pg = context.new_page()
    pg.goto(dashboard.url + "/")
    pg.wait_for_selector("body[data-updates]")
    pg.wait_for_selector("#chart-mix canvas")
    widths = pg.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    _shot(pg, "dashboard-phone")
    context.close()
    assert widths[0] <= widths[1] == 400


@pytest.fixture
def two_campaigns(tmp_path: Path) -> Iterator[Running]:
    from foretold.store import post_row
    from tests.web.conftest import serve

    path = str(tmp_path / "two.db")
    with Store(path) as store:
        store.put_campaigns([("a-quiet", {}), ("zz-busy", {})])
        old, new = make_post(1, "long ago", minutes=-600), make_post(2, "just now", minutes=30)
        store.write_rows(
            [post_row(old), post_row(new)], [],
            [("a-quiet", "x", old.id), ("zz-busy", "x", new.id)],
        )  # fmt: skip
    running = serve(path)
    yield running
    running.server.shutdown()
    running.server.server_close()


def test_opens_on_the_most_recently_active_campaign(browser: Any, two_campaigns: Running) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    pg = context.new_page()
    pg.goto(two_campaigns.url + "/")
    pg.wait_for_selector("body[data-updates]")
    title = pg.text_content("#campaign-title")
    pg.goto(two_campaigns.url + "/#a-quiet")  # a chosen campaign still wins
    pg.wait_for_selector("#campaign-title:text-is('a-quiet')")
    context.close()
    assert title == "zz-busy"


def test_an_alert_naming_a_swarm_shows_its_clusters_and_accounts(
    page: Any, store_path: str
) -> None:
    script = "<script>window.__pwned = 'swarm'</script> boycott @jpmorgan now"
    alert = make_alert("warning", 95, post_id="1095")
    alert["evidence"]["coordination"] = {
        "minutes": 15, "posts": 68, "hostile_posts": 22, "near_copy_share": 0.3235,
        "near_copy_hostile_share": 1.0, "coordinated_accounts": 22, "young_accounts": 11,
        "clusters": [{"size": 22, "accounts": 22, "hostile": 22, "example": script,
                      "first_seen": "2013-11-13T21:01:44.466Z"}],
        "groups": [],
        "accounts": [{"handle": "chris18130567", "score": 1.0, "synchronised": True,
                      "drivers": ["young", "high_rate", "generated_handle"]}],
    }  # fmt: skip
    with Store(store_path) as store:
        write(store, [make_post(95, "swarm #askjpm", minutes=95)], alerts=[alert])
    page.wait_for_selector("#alerts table.evidence th:text-is('coordination')")
    text = page.text_content("#alerts table.evidence")
    assert "100% of hostile posts, 32% of posts in the last 15 min are near-copies" in text
    assert "22 coordinated accounts (11 created this month)" in text
    assert "@chris18130567 1.00: young, high rate, generated handle (synchronised)" in text
    assert script in text
    assert page.evaluate("window.__pwned") is None
    _shot(page, "dashboard-coordination")


def test_an_alert_shows_what_its_picture_posts_say(page: Any, store_path: str) -> None:
    said = "<img src=x onerror=\"window.__pwned = 'meme'\"> SHAME ON YOU"
    alert = make_alert("crisis", 97, post_id="1097")
    alert["evidence"]["images"] = {"1097": said}  # docs/media.md: evidence.images
    with Store(store_path) as store:
        write(store, [make_post(97, "my #askjpm photo", minutes=97)], alerts=[alert])
    page.wait_for_selector("#alerts table.evidence .image-text")
    text = page.text_content("#alerts table.evidence")
    assert f"my #askjpm photo — @user97image text: {said}" in text
    page.wait_for_timeout(300)  # give an injected handler the chance to fire
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#alerts img").count() == 0
